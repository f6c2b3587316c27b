"""Test-wide guards: no network, no DNS, no leaked threads, an isolated PRESEND_HOME.

Sockets are disabled by pytest-socket (``--disable-socket --allow-unix-socket`` in
.ci/run and the README command, see ``pytest_configure``); tests that talk to a loopback
receiver (SIEM forwarding) opt in with ``@pytest.mark.enable_socket`` and still may only
resolve and connect to loopback addresses.
"""

from __future__ import annotations

import socket
import threading

import pytest

_LOOPBACK = {"localhost", "127.0.0.1", "::1", "ip6-localhost"}


def pytest_configure(config: pytest.Config) -> None:
    # Equivalent to passing --disable-socket --allow-unix-socket on the command line.
    config.option.disable_socket = True
    config.option.allow_unix_socket = True


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def guarded(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host is not None and str(host) not in _LOOPBACK:
            raise AssertionError(f"test tried a DNS lookup of {host!r}: presend never uses the network")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("presend-home")
    monkeypatch.setenv("PRESEND_HOME", str(home))
    monkeypatch.delenv("PRESEND_SITE_DIR", raising=False)
    return home


@pytest.fixture(autouse=True)
def _no_leaked_threads():
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked = [
        t
        for t in threading.enumerate()
        if t.ident not in before and t.is_alive() and not t.daemon
    ]
    for t in leaked:
        t.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"test leaked running threads: {still}"
