"""Secret stores: where presend keeps its policy, keys and counters.

``KeyringSecretStore`` uses the OS keyring through the ``keyring`` library (Secret
Service on Linux, Credential Manager on Windows, Keychain on macOS). There is no
plaintext-file fallback: a missing or locked keyring raises ``SecretStoreUnavailable``
with a message that says what is missing and what to do.

::

    SecretStoreError
     +-- SecretStoreUnavailable   no usable keyring (none installed, locked, dismissed)
"""

from __future__ import annotations

import threading
from typing import Protocol

SERVICE = "presend"


class SecretStoreError(Exception):
    """Base of secret store errors."""


class SecretStoreUnavailable(SecretStoreError):
    """No usable OS keyring; the message says what to do."""


class SecretStore(Protocol):
    """A small key/value store for secrets. Values are text."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...

    @property
    def backend_name(self) -> str: ...

    @property
    def max_value_bytes(self) -> int | None:
        """Largest value one entry can hold, or None when unlimited."""
        ...


class InMemorySecretStore:
    """A store that lives only as long as the process (tests, and a session with no keyring)."""

    def __init__(self, max_value_bytes: int | None = None, name: str = "memory") -> None:
        self._data: dict[str, str] = {}
        self._lock = threading.Lock()
        self._max = max_value_bytes
        self._name = name

    @property
    def backend_name(self) -> str:
        return self._name

    @property
    def max_value_bytes(self) -> int | None:
        return self._max

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._data.get(name)

    def set(self, name: str, value: str) -> None:
        if self._max is not None and len(value.encode("utf-16-le")) > self._max:
            raise SecretStoreError(
                f"entry {name!r} is {len(value.encode('utf-16-le'))} bytes; "
                f"this backend holds at most {self._max}"
            )
        with self._lock:
            self._data[name] = value

    def delete(self, name: str) -> None:
        with self._lock:
            self._data.pop(name, None)


_UNAVAILABLE_HINT = (
    "no usable OS keyring: on Linux start and unlock a Secret Service provider "
    "(gnome-keyring or KWallet) in your desktop session; presend will not store "
    "its policy or keys in plain files"
)


class KeyringSecretStore:
    """The OS keyring via ``keyring``. Raises ``SecretStoreUnavailable`` instead of falling open."""

    # Windows Credential Manager caps a credential blob at 2,560 bytes (UTF-16).
    _WINDOWS_LIMIT = 2560

    def __init__(self, service: str = SERVICE) -> None:
        self._service = service
        self._backend = None

    def _kr(self):  # type: ignore[no-untyped-def]
        import keyring
        from keyring.backends import fail

        if self._backend is None:
            backend = keyring.get_keyring()
            if isinstance(backend, fail.Keyring) or type(backend).__name__ in (
                "ChainerBackend",
            ) and not getattr(backend, "backends", None):
                raise SecretStoreUnavailable(_UNAVAILABLE_HINT)
            self._backend = backend
        return self._backend

    @property
    def backend_name(self) -> str:
        try:
            backend = self._kr()
        except SecretStoreUnavailable:
            return "unavailable"
        return f"{type(backend).__module__}.{type(backend).__name__}"

    @property
    def max_value_bytes(self) -> int | None:
        try:
            name = self.backend_name
        except SecretStoreError:
            return None
        return self._WINDOWS_LIMIT if "Windows" in name else None

    def _call(self, op: str, *args: str):  # type: ignore[no-untyped-def]
        from keyring.errors import InitError, KeyringError, KeyringLocked, NoKeyringError

        backend = self._kr()
        try:
            return getattr(backend, op)(self._service, *args)
        except (NoKeyringError, InitError) as exc:
            raise SecretStoreUnavailable(_UNAVAILABLE_HINT) from exc
        except KeyringLocked as exc:
            raise SecretStoreUnavailable(
                "the OS keyring is locked: unlock it (log in to your desktop session) "
                "and try again"
            ) from exc
        except KeyringError as exc:
            raise SecretStoreUnavailable(
                f"the OS keyring refused the request ({type(exc).__name__}): "
                "check that it is unlocked"
            ) from exc
        except Exception as exc:  # dbus errors and the like: say it, never fall open
            raise SecretStoreUnavailable(
                f"the OS keyring failed ({type(exc).__name__}); {_UNAVAILABLE_HINT}"
            ) from exc

    def get(self, name: str) -> str | None:
        return self._call("get_password", name)  # type: ignore[no-any-return]

    def set(self, name: str, value: str) -> None:
        self._call("set_password", name, value)

    def delete(self, name: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self._call("delete_password", name)
        except SecretStoreUnavailable as exc:
            if isinstance(exc.__cause__, PasswordDeleteError):
                return
            raise
