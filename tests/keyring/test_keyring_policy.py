"""The policy in the real Secret Service: store, read back, shard, detect tampering, locked."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.paths import app_paths
from app.services.policy_store import INDEX_ENTRY, PolicyManager, PolicyStore
from app.services.signing import generate_key, public_key_of, sign
from tests.keyring.conftest import RecordingStore

pytestmark = pytest.mark.keyring

KEY = generate_key()


def signed(serial: int, extra: str = "") -> tuple[bytes, object]:
    data = f"schema = 1\nserial = {serial}\n{extra}".encode()
    return data, sign(data, KEY)


def manager_on(store: RecordingStore) -> PolicyManager:
    manager = PolicyManager(app_paths(), store)  # type: ignore[arg-type]
    manager.trust(public_key_of(KEY))
    return manager


def test_policy_is_stored_in_the_secret_service_and_read_back_by_a_new_session(
    real_store: RecordingStore,
) -> None:
    manager_on(real_store).import_signed(*signed(3, '[actions]\nhigh = "block"\n'))  # type: ignore[arg-type]
    fresh = PolicyManager(app_paths(), real_store)  # type: ignore[arg-type]
    policy = fresh.refresh()
    assert (policy.source, policy.serial) == ("admin", 3)
    assert "SecretService" in fresh.status().backend and fresh.status().stored


def test_a_100_kb_policy_round_trips_whole_and_sharded(
    real_store: RecordingStore, capped_real_store: RecordingStore
) -> None:
    paths = "".join(f'  "/data/{secrets.token_hex(24)}/*",\n' for _ in range(1700))
    data, sig = signed(1, f"[allowlist]\npaths = [\n{paths}]\n")
    assert len(data) > 100_000
    for store in (real_store, capped_real_store):
        PolicyStore(store).pin(public_key_of(KEY), "trust")  # type: ignore[arg-type]
        PolicyStore(store).accept(data, sig)  # type: ignore[arg-type]
        policy, env = PolicyStore(store).load()  # type: ignore[arg-type, misc]
        assert env.policy == data and policy.serial == 1
    shards = [n for n in capped_real_store.names if n.startswith(INDEX_ENTRY + ".")]
    assert len(shards) > 20
    assert all(len((capped_real_store.get(n) or "").encode("utf-16-le")) <= 2560 for n in shards)


def test_an_entry_edited_in_the_secret_service_is_refused_and_the_policy_stays(
    real_store: RecordingStore,
) -> None:
    manager = manager_on(real_store)
    manager.import_signed(*signed(2, '[actions]\nhigh = "block"\n'))  # type: ignore[arg-type]
    shard = next(n for n in real_store.names if n.startswith(INDEX_ENTRY + "."))
    value = real_store.get(shard) or ""
    real_store.inner.set(shard, value[:-8] + "AAAAAAAA")  # another program edits the entry
    assert manager.refresh().serial == 2  # the last policy verified in this session
    assert any("changed outside presend" in p for p in manager.status().problems)


_LOCKED_CHILD = textwrap.dedent(
    """
    import secretstorage
    from app.paths import app_paths
    from app.services.policy_store import PolicyManager
    from app.services.secret_store import KeyringSecretStore, SecretStoreUnavailable

    store = KeyringSecretStore(service="presend-locked-test")
    store.set("probe", "1")
    conn = secretstorage.dbus_init()
    secretstorage.get_default_collection(conn).lock()
    try:
        KeyringSecretStore(service="presend-locked-test").get("probe")
        print("NOT REFUSED")
    except SecretStoreUnavailable as exc:
        print("REFUSED:", exc)
    manager = PolicyManager(app_paths(), KeyringSecretStore(service="presend-locked-test"))
    policy = manager.refresh()
    print("STATE:", manager.status().keyring, policy.source)
    """
)


def test_a_locked_keyring_is_reported_and_presend_runs_on_the_defaults(tmp_path: Path) -> None:
    """Locks the collection of a private gnome-keyring in its own D-Bus session.

    Locking the shared session's keyring would leave it locked for every later test (it
    can only be unlocked through a password prompt), so this runs in a nested session
    without a display, where the unlock prompt fails at once, as a dismissed prompt does.
    """
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install gnome-keyring dbus)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.update(HOME=str(tmp_path), PRESEND_HOME=str(tmp_path / "presend"))
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    script = tmp_path / "child.py"
    script.write_text(_LOCKED_CHILD)
    command = (
        'eval "$(printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets)" '
        f'>/dev/null; "{sys.executable}" "{script}"'
    )
    done = subprocess.run(
        ["dbus-run-session", "--", "bash", "-c", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "REFUSED: the OS keyring is locked: unlock it" in done.stdout, done.stderr[-2000:]
    assert "STATE: unavailable built-in" in done.stdout


def test_policy_commands_against_the_secret_service(
    tmp_path: Path, real_store: RecordingStore
) -> None:
    from tests.app.test_policy_cli import run

    assert run(real_store, "policy", "keygen", str(tmp_path / "admin.key"))[0] == 0
    policy = tmp_path / "policy.toml"
    policy.write_text('schema = 1\nserial = 4\n[actions]\nhigh = "block"\n')
    assert (
        run(real_store, "policy", "sign", str(policy), "--key", str(tmp_path / "admin.key"))[0] == 0
    )
    assert run(real_store, "policy", "trust", str(tmp_path / "admin.key.pub"))[0] == 0
    code, out, err = run(real_store, "policy", "import", str(policy))
    assert code == 0 and "SecretService" in out, err
    code, out, _ = run(real_store, "policy", "status", "--format", "json")
    status = __import__("json").loads(out)
    assert (status["source"], status["serial"], status["keyring"]) == ("admin", 4, "ok")
