"""The accepted policy, kept in the OS keyring, and the effective policy presend runs on.

Keyring entries (service ``presend``):

- ``policy``: the index: ``{"v": 1, "generation": G, "shards": N, "sha256": H}``;
- ``policy.G.0`` ... ``policy.G.N-1``: the signed envelope (policy bytes, signature,
  signer key id, serial, digest, when accepted) as JSON, zlib-compressed, base64, split
  so each entry fits the backend (Windows Credential Manager: 2,560 bytes a credential);
  a new generation is written before the index moves to it, so a torn write never
  leaves a half policy in force;
- ``policy-serial-max``: the highest serial ever accepted (anti-rollback);
- ``policy-trusted-keys``: the pinned admin public keys, with where each came from;
- ``fingerprint-key``: the key of keyed fingerprints in the audit log (hex, 32 bytes).

Running from the keyring copy means deleting or editing the admin's file on disk cannot
remove or loosen an accepted policy. Every read of the keyring copy re-checks the shard
digest and the signature against the pinned keys, so an edited entry is refused.

Precedence: built-in defaults < admin policy < user preferences (``preferences.toml`` in
the user's config folder), where user preferences may only make decisions stricter
unless the admin policy says ``[user] may_loosen = true``.

Refusals (bad signature, untrusted key, roll-back, malformed file, tampered entry) raise
``PolicyRefused`` with a one-line reason; ``PolicyManager`` keeps the last good policy in
force and reports an ``on_event(kind, data)`` for the audit log (data never holds
content). A keyring that cannot be used is a visible state (``keyring_unavailable``),
never a fallback to plain files.

::

    PolicyRefused        one-line ``reason``; ``kind``: bad-signature, untrusted-key,
                         rollback, replay, malformed, tampered, unavailable
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
import threading
import weakref
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.paths import AppPaths
from app.services.policy import (
    Policy,
    PolicyError,
    load_builtin_policy,
    parse_policy,
    try_out,
)
from app.services.secret_store import SecretStore, SecretStoreError, SecretStoreUnavailable
from app.services.signing import (
    BadSignature,
    KeyFileError,
    PublicKey,
    Signature,
    SigningError,
    load_public_key,
    load_signature,
    signature_path,
)

log = logging.getLogger(__name__)

INDEX_ENTRY = "policy"
SERIAL_ENTRY = "policy-serial-max"
KEYS_ENTRY = "policy-trusted-keys"
FINGERPRINT_KEY_ENTRY = "fingerprint-key"  # shared with app.services.audit (same format)

SITE_POLICY = "policy.toml"
SITE_KEYS_DIR = "trusted_keys"
USER_PREFERENCES = "preferences.toml"

MAX_POLICY_BYTES = 4 * 1024 * 1024
_SHARD_MARGIN_CHARS = 16

EventSink = Callable[[str, dict[str, Any]], None]
Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class PolicyRefused(Exception):
    """A policy was not accepted; ``reason`` is one line that says why and what to do."""

    def __init__(self, kind: str, reason: str, **data: Any) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.data = data


@dataclass(frozen=True, slots=True)
class Envelope:
    """What the keyring holds: the signed policy exactly as accepted."""

    policy: bytes
    signature: Signature
    serial: int
    accepted_at: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.policy).hexdigest()

    def to_json(self) -> str:
        return json.dumps(
            {
                "v": 1,
                "policy": base64.b64encode(self.policy).decode("ascii"),
                "signature": base64.b64encode(self.signature.value).decode("ascii"),
                "key_id": self.signature.key_id,
                "serial": self.serial,
                "digest": self.digest,
                "accepted_at": self.accepted_at,
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Envelope:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != 1:
            raise ValueError("unknown envelope version")
        env = cls(
            policy=base64.b64decode(data["policy"], validate=True),
            signature=Signature(str(data["key_id"]), base64.b64decode(data["signature"])),
            serial=int(data["serial"]),
            accepted_at=str(data["accepted_at"]),
        )
        if env.digest != data["digest"]:
            raise ValueError("envelope digest mismatch")
        return env


@dataclass(frozen=True, slots=True)
class TrustedKey:
    key: PublicKey
    origin: str  # "site" (machine-wide folder) or "trust" (explicit `policy trust`)


@dataclass(frozen=True, slots=True)
class PolicyStatus:
    """What ``presend policy status`` and the tray show about the policy in force."""

    source: str  # built-in | admin | user
    serial: int
    digest: str
    signer: str | None
    verified_at: str | None
    backend: str
    keyring: str  # "ok" or "unavailable"
    stored: bool  # the admin policy in force is the keyring copy
    layers: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    highest_serial: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "serial": self.serial,
            "digest": self.digest,
            "signer": self.signer,
            "verified_at": self.verified_at,
            "backend": self.backend,
            "keyring": self.keyring,
            "stored": self.stored,
            "layers": list(self.layers),
            "problems": list(self.problems),
            "highest_serial": self.highest_serial,
        }


# --------------------------------------------------------------------------- store


class PolicyStore:
    """The signed policy, pinned keys and anti-rollback serial in a SecretStore."""

    def __init__(self, secrets_store: SecretStore, clock: Clock = _utc_now) -> None:
        self._s = secrets_store
        self._clock = clock

    @property
    def backend_name(self) -> str:
        return self._s.backend_name

    # -- pinned keys

    def trusted_keys(self) -> tuple[TrustedKey, ...]:
        raw = self._s.get(KEYS_ENTRY)
        if raw is None:
            return ()
        try:
            items = json.loads(raw)
            return tuple(
                TrustedKey(PublicKey(base64.b64decode(i["key"], validate=True)), str(i["origin"]))
                for i in items
            )
        except (ValueError, KeyError, TypeError, SigningError):
            raise PolicyRefused(
                "tampered",
                "the pinned admin keys in the OS keyring are damaged; "
                "pin them again (admin key file in the machine-wide folder or `policy trust`)",
            ) from None

    def pin(self, key: PublicKey, origin: str) -> bool:
        """Pin ``key``; False when it was already pinned."""
        current = list(self.trusted_keys())
        if any(t.key.key_id == key.key_id for t in current):
            return False
        current.append(TrustedKey(key, origin))
        self._s.set(
            KEYS_ENTRY,
            json.dumps(
                [
                    {"key": base64.b64encode(t.key.raw).decode("ascii"), "origin": t.origin}
                    for t in current
                ]
            ),
        )
        return True

    # -- anti-rollback

    def highest_serial(self) -> int:
        raw = self._s.get(SERIAL_ENTRY)
        if raw is None:
            return -1
        try:
            return int(raw)
        except ValueError:
            raise PolicyRefused(
                "tampered",
                "the highest accepted serial in the OS keyring is damaged; "
                "re-import the admin policy with `presend policy import`",
            ) from None

    # -- envelope (sharded)

    def _shard_chars(self) -> int | None:
        limit = self._s.max_value_bytes
        if limit is None:
            return None
        # base64 text is ASCII; a backend that stores UTF-16 (Windows) needs 2 bytes a char
        return max(64, limit // 2 - _SHARD_MARGIN_CHARS)

    def save_envelope(self, env: Envelope) -> None:
        blob = base64.b64encode(zlib.compress(env.to_json().encode("utf-8"), 9)).decode("ascii")
        size = self._shard_chars() or len(blob) or 1
        shards = [blob[i : i + size] for i in range(0, len(blob), size)] or [""]
        old = self._read_index(missing_ok=True)
        generation = secrets.token_hex(4)
        for i, shard in enumerate(shards):
            self._s.set(f"{INDEX_ENTRY}.{generation}.{i}", shard)
        index = {
            "v": 1,
            "generation": generation,
            "shards": len(shards),
            "sha256": hashlib.sha256(blob.encode("ascii")).hexdigest(),
        }
        self._s.set(INDEX_ENTRY, json.dumps(index, separators=(",", ":")))
        if old is not None:
            for i in range(int(old.get("shards", 0))):
                self._s.delete(f"{INDEX_ENTRY}.{old.get('generation')}.{i}")

    def _read_index(self, missing_ok: bool = False) -> dict[str, Any] | None:
        raw = self._s.get(INDEX_ENTRY)
        if raw is None:
            return None
        try:
            index = json.loads(raw)
            if not isinstance(index, dict) or index.get("v") != 1:
                raise ValueError
            int(index["shards"])
            str(index["generation"])
            str(index["sha256"])
        except (ValueError, KeyError, TypeError):
            if missing_ok:
                return None
            raise PolicyRefused("tampered", _TAMPERED) from None
        return index

    def load_envelope(self) -> Envelope | None:
        """The stored envelope, or None; PolicyRefused("tampered") if it was changed."""
        index = self._read_index()
        if index is None:
            return None
        parts = []
        for i in range(int(index["shards"])):
            part = self._s.get(f"{INDEX_ENTRY}.{index['generation']}.{i}")
            if part is None:
                raise PolicyRefused("tampered", _TAMPERED, shard=i)
            parts.append(part)
        blob = "".join(parts)
        if hashlib.sha256(blob.encode("utf-8")).hexdigest() != index["sha256"]:
            raise PolicyRefused("tampered", _TAMPERED)
        try:
            decompressor = zlib.decompressobj()
            data = decompressor.decompress(
                base64.b64decode(blob, validate=True), MAX_POLICY_BYTES * 2
            )
            if decompressor.unconsumed_tail:
                raise ValueError("too large")
            return Envelope.from_json(data.decode("utf-8"))
        except (ValueError, KeyError, TypeError, zlib.error, binascii.Error):
            raise PolicyRefused("tampered", _TAMPERED) from None

    def clear_policy(self) -> None:
        index = self._read_index(missing_ok=True)
        self._s.delete(INDEX_ENTRY)
        if index is not None:
            for i in range(int(index.get("shards", 0))):
                self._s.delete(f"{INDEX_ENTRY}.{index.get('generation')}.{i}")

    # -- verification

    def verify(
        self, data: bytes, signature: Signature, pub: PublicKey | None = None
    ) -> tuple[Policy, PublicKey]:
        """Check a signed policy against the pinned keys; the parsed Policy and its signer."""
        pinned = [t.key for t in self.trusted_keys()]
        if pub is not None and all(k.key_id != pub.key_id for k in pinned):
            raise PolicyRefused(
                "untrusted-key",
                f"key {pub.key_id} is not pinned on this machine; an admin pins it by placing "
                f"it in the machine-wide folder's {SITE_KEYS_DIR}/ or with `presend policy trust`",
                key_id=pub.key_id,
            )
        if not pinned:
            raise PolicyRefused(
                "untrusted-key",
                "no admin key is pinned on this machine; an admin pins one by placing it in "
                f"the machine-wide folder's {SITE_KEYS_DIR}/ or with `presend policy trust`",
                key_id=signature.key_id,
            )
        return verify_signed(data, signature, pinned)

    def accept(self, data: bytes, signature: Signature, pub: PublicKey | None = None) -> Policy:
        """Verify, check the serial and store; the accepted Policy. PolicyRefused otherwise."""
        policy, signer = self.verify(data, signature, pub)
        highest = self.highest_serial()
        digest = hashlib.sha256(data).hexdigest()
        if policy.serial < highest:
            raise PolicyRefused(
                "rollback",
                f"serial {policy.serial} is lower than the highest accepted ({highest}): "
                "an older policy cannot replace a newer one; sign it with a higher serial",
                serial=policy.serial,
                highest=highest,
            )
        if policy.serial == highest:
            try:
                stored = self.load_envelope()
            except PolicyRefused:
                stored = None  # a damaged copy is healed by the same signed policy
            if stored is not None and stored.digest == digest:
                return policy
            if stored is not None:
                raise PolicyRefused(
                    "replay",
                    f"serial {policy.serial} was already accepted with different content; "
                    "raise the serial and sign again",
                    serial=policy.serial,
                )
        env = Envelope(data, signature, policy.serial, self._clock().isoformat(timespec="seconds"))
        self.save_envelope(env)
        self._s.set(SERIAL_ENTRY, str(max(policy.serial, highest)))
        return policy

    def load(self) -> tuple[Policy, Envelope] | None:
        """The admin policy stored in the keyring, re-verified; None when there is none."""
        env = self.load_envelope()
        if env is None:
            return None
        try:
            policy, _ = self.verify(env.policy, env.signature)
        except PolicyRefused as exc:
            raise PolicyRefused(
                "tampered", f"the stored policy no longer verifies ({exc.kind}); " + _REIMPORT
            ) from None
        if policy.serial != env.serial or policy.serial < self.highest_serial():
            raise PolicyRefused("tampered", _TAMPERED)
        return policy, env

    # -- audit fingerprint key

    def fingerprint_key(self) -> bytes:
        return fingerprint_key(self._s)


_REIMPORT = "re-import the admin policy with `presend policy import`"
_TAMPERED = (
    "the stored policy in the OS keyring was changed outside presend; the last good policy "
    "stays in force; " + _REIMPORT
)


def verify_signed(
    data: bytes, signature: Signature, keys: list[PublicKey]
) -> tuple[Policy, PublicKey]:
    """Signature first, then the document: an unsigned change is never even parsed."""
    try:
        from app.services.signing import verify as verify_signature

        signer = verify_signature(data, signature, keys)
    except BadSignature as exc:
        kind = "untrusted-key" if "not trusted" in str(exc) else "bad-signature"
        raise PolicyRefused(
            kind, f"{exc}; the policy in force stays", key_id=signature.key_id
        ) from None
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyRefused("malformed", f"the policy is larger than {MAX_POLICY_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PolicyRefused("malformed", "the policy is not UTF-8 text; save it as UTF-8") from None
    try:
        policy = parse_policy(text, source="admin")
    except PolicyError as exc:
        raise PolicyRefused("malformed", str(exc), problems=list(exc.problems)) from None
    return policy, signer


def fingerprint_key(store: SecretStore) -> bytes:
    """The audit fingerprint key (32 bytes, hex in the keyring), created on first use."""
    value = store.get(FINGERPRINT_KEY_ENTRY)
    if value is None:
        value = secrets.token_hex(32)
        store.set(FINGERPRINT_KEY_ENTRY, value)
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise SecretStoreError("the fingerprint key in the OS keyring is damaged") from None
    if len(key) < 16:
        raise SecretStoreError("the fingerprint key in the OS keyring is too short")
    return key


# --------------------------------------------------------------------------- manager


@dataclass
class _State:
    admin: Policy | None = None
    signer: str | None = None
    verified_at: str | None = None
    stored: bool = False
    keyring_ok: bool = True
    problems: list[str] = field(default_factory=list)


class PolicyManager:
    """The effective policy: built-in < admin (keyring) < user preferences.

    ``refresh()`` reads the keyring copy, picks up the machine-wide folder (keys and a
    signed policy) and the user's preferences. Any refusal keeps the last good policy in
    force; ``current`` is always a verified, immutable Policy.
    """

    def __init__(
        self,
        paths: AppPaths,
        secrets_store: SecretStore,
        *,
        clock: Clock = _utc_now,
        on_event: EventSink | None = None,
    ) -> None:
        self.paths = paths
        self.store = PolicyStore(secrets_store, clock)
        self._clock = clock
        self._on_event = on_event
        self._lock = threading.Lock()
        self._state = _State()
        self._keyring_down = False
        self._current: Policy = load_builtin_policy()

    # -- queries

    @property
    def current(self) -> Policy:
        return self._current

    @property
    def admin_policy(self) -> Policy | None:
        return self._state.admin

    def status(self) -> PolicyStatus:
        s = self._state
        policy = s.admin or load_builtin_policy()
        highest: int | None = None
        if s.keyring_ok:
            try:
                highest = self.store.highest_serial()
            except (PolicyRefused, SecretStoreError):
                highest = None
        return PolicyStatus(
            source="admin" if s.admin else "built-in",
            serial=policy.serial,
            digest=policy.digest,
            signer=s.signer,
            verified_at=s.verified_at,
            backend=self.store.backend_name,
            keyring="ok" if s.keyring_ok else "unavailable",
            stored=s.stored,
            layers=tuple(layer.source for layer in self._current.stricter)
            + (("user",) if self._current.source == "user" else ()),
            problems=tuple(s.problems),
            highest_serial=highest,
        )

    # -- events

    def _event(self, event: str, **data: Any) -> None:
        if self._on_event is not None:
            try:
                self._on_event(event, data)
            except Exception as exc:  # the audit sink must not stop policy handling
                log.warning("policy event sink failed (%s)", type(exc).__name__)

    def _problem(self, message: str) -> None:
        if message not in self._state.problems:
            self._state.problems.append(message)

    def _refused(self, exc: PolicyRefused, origin: str) -> None:
        self._problem(f"{origin}: {exc.reason}")
        self._event(
            "policy_refused",
            kind=exc.kind,
            origin=origin,
            reason=exc.reason,
            **{k: v for k, v in exc.data.items() if k != "problems"},
        )

    def _unavailable(self, exc: SecretStoreError) -> None:
        first = not self._keyring_down  # audit the change of state, not every refresh
        self._keyring_down = True
        self._state.keyring_ok = False
        running = (
            "the last policy verified in this session" if self._state.admin else "built-in defaults"
        )
        self._problem(f"{exc}; running on {running}")
        if first:
            self._event("keyring_unavailable", error=type(exc).__name__, running_on=running)

    # -- loading

    def refresh(self) -> Policy:
        """Re-read keyring, machine-wide folder and user preferences; the policy in force."""
        with self._lock:
            self._state.problems = []
            self._state.keyring_ok = True
            try:
                self._load_stored()
                self._pick_up_site()
                self._keyring_down = False
            except SecretStoreError as exc:
                self._unavailable(exc)
                self._verify_site_in_session()
            self._current = self._compose()
            return self._current

    def _load_stored(self) -> None:
        try:
            loaded = self.store.load()
        except PolicyRefused as exc:
            self._refused(exc, "OS keyring")
            return
        if loaded is None:
            return
        policy, env = loaded
        if self._state.admin is None or self._state.admin.digest != policy.digest:
            self._state.verified_at = self._clock().isoformat(timespec="seconds")
        self._state.admin = policy
        self._state.signer = env.signature.key_id
        self._state.stored = True

    def _site_keys(self) -> list[PublicKey]:
        folder = self.paths.site / SITE_KEYS_DIR
        keys: list[PublicKey] = []
        if not folder.is_dir():
            return keys
        for pub in sorted(folder.glob("*.pub")):
            try:
                keys.append(load_public_key(pub))
            except KeyFileError as exc:
                self._problem(f"{SITE_KEYS_DIR}/{pub.name}: {exc}")
        return keys

    def _pick_up_site(self) -> None:
        for key in self._site_keys():
            if self.store.pin(key, "site"):
                self._event("policy_key_pinned", key_id=key.key_id, origin="site")
        policy_file = self.paths.site / SITE_POLICY
        if not policy_file.is_file():
            return
        try:
            data = policy_file.read_bytes()
            sig = load_signature(signature_path(policy_file))
        except KeyFileError as exc:
            self._refused(PolicyRefused("malformed", str(exc)), SITE_POLICY)
            return
        except OSError as exc:
            self._problem(f"{SITE_POLICY}: cannot read it ({exc.strerror})")
            return
        current = self._state.admin
        if current is not None and current.digest == hashlib.sha256(data).hexdigest():
            return
        try:
            self._accept(data, sig, None, SITE_POLICY)
        except PolicyRefused:
            pass  # recorded as a problem and an event; the last good policy stays

    def _verify_site_in_session(self) -> None:
        """No keyring: a signed site policy verified against the site keys runs this session."""
        policy_file = self.paths.site / SITE_POLICY
        keys = self._site_keys()
        if not policy_file.is_file() or not keys:
            return
        try:
            data = policy_file.read_bytes()
            policy, signer = verify_signed(data, load_signature(signature_path(policy_file)), keys)
        except (OSError, KeyFileError):
            self._problem(f"{SITE_POLICY}: cannot read it or its signature")
            return
        except PolicyRefused as exc:
            self._refused(exc, SITE_POLICY)
            return
        if self._state.admin is not None and policy.serial < self._state.admin.serial:
            self._refused(
                PolicyRefused(
                    "rollback",
                    f"serial {policy.serial} is lower than the one in force "
                    f"({self._state.admin.serial})",
                ),
                SITE_POLICY,
            )
            return
        self._state.admin = policy
        self._state.signer = signer.key_id
        self._state.stored = False
        self._state.verified_at = self._clock().isoformat(timespec="seconds")

    def _accept(self, data: bytes, sig: Signature, pub: PublicKey | None, origin: str) -> Policy:
        try:
            policy = self.store.accept(data, sig, pub)
        except PolicyRefused as exc:
            self._refused(exc, origin)
            raise
        changed = self._state.admin is None or self._state.admin.digest != policy.digest
        self._state.admin = policy
        self._state.signer = sig.key_id
        self._state.stored = True
        self._state.verified_at = self._clock().isoformat(timespec="seconds")
        if changed:
            self._event(
                "policy_accepted",
                origin=origin,
                serial=policy.serial,
                digest=policy.digest,
                key_id=sig.key_id,
            )
        return policy

    def import_signed(
        self, data: bytes, sig: Signature, pub: PublicKey | None = None, origin: str = "import"
    ) -> Policy:
        """Accept a signed policy (``policy import``); PolicyRefused keeps the current one."""
        with self._lock:
            try:
                self._accept(data, sig, pub, origin)
            except SecretStoreError as exc:
                self._unavailable(exc)
                raise
            finally:
                self._current = self._compose()
            return self._current

    def trust(self, key: PublicKey) -> bool:
        """Pin a key explicitly. Refused when the machine's keys are managed by its admin."""
        with self._lock:
            if any(t.origin == "site" for t in self.store.trusted_keys()):
                raise PolicyRefused(
                    "untrusted-key",
                    "this machine's admin keys are managed in the machine-wide folder; "
                    "ask your admin to add the key there",
                    key_id=key.key_id,
                )
            added = self.store.pin(key, "trust")
            if added:
                self._event("policy_key_pinned", key_id=key.key_id, origin="trust")
            return added

    def _compose(self) -> Policy:
        base = self._state.admin or load_builtin_policy()
        prefs = self.paths.config / USER_PREFERENCES
        if not prefs.is_file():
            return base
        try:
            text = prefs.read_text(encoding="utf-8")
            user = parse_policy(text, source="user", origin=USER_PREFERENCES, base=base.document)
        except (OSError, UnicodeDecodeError):
            self._problem(f"{USER_PREFERENCES}: cannot read it; your preferences are not applied")
            return base
        except PolicyError as exc:
            self._problem(f"{exc}; your preferences are not applied")
            return base
        if base.source != "admin":
            return user
        composed = try_out(base, user)
        if composed is user:  # the admin lets users loosen, but mandatory folders stay
            mandatory = tuple(dict.fromkeys(base.mandatory_folders + user.mandatory_folders))
            composed = replace(user, mandatory_folders=mandatory)
        return composed


class SiteWatcher:
    """Notices changes to the machine-wide folder (policy, signature, trusted keys).

    watchdog's thread only marks the folder dirty; ``poll()``, called from one place (the
    tray's timer), compares a cheap snapshot (names, sizes, mtimes) and calls
    ``on_change()`` in the caller's thread when something changed. Polling alone also
    works (the folder may not exist yet, or sit on a share without change events).
    """

    def __init__(self, site: Path, on_change: Callable[[], None]) -> None:
        self.site = site
        self._on_change = on_change
        self._dirty = threading.Event()
        self._observer: Any = None
        self._snapshot = self.snapshot()

    def snapshot(self) -> tuple[tuple[str, int, int], ...]:
        files = [self.site / SITE_POLICY, signature_path(self.site / SITE_POLICY)]
        keys = self.site / SITE_KEYS_DIR
        if keys.is_dir():
            files += sorted(keys.glob("*.pub"))
        out = []
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            out.append((str(f.relative_to(self.site)), st.st_size, st.st_mtime_ns))
        return tuple(out)

    def start(self) -> None:
        """Watch the folder if it exists (otherwise rely on ``poll()``)."""
        if self._observer is not None or not self.site.is_dir():
            return
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        dirty = self._dirty

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:  # watchdog thread: O(1)
                dirty.set()

        observer = Observer()
        observer.schedule(_Handler(), str(self.site), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    def wait_dirty(self, timeout: float) -> bool:
        """True once watchdog reported an event (for tests and a blocking caller)."""
        return self._dirty.wait(timeout)

    def poll(self) -> bool:
        """Call ``on_change`` if the folder's policy files changed; True when it did."""
        self._dirty.clear()
        current = self.snapshot()
        if current == self._snapshot:
            return False
        self._snapshot = current
        self._on_change()
        if self._observer is None:
            self.start()  # the folder may have just appeared
        return True


_SESSIONS: weakref.WeakKeyDictionary[Any, dict[AppPaths, PolicyManager]] = (
    weakref.WeakKeyDictionary()
)
_SESSIONS_LOCK = threading.Lock()


def session_manager(
    paths: AppPaths, secret_store: SecretStore, on_event: EventSink | None = None
) -> PolicyManager:
    """The PolicyManager of this process for (paths, secret store): it remembers the last
    policy verified in the session, so a keyring that goes away keeps that one in force."""
    with _SESSIONS_LOCK:
        per_store = _SESSIONS.setdefault(secret_store, {})
        manager = per_store.get(paths)
        if manager is None:
            manager = PolicyManager(paths, secret_store, on_event=on_event)
            per_store[paths] = manager
        elif on_event is not None:
            manager._on_event = on_event
        return manager


def load_effective_policy(
    paths: AppPaths,
    secret_store: SecretStore,
    on_problem: Callable[[str], None] | None = None,
    on_event: EventSink | None = None,
) -> Policy:
    """Refresh this session's policy (keyring, machine-wide folder, preferences) and return
    the policy in force; each current problem goes to ``on_problem`` (one line each)."""
    manager = session_manager(paths, secret_store, on_event)
    policy = manager.refresh()
    if on_problem is not None:
        for problem in manager.status().problems:
            on_problem(problem)
    return policy


__all__ = [
    "Envelope",
    "PolicyManager",
    "PolicyRefused",
    "PolicyStatus",
    "PolicyStore",
    "SecretStoreUnavailable",
    "SiteWatcher",
    "fingerprint_key",
    "load_effective_policy",
    "session_manager",
]
