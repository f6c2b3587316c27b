"""Ed25519 keys, key ids and detached signatures."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.services.signing import (
    BadSignature,
    KeyFileError,
    PublicKey,
    Signature,
    load_public_key,
    load_signature,
    sign_file,
    verify,
    write_key_pair,
)


def test_keygen_writes_a_private_key_only_its_owner_can_read(tmp_path: Path) -> None:
    public = write_key_pair(tmp_path / "admin.key")
    mode = stat.S_IMODE((tmp_path / "admin.key").stat().st_mode)
    assert mode == 0o600
    assert load_public_key(tmp_path / "admin.key.pub") == public
    assert len(public.key_id) == 16


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    write_key_pair(tmp_path / "admin.key")
    with pytest.raises(KeyFileError, match="already exists"):
        write_key_pair(tmp_path / "admin.key")


def test_signed_file_verifies_and_any_change_breaks_it(tmp_path: Path) -> None:
    public = write_key_pair(tmp_path / "k")
    policy = tmp_path / "policy.toml"
    policy.write_text("schema = 1\nserial = 1\n")
    sig_path = sign_file(policy, tmp_path / "k")
    assert sig_path.name == "policy.toml.sig"
    sig = load_signature(sig_path)
    assert sig.key_id == public.key_id
    assert verify(policy.read_bytes(), sig, [public]) == public
    with pytest.raises(BadSignature, match="does not verify"):
        verify(b"schema = 1\nserial = 2\n", sig, [public])


def test_signature_by_an_untrusted_key_is_refused_naming_both_key_ids(tmp_path: Path) -> None:
    trusted = write_key_pair(tmp_path / "a")
    write_key_pair(tmp_path / "b")
    policy = tmp_path / "p.toml"
    policy.write_text("x")
    sig = load_signature(sign_file(policy, tmp_path / "b"))
    with pytest.raises(BadSignature, match=f"not trusted here \\(trusted: {trusted.key_id}\\)"):
        verify(policy.read_bytes(), sig, [trusted])


def test_signing_refuses_a_private_key_readable_by_others(tmp_path: Path) -> None:
    write_key_pair(tmp_path / "k")
    os.chmod(tmp_path / "k", 0o644)
    (tmp_path / "p").write_text("x")
    with pytest.raises(KeyFileError, match="chmod 600"):
        sign_file(tmp_path / "p", tmp_path / "k")


@pytest.mark.parametrize(
    "text", ["", "ssh-ed25519 AAAA", "presend-ed25519 !!!", "presend-ed25519 AAAA"]
)
def test_malformed_public_keys_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(KeyFileError, match="key"):
        PublicKey.from_text(text, "x.pub")


def test_malformed_and_missing_signatures_are_refused(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="not a presend signature"):
        Signature.from_text("hello", "p.sig")
    with pytest.raises(KeyFileError, match="policy sign"):
        load_signature(tmp_path / "none.sig")


def test_key_material_never_appears_in_error_messages(tmp_path: Path) -> None:
    public = write_key_pair(tmp_path / "k")
    secret_pem = (tmp_path / "k").read_text()
    (tmp_path / "p").write_text("x")
    sig = load_signature(sign_file(tmp_path / "p", tmp_path / "k"))
    with pytest.raises(BadSignature) as info:
        verify(b"y", sig, [public])
    assert public.to_text().split()[1] not in str(info.value)
    assert secret_pem not in str(info.value)
