"""Qt tests. Offscreen unless run inside the Xvfb desktop session (tests/desktop-session.sh)."""

from __future__ import annotations

import os

if not os.environ.get("PRESEND_DESKTOP_SESSION"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest

from app.paths import app_paths
from app.services.policy import parse_policy
from app.services.runtime import Runtime
from app.services.secret_store import InMemorySecretStore

STRICT_POLICY = """
schema = 1
serial = 7
name = "ui tests"
[actions]
low = "log"
medium = "log"
high = "redact"
critical = "redact"
[override]
redact = "with-reason"
block = "with-reason"
"""


@pytest.fixture(scope="session", autouse=True)
def _clear_clipboard_at_exit(qapp):  # type: ignore[no-untyped-def]
    yield
    # offscreen Qt segfaults at exit if the process still owns clipboard data
    qapp.clipboard().clear()


def make_runtime(policy_text: str = STRICT_POLICY) -> Runtime:
    paths = app_paths()
    return Runtime(
        paths,
        InMemorySecretStore(),
        policy_loader=lambda: parse_policy(policy_text, "file"),
    )


@pytest.fixture
def runtime() -> Runtime:
    return make_runtime()


@pytest.fixture
def audit_records(runtime: Runtime):  # type: ignore[no-untyped-def]
    def read() -> list[dict]:
        return list(runtime.audit_log.records())

    return read


@pytest.fixture
def home() -> Path:
    return Path(os.environ["PRESEND_HOME"])
