"""No keyring at all (keyring's fail backend): presend says so and runs on the defaults."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backends import fail

from app.paths import app_paths
from app.services.policy_store import PolicyManager
from app.services.secret_store import KeyringSecretStore, SecretStoreUnavailable


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(before)


def test_absent_keyring_is_a_visible_state_never_a_plain_file(no_keyring: None) -> None:
    events: list[tuple[str, dict]] = []
    manager = PolicyManager(
        app_paths(), KeyringSecretStore(), on_event=lambda k, d: events.append((k, d))
    )
    policy = manager.refresh()
    status = manager.status()
    assert policy.source == "built-in"
    assert (status.keyring, status.backend) == ("unavailable", "unavailable")
    assert any("no usable OS keyring" in p and "built-in defaults" in p for p in status.problems)
    assert [k for k, _ in events] == ["keyring_unavailable"]
    home = app_paths().config.parent
    assert not any(p.is_file() for p in home.rglob("*")), "nothing may be written to disk instead"


def test_absent_keyring_refuses_to_store_with_what_to_do(no_keyring: None) -> None:
    with pytest.raises(SecretStoreUnavailable, match="Secret Service provider"):
        KeyringSecretStore().set("policy", "x")
