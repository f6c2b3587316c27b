"""`presend policy ...` end to end, in process, with an in-memory keyring."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from app.cli import build_parser
from app.commands.context import CliContext, CliError
from app.paths import app_paths
from app.services.secret_store import InMemorySecretStore, SecretStoreUnavailable


class LockedStore:
    backend_name = "locked"
    max_value_bytes = None

    def get(self, name: str) -> str | None:
        raise SecretStoreUnavailable("the OS keyring is locked: unlock it and try again")

    set = delete = get  # type: ignore[assignment]


def run(store: object, *argv: str) -> tuple[int, str, str]:
    """One `presend` invocation (a fresh process, as far as presend can tell)."""
    ctx = CliContext(paths=app_paths(), out=io.StringIO(), err=io.StringIO())
    ctx._cache["secret_store"] = store
    try:
        args = build_parser().parse_args(list(argv))
        code = int(args.handler(args, ctx))
    except CliError as exc:
        print(f"presend: {exc}", file=ctx.err)
        code = exc.exit_code
    return code, ctx.out.getvalue(), ctx.err.getvalue()  # type: ignore[attr-defined]


@pytest.fixture
def store() -> InMemorySecretStore:
    return InMemorySecretStore()


@pytest.fixture
def signed(tmp_path: Path, store: InMemorySecretStore) -> Path:
    """An admin key pair and a signed policy with serial 2."""
    assert run(store, "policy", "keygen", str(tmp_path / "admin.key"))[0] == 0
    policy = tmp_path / "policy.toml"
    policy.write_text('schema = 1\nserial = 2\n[actions]\nhigh = "block"\n')
    assert run(store, "policy", "sign", str(policy), "--key", str(tmp_path / "admin.key"))[0] == 0
    return policy


def resign(policy: Path, text: str) -> None:
    policy.write_text(text)
    code, _, err = run(
        None, "policy", "sign", str(policy), "--key", str(policy.parent / "admin.key")
    )
    assert code == 0, err


def test_keygen_writes_a_0600_private_key_and_says_where_the_public_key_goes(
    tmp_path: Path, store: InMemorySecretStore
) -> None:
    code, out, _ = run(store, "policy", "keygen", str(tmp_path / "k"))
    assert code == 0
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o600
    assert "trusted_keys/" in out and (tmp_path / "k.pub").is_file()
    code, _, err = run(store, "policy", "keygen", str(tmp_path / "k"))
    assert code == 2 and "already exists" in err and err.count("\n") == 1


def test_validate_lists_every_problem_with_line_and_suggestion(
    tmp_path: Path, store: object
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('schema = 1\nserial = 1\non_incomplet = "warn"\n[actions]\nhigh = "blok"\n')
    code, out, err = run(store, "policy", "validate", str(bad))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert (
        lines[0]
        == "bad.toml:3: unknown key 'on_incomplet' at the top level; did you mean 'on_incomplete'?"
    )
    assert (
        lines[1].startswith("bad.toml:5: 'blok' is not one of")
        and "did you mean 'block'?" in lines[1]
    )
    assert lines[2].startswith("presend: bad.toml is not a valid policy (2 problem(s) above)")


def test_validate_accepts_a_good_policy(signed: Path, store: object) -> None:
    assert run(store, "policy", "validate", str(signed)) == (
        0,
        "policy.toml: valid policy, serial 2\n",
        "",
    )


def test_sign_refuses_an_invalid_policy(tmp_path: Path, signed: Path) -> None:
    signed.write_text("schema = 1\nserial = x\n")
    code, _, err = run(None, "policy", "sign", str(signed), "--key", str(tmp_path / "admin.key"))
    assert code == 2 and "not signed" in err


def test_verify_with_the_given_key_and_refuse_a_changed_file(
    tmp_path: Path, signed: Path, store: object
) -> None:
    pub = str(tmp_path / "admin.key.pub")
    code, out, _ = run(store, "policy", "verify", str(signed), "--pub", pub)
    assert code == 0 and "good signature" in out and "serial 2" in out
    signed.write_text(signed.read_text().replace("block", "allow"))
    code, _, err = run(store, "policy", "verify", str(signed), "--pub", pub)
    assert code == 2 and "does not verify" in err


def test_import_needs_a_pinned_key_then_stores_the_policy(
    tmp_path: Path, signed: Path, store: InMemorySecretStore
) -> None:
    code, _, err = run(store, "policy", "import", str(signed))
    assert code == 2 and "no admin key is pinned" in err
    code, out, _ = run(store, "policy", "trust", str(tmp_path / "admin.key.pub"))
    assert code == 0 and "policies signed by it can now be imported" in out
    code, out, _ = run(store, "policy", "import", str(signed))
    assert code == 0 and "accepted policy.toml: serial 2" in out
    status = json.loads(run(store, "policy", "status", "--format", "json")[1])
    assert status["source"] == "admin" and status["serial"] == 2 and status["stored"]
    assert status["signer"] and status["backend"] == "memory" and status["problems"] == []
    assert 'high = "block"' in run(store, "policy", "show")[1]


def test_refused_imports_leave_the_policy_in_force(
    tmp_path: Path, signed: Path, store: InMemorySecretStore
) -> None:
    run(store, "policy", "trust", str(tmp_path / "admin.key.pub"))
    assert run(store, "policy", "import", str(signed))[0] == 0
    resign(signed, "schema = 1\nserial = 1\n")
    code, _, err = run(store, "policy", "import", str(signed))
    assert code == 2 and "serial 1 is lower than the highest accepted (2)" in err
    signed.write_text("schema = 1\nserial = 3\n")  # changed after signing
    code, _, err = run(store, "policy", "import", str(signed))
    assert code == 2 and "does not verify" in err
    status = json.loads(run(store, "policy", "status", "--format", "json")[1])
    assert status["serial"] == 2


def test_export_writes_a_copy_that_verifies(
    tmp_path: Path, signed: Path, store: InMemorySecretStore
) -> None:
    run(store, "policy", "trust", str(tmp_path / "admin.key.pub"))
    run(store, "policy", "import", str(signed))
    out_dir = tmp_path / "backup"
    code, out, _ = run(store, "policy", "export", "--out", str(out_dir))
    assert code == 0 and "policy.toml.sig" in out
    assert (out_dir / "policy.toml").read_bytes() == signed.read_bytes()
    assert run(store, "policy", "verify", str(out_dir / "policy.toml"))[0] == 0
    assert run(store, "policy", "export")[1] == signed.read_text()


def test_status_without_a_keyring_says_so_and_runs_on_defaults() -> None:
    code, out, _ = run(LockedStore(), "policy", "status")
    assert code == 0
    assert "source:         built-in" in out and "keyring:        unavailable" in out
    assert "keyring is locked" in out


def test_import_without_a_keyring_fails_with_what_to_do(tmp_path: Path, signed: Path) -> None:
    code, _, err = run(
        LockedStore(), "policy", "import", str(signed), "--pub", str(tmp_path / "admin.key.pub")
    )
    assert code == 2 and "unlock it" in err and err.count("\n") == 1


def test_import_writes_the_audit_trail(
    tmp_path: Path, signed: Path, store: InMemorySecretStore
) -> None:
    audit = pytest.importorskip("app.services.audit")
    run(store, "policy", "trust", str(tmp_path / "admin.key.pub"))
    run(store, "policy", "import", str(signed))
    resign(signed, "schema = 1\nserial = 1\n")
    run(store, "policy", "import", str(signed))
    kinds = [r["event"] for r in audit.read_records(app_paths().audit_dir)]
    assert kinds == ["policy_key_pinned", "policy_accepted", "policy_refused"]
