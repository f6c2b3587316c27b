"""Fixtures for tests against the real Secret Service (gnome-keyring under dbus-run-session).

They skip, saying why, when no unlocked Secret Service is reachable; CI's desktop pass
(tests/desktop-session.sh) provides one, so nothing skips there.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from app.services.secret_store import KeyringSecretStore, SecretStoreError


class RecordingStore:
    """The real keyring under a throw-away service name; remembers what to clean up."""

    def __init__(self, inner: KeyringSecretStore, max_value_bytes: int | None = None) -> None:
        self.inner = inner
        self.names: set[str] = set()
        self._max = max_value_bytes

    @property
    def backend_name(self) -> str:
        return self.inner.backend_name

    @property
    def max_value_bytes(self) -> int | None:
        return self._max if self._max is not None else self.inner.max_value_bytes

    def get(self, name: str) -> str | None:
        return self.inner.get(name)

    def set(self, name: str, value: str) -> None:
        if self._max is not None and len(value.encode("utf-16-le")) > self._max:
            raise SecretStoreError(f"entry {name!r} is over {self._max} bytes")
        self.names.add(name)
        self.inner.set(name, value)

    def delete(self, name: str) -> None:
        self.inner.delete(name)


def _secret_service_problem() -> str | None:
    try:
        import keyring
        from keyring.backends import SecretService
    except ImportError as exc:
        return f"keyring's Secret Service backend cannot be imported ({type(exc).__name__})"
    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        return (
            f"no Secret Service reachable (keyring backend is {type(backend).__module__}.{type(backend).__name__}); "
            "run under dbus-run-session with an unlocked gnome-keyring (tests/desktop-session.sh)"
        )
    probe = KeyringSecretStore(service=f"presend-probe-{secrets.token_hex(4)}")
    try:
        probe.set("probe", "1")
        ok = probe.get("probe") == "1"
        probe.delete("probe")
    except SecretStoreError as exc:
        return f"the Secret Service is not usable ({type(exc).__name__}): is it unlocked?"
    return None if ok else "the Secret Service did not return what was stored"


@pytest.fixture(scope="session")
def secret_service() -> None:
    problem = _secret_service_problem()
    if problem:
        pytest.skip(problem)


def _store(max_value_bytes: int | None) -> Iterator[RecordingStore]:
    store = RecordingStore(
        KeyringSecretStore(service=f"presend-test-{secrets.token_hex(6)}"), max_value_bytes
    )
    yield store
    for name in store.names:
        store.delete(name)


@pytest.fixture
def real_store(secret_service: None) -> Iterator[RecordingStore]:
    yield from _store(None)


@pytest.fixture
def capped_real_store(secret_service: None) -> Iterator[RecordingStore]:
    """The real keyring, used as if each entry held at most 2,560 bytes (Windows' limit)."""
    yield from _store(2560)
