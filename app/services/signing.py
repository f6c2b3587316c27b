"""Ed25519 keys and detached signatures for admin-pushed policies.

Files:

- private key: PKCS#8 PEM, written with mode 0600, needed only where policies are signed;
- public key (``KEYFILE.pub``): one line ``presend-ed25519 <base64 raw key> <comment>``;
- signature (``FILE.sig``): one line ``presend-sig-v1 <key id> <base64 signature>`` over
  the exact bytes of the policy file.

A key id is the first 16 hex digits of SHA-256 over the raw 32-byte public key.

::

    SigningError
     +-- BadSignature      the signature does not verify, or was made by another key
     +-- KeyFileError      a key or signature file is missing, malformed or unsafe
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PUBLIC_TAG = "presend-ed25519"
SIGNATURE_TAG = "presend-sig-v1"


class SigningError(Exception):
    """Base of signing errors; messages name files and key ids, never key material."""


class BadSignature(SigningError):
    """The signature does not verify (tampered file, wrong key)."""


class KeyFileError(SigningError):
    """A key or signature file is missing, malformed or unsafe."""


@dataclass(frozen=True, slots=True)
class PublicKey:
    raw: bytes  # the 32-byte Ed25519 public key

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise KeyFileError("an Ed25519 public key has 32 bytes")

    @property
    def key_id(self) -> str:
        return key_id(self.raw)

    def to_text(self, comment: str = "") -> str:
        b64 = base64.b64encode(self.raw).decode("ascii")
        return f"{PUBLIC_TAG} {b64} {comment}".rstrip() + "\n"

    @classmethod
    def from_text(cls, text: str, name: str = "public key") -> PublicKey:
        parts = text.strip().split()
        if len(parts) < 2 or parts[0] != PUBLIC_TAG:
            raise KeyFileError(f"{name} is not a presend public key (made by `policy keygen`)")
        try:
            raw = base64.b64decode(parts[1], validate=True)
        except (binascii.Error, ValueError):
            raise KeyFileError(f"{name} is damaged: its key is not base64") from None
        if len(raw) != 32:
            raise KeyFileError(f"{name} is damaged: wrong key length")
        return cls(raw)

    def verify(self, data: bytes, signature: bytes) -> None:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            raise BadSignature(f"signature does not verify with key {self.key_id}") from None


@dataclass(frozen=True, slots=True)
class Signature:
    key_id: str
    value: bytes

    def to_text(self) -> str:
        return f"{SIGNATURE_TAG} {self.key_id} {base64.b64encode(self.value).decode('ascii')}\n"

    @classmethod
    def from_text(cls, text: str, name: str = "signature") -> Signature:
        parts = text.strip().split()
        if len(parts) != 3 or parts[0] != SIGNATURE_TAG:
            raise KeyFileError(f"{name} is not a presend signature (made by `policy sign`)")
        try:
            value = base64.b64decode(parts[2], validate=True)
        except (binascii.Error, ValueError):
            raise KeyFileError(f"{name} is damaged: not base64") from None
        if len(value) != 64:
            raise KeyFileError(f"{name} is damaged: wrong signature length")
        return cls(parts[1], value)


def key_id(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()[:16]


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_of(private: Ed25519PrivateKey) -> PublicKey:
    raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return PublicKey(raw)


def sign(data: bytes, private: Ed25519PrivateKey) -> Signature:
    return Signature(public_key_of(private).key_id, private.sign(data))


def verify(
    data: bytes, signature: Signature, keys: list[PublicKey] | tuple[PublicKey, ...]
) -> PublicKey:
    """The key (among ``keys``) that made ``signature`` over ``data``; BadSignature if none."""
    for key in keys:
        if key.key_id == signature.key_id:
            key.verify(data, signature.value)
            return key
    known = ", ".join(k.key_id for k in keys) or "none"
    raise BadSignature(
        f"signed by key {signature.key_id}, which is not trusted here (trusted: {known})"
    )


# --------------------------------------------------------------------------- files


def write_key_pair(path: Path, comment: str = "") -> PublicKey:
    """A new key pair: ``path`` (private, 0600, never overwritten) and ``path.pub``."""
    pub_path = public_path(path)
    for p in (path, pub_path):
        if p.exists():
            raise KeyFileError(f"{p.name} already exists; choose another name or remove it")
    private = generate_key()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, pem)
    finally:
        os.close(fd)
    if hasattr(os, "chmod"):
        os.chmod(path, 0o600)  # the umask cannot widen it, but make it explicit
    public = public_key_of(private)
    pub_path.write_text(public.to_text(comment or path.stem), encoding="ascii")
    return public


def public_path(private_path: Path) -> Path:
    return private_path.with_name(private_path.name + ".pub")


def signature_path(file: Path) -> Path:
    return file.with_name(file.name + ".sig")


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read key {path.name} ({exc.strerror})") from None
    if os.name == "posix" and path.stat().st_mode & 0o077:
        raise KeyFileError(
            f"key {path.name} can be read by others; run `chmod 600 {path.name}` and retry"
        )
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(f"{path.name} is not a private key made by `policy keygen`") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path.name} is not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> PublicKey:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise KeyFileError(f"cannot read public key {path.name} ({exc.strerror})") from None
    return PublicKey.from_text(text, path.name)


def load_signature(path: Path) -> Signature:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        raise KeyFileError(
            f"no signature {path.name}; sign the policy with `presend policy sign`"
        ) from None
    except OSError as exc:
        raise KeyFileError(f"cannot read signature {path.name} ({exc.strerror})") from None
    return Signature.from_text(text, path.name)


def sign_file(file: Path, key_path: Path) -> Path:
    """Write ``file.sig``, a detached signature of ``file`` by the private key at ``key_path``."""
    private = load_private_key(key_path)
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"cannot read {file.name} ({exc.strerror})") from None
    out = signature_path(file)
    out.write_text(sign(data, private).to_text(), encoding="ascii")
    return out
