"""Shared helpers for the audit, SIEM and spool tests (synthetic data only)."""

from __future__ import annotations

import datetime as dt
import secrets
import string

from app.services.secret_store import InMemorySecretStore, SecretStoreUnavailable
from classifiers.detectors.base import make_finding


class FakeClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


class BrokenStore(InMemorySecretStore):
    """A secret store whose keyring is locked."""

    def get(self, name: str) -> str | None:
        raise SecretStoreUnavailable("keyring locked")

    def set(self, name: str, value: str) -> None:
        raise SecretStoreUnavailable("keyring locked")


def canary_token() -> str:
    """A random GitHub-token-shaped secret that exists nowhere else."""
    alphabet = string.ascii_letters + string.digits
    return "ghp_" + "".join(secrets.choice(alphabet) for _ in range(36))


def finding_for(text: str, value: str, entity_type: str = "GITHUB_TOKEN", score: float = 0.95):
    start = text.index(value)
    return make_finding(entity_type, text, start, start + len(value), score, "secrets/github-pat")
