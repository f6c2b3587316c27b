"""The policy in the keyring: sharding, anti-rollback, pinned keys, refusals, precedence.

``InMemorySecretStore(max_value_bytes=2560)`` stands in for Windows Credential Manager: a
backend with the same 2,560-byte limit per entry (UTF-16), as the issue asks.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import pytest

from app.paths import app_paths
from app.services.decide import Channel, Verdict, decide
from app.services.policy_store import (
    INDEX_ENTRY,
    SERIAL_ENTRY,
    PolicyManager,
    PolicyRefused,
    PolicyStore,
    fingerprint_key,
    load_effective_policy,
)
from app.services.secret_store import InMemorySecretStore, SecretStoreUnavailable
from app.services.signing import Signature, generate_key, public_key_of, sign
from classifiers.detectors.base import make_finding
from classifiers.model import ScanResult

WINDOWS_LIMIT = 2560


class UnavailableStore:
    """A keyring that is there but cannot be used (locked, dismissed prompt)."""

    backend_name = "unavailable"
    max_value_bytes = None

    def get(self, name: str) -> str | None:
        raise SecretStoreUnavailable("the OS keyring is locked: unlock it and try again")

    set = delete = get  # type: ignore[assignment]


class Admin:
    def __init__(self) -> None:
        self.key = generate_key()
        self.public = public_key_of(self.key)

    def signed(self, serial: int, extra: str = "") -> tuple[bytes, Signature]:
        data = f'schema = 1\nserial = {serial}\nname = "org"\n{extra}'.encode()
        return data, sign(data, self.key)


@pytest.fixture
def admin() -> Admin:
    return Admin()


@pytest.fixture
def events() -> list[tuple[str, dict[str, Any]]]:
    return []


@pytest.fixture
def manager(events: list[tuple[str, dict[str, Any]]]) -> PolicyManager:
    return PolicyManager(
        app_paths(), InMemorySecretStore(), on_event=lambda k, d: events.append((k, d))
    )


def pinned(manager: PolicyManager, admin: Admin) -> PolicyManager:
    manager.trust(admin.public)
    return manager


def ssn() -> ScanResult:
    return ScanResult("-", (make_finding("US_SSN", "123-45-6789", 0, 11, 0.9, "pii/ssn"),))


def test_imported_policy_is_stored_read_back_and_in_force(
    manager: PolicyManager, admin: Admin
) -> None:
    pinned(manager, admin)
    data, sig = admin.signed(3, '[actions]\nhigh = "block"\n')
    policy = manager.import_signed(data, sig)
    assert policy.source == "admin" and policy.serial == 3
    fresh = PolicyManager(manager.paths, manager.store._s)  # a new session, same keyring
    assert fresh.refresh().digest == policy.digest
    assert decide(fresh.current, ssn(), Channel.CLIPBOARD).verdict is Verdict.BLOCK
    status = fresh.status()
    assert (status.source, status.serial, status.signer, status.stored) == (
        "admin",
        3,
        admin.public.key_id,
        True,
    )
    assert status.highest_serial == 3 and status.verified_at


def test_a_100_kb_policy_is_sharded_under_the_windows_limit_and_reads_back(admin: Admin) -> None:
    backend = InMemorySecretStore(max_value_bytes=WINDOWS_LIMIT)
    store = PolicyStore(backend)
    store.pin(admin.public, "trust")
    paths = "".join(f'  "/data/{secrets.token_hex(24)}/*",\n' for _ in range(1700))
    data, sig = admin.signed(1, f"[allowlist]\npaths = [\n{paths}]\n")
    assert len(data) > 100_000
    store.accept(data, sig)
    shards = [k for k in backend._data if k.startswith(INDEX_ENTRY + ".")]
    assert len(shards) > 20
    assert all(len(backend._data[k].encode("utf-16-le")) <= WINDOWS_LIMIT for k in backend._data)
    policy, env = store.load()  # type: ignore[misc]
    assert env.policy == data and policy.serial == 1


def test_a_new_policy_replaces_the_old_shards_without_leaving_any(admin: Admin) -> None:
    backend = InMemorySecretStore(max_value_bytes=WINDOWS_LIMIT)
    store = PolicyStore(backend)
    store.pin(admin.public, "trust")
    store.accept(*admin.signed(1, "# " + secrets.token_hex(3000) + "\n"))
    store.accept(*admin.signed(2))
    index_gen = __import__("json").loads(backend._data[INDEX_ENTRY])["generation"]
    shards = [k for k in backend._data if k.startswith(INDEX_ENTRY + ".")]
    assert shards and all(k.startswith(f"{INDEX_ENTRY}.{index_gen}.") for k in shards)
    assert store.load()[0].serial == 2  # type: ignore[index]


def _in_force_after_refusal(
    manager: PolicyManager,
    call: Any,
    match: str,
    kind: str,
    events: list[tuple[str, dict[str, Any]]],
) -> None:
    before = manager.current
    with pytest.raises(PolicyRefused, match=match) as info:
        call()
    assert info.value.kind == kind
    assert "\n" not in info.value.reason
    assert manager.current is before  # the last good policy stays in force
    assert events[-1][0] == "policy_refused" and events[-1][1]["kind"] == kind


def test_bad_signature_is_refused_and_the_previous_policy_stays(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1))
    data, sig = admin.signed(2, '[actions]\ncritical = "allow"\n')
    tampered = data.replace(b"allow", b"log  ")
    _in_force_after_refusal(
        manager,
        lambda: manager.import_signed(tampered, sig),
        "does not verify",
        "bad-signature",
        events,
    )
    assert manager.current.serial == 1


def test_policy_signed_by_another_key_is_refused(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1))
    intruder = Admin()
    _in_force_after_refusal(
        manager,
        lambda: manager.import_signed(*intruder.signed(9)),
        f"signed by key {intruder.public.key_id}, which is not trusted",
        "untrusted-key",
        events,
    )
    _in_force_after_refusal(
        manager,
        lambda: manager.import_signed(*intruder.signed(9), pub=intruder.public),
        "is not pinned on this machine",
        "untrusted-key",
        events,
    )
    assert manager.current.serial == 1


def test_roll_back_to_a_lower_serial_is_refused(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(5))
    _in_force_after_refusal(
        manager,
        lambda: manager.import_signed(*admin.signed(4)),
        r"serial 4 is lower than the highest accepted \(5\)",
        "rollback",
        events,
    )
    assert manager.current.serial == 5


def test_same_serial_with_other_content_is_refused_and_same_content_is_a_no_op(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(2))
    assert manager.import_signed(*admin.signed(2)).serial == 2
    _in_force_after_refusal(
        manager,
        lambda: manager.import_signed(*admin.signed(2, "simulation = true\n")),
        "already accepted with different content",
        "replay",
        events,
    )


def test_malformed_but_validly_signed_policy_is_refused_listing_problems(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1))
    _in_force_after_refusal(
        manager,
        lambda: manager.import_signed(*admin.signed(2, 'on_incomplet = "warn"\n')),
        "did you mean 'on_incomplete'",
        "malformed",
        events,
    )
    assert manager.current.serial == 1


def test_tampered_keyring_entry_is_refused_and_the_session_policy_stays(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1, '[actions]\nhigh = "block"\n'))
    backend: InMemorySecretStore = manager.store._s  # type: ignore[assignment]
    shard = next(k for k in backend._data if k.startswith(INDEX_ENTRY + "."))
    backend._data[shard] = backend._data[shard][:-4] + "AAAA"
    policy = manager.refresh()
    assert policy.serial == 1 and policy.source == "admin"  # last good of this session
    assert any("changed outside presend" in p for p in manager.status().problems)
    assert events[-1][0] == "policy_refused" and events[-1][1]["kind"] == "tampered"
    fresh = PolicyManager(manager.paths, backend)
    assert fresh.refresh().source == "built-in"  # a new session never runs the damaged copy


def test_keyring_serial_lowered_behind_presends_back_is_detected(
    manager: PolicyManager, admin: Admin
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(7))
    manager.store._s.set(SERIAL_ENTRY, "9")  # type: ignore[attr-defined]
    fresh = PolicyManager(manager.paths, manager.store._s)
    assert fresh.refresh().source == "built-in"
    assert any("changed outside presend" in p for p in fresh.status().problems)


def write_site(site: Path, admin: Admin, serial: int, extra: str = "") -> None:
    (site / "trusted_keys").mkdir(parents=True, exist_ok=True)
    (site / "trusted_keys" / "org.pub").write_text(admin.public.to_text("org"))
    data, sig = admin.signed(serial, extra)
    (site / "policy.toml").write_bytes(data)
    (site / "policy.toml.sig").write_text(sig.to_text())


def test_site_folder_pins_its_keys_and_its_policy_survives_deleting_the_file(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    write_site(manager.paths.site, admin, 4)
    assert manager.refresh().serial == 4
    assert [k for k, _ in events] == ["policy_key_pinned", "policy_accepted"]
    (manager.paths.site / "policy.toml").unlink()
    (manager.paths.site / "policy.toml.sig").unlink()
    assert PolicyManager(manager.paths, manager.store._s).refresh().serial == 4


def test_older_site_policy_cannot_roll_back_the_stored_one(
    manager: PolicyManager, admin: Admin
) -> None:
    write_site(manager.paths.site, admin, 4)
    manager.refresh()
    write_site(manager.paths.site, admin, 3)
    assert manager.refresh().serial == 4
    assert any("lower than the highest accepted" in p for p in manager.status().problems)


def test_explicit_trust_is_refused_when_the_admin_manages_keys(
    manager: PolicyManager, admin: Admin
) -> None:
    write_site(manager.paths.site, admin, 1)
    manager.refresh()
    with pytest.raises(PolicyRefused, match="ask your admin"):
        manager.trust(Admin().public)


def test_no_usable_keyring_runs_on_builtin_defaults_and_says_so(events: list) -> None:
    m = PolicyManager(app_paths(), UnavailableStore(), on_event=lambda k, d: events.append((k, d)))  # type: ignore[arg-type]
    assert m.refresh().source == "built-in"
    status = m.status()
    assert status.keyring == "unavailable"
    assert any("keyring is locked" in p and "built-in defaults" in p for p in status.problems)
    assert events == [
        (
            "keyring_unavailable",
            {"error": "SecretStoreUnavailable", "running_on": "built-in defaults"},
        )
    ]


def test_no_usable_keyring_still_runs_a_site_policy_verified_against_site_keys(
    admin: Admin,
) -> None:
    m = PolicyManager(app_paths(), UnavailableStore())  # type: ignore[arg-type]
    write_site(m.paths.site, admin, 6)
    policy = m.refresh()
    assert (policy.source, policy.serial, m.status().stored) == ("admin", 6, False)


def test_user_preferences_only_tighten_an_admin_policy(
    manager: PolicyManager, admin: Admin
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1))
    prefs = manager.paths.config / "preferences.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text('schema = 1\nserial = 0\n[actions]\nhigh = "block"\ncritical = "allow"\n')
    policy = manager.refresh()
    assert decide(policy, ssn(), Channel.CLIPBOARD).verdict is Verdict.BLOCK
    key = ScanResult("-", (make_finding("PRIVATE_KEY", "k" * 40, 0, 40, 0.99, "secrets/pem"),))
    assert decide(policy, key, Channel.CLIPBOARD).verdict is Verdict.REDACT
    assert manager.status().layers == ("user",)


def test_user_preferences_may_loosen_when_the_admin_allows_it(
    manager: PolicyManager, admin: Admin
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1, "[user]\nmay_loosen = true\n"))
    prefs = manager.paths.config / "preferences.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text('schema = 1\nserial = 0\n[actions]\nhigh = "log"\n')
    assert decide(manager.refresh(), ssn(), Channel.CLIPBOARD).verdict is Verdict.LOG


def test_invalid_user_preferences_are_ignored_whole_and_reported(manager: PolicyManager) -> None:
    prefs = manager.paths.config / "preferences.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text('schema = 1\nserial = 0\n[actions]\nhigh = "block"\nmedum = "warn"\n')
    assert manager.refresh().source == "built-in"
    assert any("did you mean 'medium'" in p for p in manager.status().problems)


def test_events_never_carry_the_policy_text(
    manager: PolicyManager, admin: Admin, events: list
) -> None:
    pinned(manager, admin)
    marker = secrets.token_hex(16)
    manager.import_signed(*admin.signed(1, f'[allowlist]\npatterns = ["{marker}"]\n'))
    with pytest.raises(PolicyRefused):
        manager.import_signed(*admin.signed(0, f'[allowlist]\npatterns = ["{marker}"]\n'))
    assert events and marker not in repr(events)


def test_fingerprint_key_is_created_once_and_kept() -> None:
    store = InMemorySecretStore()
    key = fingerprint_key(store)
    assert len(key) == 32 and fingerprint_key(store) == key


def test_cli_loader_reports_problems_and_falls_back_to_defaults() -> None:
    problems: list[str] = []
    policy = load_effective_policy(app_paths(), UnavailableStore(), on_problem=problems.append)  # type: ignore[arg-type]
    assert policy.source == "built-in" and len(problems) == 1


def test_site_watcher_picks_up_a_pushed_policy(manager: PolicyManager, admin: Admin) -> None:
    from app.services.policy_store import SiteWatcher

    site = manager.paths.site
    site.mkdir(parents=True)
    manager.refresh()
    watcher = SiteWatcher(site, manager.refresh)
    watcher.start()
    try:
        assert not watcher.poll()
        write_site(site, admin, 8)
        assert watcher.wait_dirty(10), "watchdog reported no change"
        assert watcher.poll()
        assert manager.current.serial == 8
        assert not watcher.poll()
    finally:
        watcher.stop()


def test_site_watcher_polls_a_folder_that_appears_later(
    manager: PolicyManager, admin: Admin
) -> None:
    from app.services.policy_store import SiteWatcher

    calls: list[int] = []
    watcher = SiteWatcher(manager.paths.site, lambda: calls.append(1))
    watcher.start()  # no folder yet: nothing to watch, polling still works
    try:
        write_site(manager.paths.site, admin, 1)
        assert watcher.poll() and calls == [1]
    finally:
        watcher.stop()


def test_without_an_admin_policy_user_preferences_replace_the_defaults(
    manager: PolicyManager,
) -> None:
    prefs = manager.paths.config / "preferences.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text('schema = 1\nserial = 0\n[actions]\nhigh = "log"\n')
    policy = manager.refresh()
    assert policy.source == "user"
    assert decide(policy, ssn(), Channel.CLIPBOARD).verdict is Verdict.LOG


@pytest.mark.parametrize(
    ("admin_extra", "desktop_watched"),
    [
        ("", True),  # users may add folders (the default)
        ("[user]\nmay_loosen = true\n", True),  # users may even loosen the policy
        ("folders.user_may_add = false\n", False),
    ],
)
def test_mandatory_folders_stay_whatever_the_user_prefers(
    manager: PolicyManager, admin: Admin, admin_extra: str, desktop_watched: bool
) -> None:
    pinned(manager, admin)
    manager.import_signed(*admin.signed(1, 'folders.mandatory = ["~/Downloads"]\n' + admin_extra))
    prefs = manager.paths.config / "preferences.toml"
    prefs.parent.mkdir(parents=True, exist_ok=True)
    prefs.write_text('schema = 1\nserial = 0\n[folders]\nmandatory = []\nwatch = ["~/Desktop"]\n')
    watched = manager.refresh().folders_to_watch()
    assert "~/Downloads" in watched
    assert ("~/Desktop" in watched) is desktop_watched


class FlakyStore(InMemorySecretStore):
    """A keyring that works, then becomes unavailable (locked mid-session)."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False

    def get(self, name: str) -> str | None:
        if self.down:
            raise SecretStoreUnavailable("the OS keyring is locked: unlock it and try again")
        return super().get(name)


def test_a_keyring_lost_mid_session_keeps_the_policy_verified_in_this_session(admin: Admin) -> None:
    store = FlakyStore()
    PolicyStore(store).pin(admin.public, "trust")
    PolicyStore(store).accept(*admin.signed(5))
    problems: list[str] = []
    assert load_effective_policy(app_paths(), store).serial == 5
    store.down = True
    policy = load_effective_policy(app_paths(), store, on_problem=problems.append)
    assert (policy.source, policy.serial) == ("admin", 5)
    assert problems == [
        "the OS keyring is locked: unlock it and try again; "
        "running on the last policy verified in this session"
    ]


def test_keyring_unavailable_is_audited_once_per_outage(admin: Admin, events: list) -> None:
    store = FlakyStore()
    manager = PolicyManager(app_paths(), store, on_event=lambda k, d: events.append((k, d)))
    store.down = True
    manager.refresh()
    manager.refresh()
    store.down = False
    manager.refresh()
    store.down = True
    manager.refresh()
    assert [k for k, _ in events] == ["keyring_unavailable", "keyring_unavailable"]
