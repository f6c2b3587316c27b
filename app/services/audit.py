"""The audit log: what presend saw and did, tamper-evident, without ever holding a raw value.

Records are JSON Lines in ``AppPaths.audit_dir``, one file per rotation
(``audit-<first seq>-<YYYYMMDD>.jsonl``). Every record carries a sequence number, the hash
of the previous record (``prev``), its own hash (``hash``: SHA-256 of the canonical JSON
without ``hash`` and ``mac``) and ``mac``: HMAC-SHA256 of ``hash`` under the audit MAC key
kept in the secret store. The chain continues across files. A small head file in
``AppPaths.state`` (``audit.head``) remembers the last record written so that cutting
records off the end is noticed.

Writes are fsynced before ``append`` returns. A crash mid-write leaves at most one torn
last line; the next ``AuditLog.open`` cuts it off and records a ``log_recovered`` event, and
``verify`` reports such a line as a note, not as tampering.

When the secret store is unavailable the log still records events, unkeyed (``mac`` null,
``keyed`` false), and says so: ``AuditLog.state`` and a ``keyring_unavailable`` event.

Errors::

    AuditError
     +-- AuditUnavailable   the log folder cannot be written (message says what to do)

See docs/audit.md for the record schema.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import hashlib
import hmac
import json
import os
import platform
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import __version__
from app.paths import AppPaths
from app.services.durable import fsync_dir
from app.services.secret_store import SecretStore, SecretStoreError
from classifiers.model import Finding
from classifiers.redact import fingerprint, mask_value

SCHEMA_VERSION = 1
GENESIS = "0" * 64
MAC_KEY_NAME = "audit-mac-key"
FINGERPRINT_KEY_NAME = "fingerprint-key"
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_RETENTION_DAYS = 30
HEAD_FILE = "audit.head"
LOCK_FILE = "audit.lock"

CHANNELS = ("clipboard", "folder", "file-check", "cli")
ADMIN_KINDS = (
    "policy_accepted",
    "policy_refused",
    "keyring_unavailable",
    "guard_paused",
    "guard_resumed",
    "override",
    "scan_failed",
    "app_started",
    "app_stopped",
    "log_recovered",
    "retention_pruned",
    "spool_full",
    "forward_rejected",
    "forward_failed",
    "false_positive",
)
_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
_FILE_RE = re.compile(r"^audit-(\d{12})-(\d{8})\.jsonl$")
_MAX_PREVIEWS = 3
_MAX_FINGERPRINTS = 20
_MAX_REASON = 500
_MAX_DETAIL = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Clock = Callable[[], dt.datetime]


class AuditError(Exception):
    """Base of audit log errors."""


class AuditUnavailable(AuditError):
    """The audit log folder cannot be written."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def rfc3339(moment: dt.datetime) -> str:
    """UTC, millisecond precision, ``Z`` suffix: ``2026-11-28T03:40:00.123Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> dt.datetime:
    """An RFC 3339 time or a date (``2026-11-28``) as an aware UTC datetime."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _clean(text: str, limit: int) -> str:
    text = _CONTROL.sub(" ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class FindingSummary:
    """All findings of one entity type in one decision: never a raw value."""

    entity_type: str
    category: str
    severity: str
    count: int
    max_confidence: float
    rule_ids: tuple[str, ...]
    previews: tuple[str, ...]
    fingerprints: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_type": self.entity_type,
            "category": self.category,
            "severity": self.severity,
            "count": self.count,
            "max_confidence": self.max_confidence,
            "rule_ids": list(self.rule_ids),
            "previews": list(self.previews),
            "fingerprints": list(self.fingerprints),
        }


def summarise(
    findings: Sequence[Finding], fingerprint_key: bytes, previews: bool = True
) -> tuple[FindingSummary, ...]:
    """Group findings by entity type; values become masked previews and keyed fingerprints.

    Without a fingerprint key (keyring unavailable) no fingerprints are written: an unkeyed
    hash of a short value (an SSN) could be reversed by trying every value.
    """
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.entity_type, []).append(f)
    out = []
    for entity_type in sorted(groups):
        group = groups[entity_type]
        shown: list[str] = []
        prints: list[str] = []
        for f in group:
            p = mask_value(f.value, f.category) if previews else ""
            if p and p not in shown and len(shown) < _MAX_PREVIEWS:
                shown.append(p)
            if fingerprint_key and f.value:
                fp = fingerprint(f.value, fingerprint_key)
                if fp not in prints and len(prints) < _MAX_FINGERPRINTS:
                    prints.append(fp)
        out.append(
            FindingSummary(
                entity_type=entity_type,
                category=group[0].category.value,
                severity=max((f.severity for f in group), key=lambda s: s.rank).value,
                count=len(group),
                max_confidence=round(max(f.score for f in group), 2),
                rule_ids=tuple(sorted({f.recognizer for f in group})),
                previews=tuple(shown),
                fingerprints=tuple(prints),
            )
        )
    return tuple(out)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One thing to record. Build it with ``AuditEvent.decision`` or ``AuditEvent.admin``.

    ``time`` is filled by the log's clock when None. Host, user, app version, sequence
    number and chain fields are added by ``AuditLog.append``.
    """

    kind: str
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    time: str | None = None
    channel: str | None = None
    source: str | None = None
    source_hashed: bool = False
    findings: tuple[FindingSummary, ...] = ()
    verdict: str | None = None
    action: str | None = None
    complete: bool | None = None
    policy_serial: int | None = None
    policy_digest: str | None = None
    override_reason: str | None = None
    details: tuple[tuple[str, str | int | bool], ...] = ()

    @classmethod
    def decision(
        cls,
        channel: str,
        source: str,
        findings: Sequence[Finding],
        verdict: str,
        action: str,
        complete: bool,
        policy_serial: int | None,
        policy_digest: str | None,
        fingerprint_key: bytes,
        override_reason: str | None = None,
        source_hashed: bool = False,
        *,
        time: str | None = None,
        event_id: str | None = None,
        previews: bool = True,
        source_key: bytes | None = None,
    ) -> AuditEvent:
        """A decision record: findings summarised, the source hashed if the policy says so.

        An empty ``fingerprint_key`` writes no fingerprints; ``previews=False`` no previews.
        ``source_key`` keys the source hash when it differs from ``fingerprint_key`` (a
        policy that hashes sources but turns fingerprints off).
        """
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}; use one of {CHANNELS}")
        if source_hashed:
            key = source_key or fingerprint_key
            if key:
                digest = hmac.new(key, source.encode("utf-8", "surrogatepass"), hashlib.sha256)
                shown = "hmac-sha256:" + digest.hexdigest()[:32]
            else:  # an unkeyed hash of a path can be guessed: write nothing instead
                shown = "hidden:no-key"
        else:
            shown = _clean(source, 1024)
        return cls(
            kind="decision",
            event_id=event_id or str(uuid.uuid4()),
            time=time,
            channel=channel,
            source=shown,
            source_hashed=source_hashed,
            findings=summarise(findings, fingerprint_key, previews),
            verdict=verdict,
            action=action,
            complete=bool(complete),
            policy_serial=policy_serial,
            policy_digest=policy_digest,
            override_reason=None
            if override_reason is None
            else _clean(override_reason, _MAX_REASON),
        )

    @classmethod
    def admin(
        cls,
        kind: str,
        details: Mapping[str, str | int | bool] | None = None,
        *,
        time: str | None = None,
        policy_serial: int | None = None,
        policy_digest: str | None = None,
        override_reason: str | None = None,
    ) -> AuditEvent:
        """An administrative event; ``details`` hold non-sensitive strings and integers."""
        if not _KIND_RE.match(kind) or kind == "decision":
            raise ValueError(f"bad audit event kind {kind!r}; known kinds: {ADMIN_KINDS}")
        items: list[tuple[str, str | int | bool]] = []
        for key, value in sorted((details or {}).items()):
            if not isinstance(value, str | int | bool):
                raise TypeError(f"audit detail {key!r} must be str, int or bool")
            items.append((key, _clean(value, _MAX_DETAIL) if isinstance(value, str) else value))
        return cls(
            kind=kind,
            time=time,
            policy_serial=policy_serial,
            policy_digest=policy_digest,
            override_reason=None
            if override_reason is None
            else _clean(override_reason, _MAX_REASON),
            details=tuple(items),
        )

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.event_id, "event": self.kind}
        if self.kind == "decision":
            data.update(
                channel=self.channel,
                source=self.source,
                source_hashed=self.source_hashed,
                findings=[s.to_dict() for s in self.findings],
                verdict=self.verdict,
                action=self.action,
                complete=self.complete,
            )
        else:
            data["details"] = dict(self.details)
        data["policy_serial"] = self.policy_serial
        data["policy_digest"] = self.policy_digest
        data["override_reason"] = self.override_reason
        return data


def canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def record_hash(record: Mapping[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k not in ("hash", "mac")}
    return hashlib.sha256(canonical(body).encode("ascii")).hexdigest()


def record_mac(key: bytes, digest: str) -> str:
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"presend-key-id:" + key).hexdigest()[:12]


def load_key(store: SecretStore, name: str, create: bool = True) -> bytes | None:
    """A 32-byte key from the secret store, created on first use. Raises SecretStoreError."""
    value = store.get(name)
    if value is None:
        if not create:
            return None
        value = secrets.token_hex(32)
        store.set(name, value)
    try:
        key = bytes.fromhex(value)
    except ValueError:
        raise SecretStoreError(f"entry {name!r} in the secret store is not a hex key") from None
    if len(key) < 16:
        raise SecretStoreError(f"entry {name!r} in the secret store is too short")
    return key


# --- files ----------------------------------------------------------------------------


def log_files(folder: Path) -> list[Path]:
    """The audit files in chain order (by the first sequence number in their name)."""
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        m = _FILE_RE.match(p.name)
        if m:
            found.append((int(m.group(1)), p))
    return [p for _, p in sorted(found)]


def file_date(path: Path) -> dt.date | None:
    m = _FILE_RE.match(path.name)
    if not m:
        return None
    d = m.group(2)
    try:
        return dt.date(int(d[:4]), int(d[4:6]), int(d[6:]))
    except ValueError:
        return None


def _last_complete_line(path: Path) -> tuple[bytes | None, int, int]:
    """(last complete line, offset just after it, file size), reading only the file's end."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        data = b""
        pos = size
        while pos > 0:
            start = max(0, pos - 64 * 1024)
            fh.seek(start)
            data = fh.read(pos - start) + data
            pos = start  # data now starts at offset `pos`
            end = data.rfind(b"\n")
            if end == -1:
                continue
            before = data.rfind(b"\n", 0, end)
            if before != -1 or pos == 0:
                return data[before + 1 : end], pos + end + 1, size
    return None, 0, size


_SLOT = 256


def write_head_slot(path: Path, seq: int, text: str) -> None:
    """Write the head marker into one of two fixed slots (alternating by ``seq``).

    Overwriting a slot in place is much cheaper than a rename per append; with two slots a
    write torn by a crash leaves the other, older slot readable.
    """
    data = text.encode("ascii")
    if len(data) >= _SLOT:
        raise AuditError("head marker too long")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.lseek(fd, (seq % 2) * _SLOT, os.SEEK_SET)  # os.pwrite does not exist on Windows
        os.write(fd, data.ljust(_SLOT - 1) + b"\n")
    finally:
        os.close(fd)


def read_head_file(path: Path) -> dict[str, Any] | None | str:
    """The newest valid slot of the head marker; None when absent, "bad" when unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        return "bad"
    best: dict[str, Any] | None = None
    for i in range(0, min(len(raw), 2 * _SLOT), _SLOT):
        try:
            slot = json.loads(raw[i : i + _SLOT])
            int(slot["seq"])
            str(slot["hash"])
        except (ValueError, KeyError, TypeError):
            continue
        if best is None or int(slot["seq"]) > int(best["seq"]):
            best = slot
    return best if best is not None else "bad"


class _FileLock:
    """An exclusive lock across processes (flock on POSIX, msvcrt on Windows)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fh: Any = None

    def __enter__(self) -> _FileLock:
        self._fh = self._path.open("a+b")
        if os.name == "posix":
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            import msvcrt

            self._fh.seek(0)
            msvcrt.locking(self._fh.fileno(), msvcrt.LK_LOCK, 1)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if os.name == "posix":
                import fcntl

                fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            else:  # pragma: no cover - Windows
                import msvcrt

                self._fh.seek(0)
                msvcrt.locking(self._fh.fileno(), msvcrt.LK_UNLCK, 1)
        finally:
            self._fh.close()


@dataclass(frozen=True, slots=True)
class AuditState:
    """What the log can promise right now (shown in `log verify`, the tray and `policy status`)."""

    keyed: bool
    message: str


class AuditLog:
    """Append-only, hash-chained, MAC'd JSON Lines log. Safe across threads and processes."""

    def __init__(
        self,
        folder: Path,
        state_dir: Path,
        mac_key: bytes | None,
        fingerprint_key: bytes | None,
        clock: Clock,
        *,
        max_bytes: int,
        retention_days: int,
        fsync: bool,
        host: str,
        user: str,
        degraded_reason: str | None,
    ) -> None:
        self.folder = folder
        self.state_dir = state_dir
        self._mac_key = mac_key
        self._fp_key = fingerprint_key
        self._clock = clock
        self.max_bytes = max_bytes
        self.retention_days = retention_days
        self._fsync = fsync
        self._host = host
        self._user = user
        self._degraded_reason = degraded_reason
        self._lock = threading.Lock()
        self._tail: tuple[str, int, int, str] | None = None  # (file, size, seq, hash)
        self._pending_prune: dict[str, Any] = {}

    # -- construction -----------------------------------------------------------------

    @classmethod
    def open(
        cls,
        paths: AppPaths,
        secret_store: SecretStore | None,
        clock: Clock = utc_now,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        retention_days: int = DEFAULT_RETENTION_DAYS,
        fsync: bool = True,
        host: str | None = None,
        user: str | None = None,
    ) -> AuditLog:
        """Open (and create) the log; repair a torn last line; note a missing keyring."""
        mac_key: bytes | None = None
        fp_key: bytes | None = None
        degraded: str | None = None
        if secret_store is None:
            degraded = "no secret store"
        else:
            try:
                mac_key = load_key(secret_store, MAC_KEY_NAME)
                fp_key = load_key(secret_store, FINGERPRINT_KEY_NAME)
            except SecretStoreError as exc:
                degraded = type(exc).__name__
                mac_key = fp_key = None
        try:
            paths.audit_dir.mkdir(parents=True, exist_ok=True)
            paths.state.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AuditUnavailable(
                f"cannot create the audit log folder ({type(exc).__name__}); "
                "check that your user can write to it (see `presend paths`)"
            ) from None
        log = cls(
            paths.audit_dir,
            paths.state,
            mac_key,
            fp_key,
            clock,
            max_bytes=max_bytes,
            retention_days=retention_days,
            fsync=fsync,
            host=host or platform.node() or "unknown",
            user=user or _current_user(),
            degraded_reason=degraded,
        )
        log._recover()
        if degraded is not None:
            log.append(AuditEvent.admin("keyring_unavailable", {"error": degraded}))
        return log

    # -- state ------------------------------------------------------------------------

    @property
    def state(self) -> AuditState:
        if self._mac_key is None:
            return AuditState(
                False,
                "audit log unkeyed (degraded): the keyring is unavailable "
                f"({self._degraded_reason}); records are hash-chained but not MAC-protected "
                "and carry no fingerprints. Unlock the keyring and restart presend.",
            )
        return AuditState(True, f"audit log keyed (MAC key id {key_id(self._mac_key)})")

    @property
    def fingerprint_key(self) -> bytes:
        """Key for ``AuditEvent.decision``; empty when unkeyed (no fingerprints written)."""
        return self._fp_key or b""

    @property
    def mac_key(self) -> bytes | None:
        return self._mac_key

    # -- writing ----------------------------------------------------------------------

    def append(self, event: AuditEvent) -> dict[str, Any]:
        """Write one record, fsynced, and return it (as written)."""
        with self._lock, _FileLock(self.state_dir / LOCK_FILE):
            record = self._append_locked(event)
            if self._pending_prune:
                details, self._pending_prune = self._pending_prune, {}
                self._append_locked(AuditEvent.admin("retention_pruned", details))
            return record

    def _append_locked(self, event: AuditEvent) -> dict[str, Any]:
        now = self._clock()
        current, seq, prev = self._tail_locked()
        current = self._maybe_rotate(current, seq, now)
        record: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "seq": seq + 1,
            "time": event.time or rfc3339(now),
            "host": self._host,
            "user": self._user,
            "app_version": __version__,
            "keyed": self._mac_key is not None,
            "key_id": key_id(self._mac_key) if self._mac_key else None,
            "prev": prev,
        }
        record.update(event.body())
        digest = record_hash(record)
        record["hash"] = digest
        record["mac"] = record_mac(self._mac_key, digest) if self._mac_key else None
        line = (canonical(record) + "\n").encode("ascii")
        new_file = not current.exists()
        try:
            fd = os.open(
                current, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600
            )
            try:
                os.write(fd, line)
                if self._fsync:
                    os.fsync(fd)
            finally:
                os.close(fd)
            if new_file and self._fsync:
                fsync_dir(self.folder)  # the new file's name survives a power cut too
            size = current.stat().st_size
            self._tail = (current.name, size, seq + 1, digest)
            self._write_head(seq + 1, digest)
        except OSError as exc:
            self._tail = None
            raise AuditUnavailable(
                f"cannot write the audit log ({type(exc).__name__}); check free space and "
                "permissions of the log folder (see `presend paths`)"
            ) from None
        return record

    def _tail_locked(self) -> tuple[Path, int, str]:
        files = log_files(self.folder)
        if not files:
            head = self.read_head()
            if head is not None:  # every file was removed: continue the chain from the head
                return self._new_file_path(head[0], self._clock()), head[0], head[1]
            return self._new_file_path(0, self._clock()), 0, GENESIS
        last = files[-1]
        size = last.stat().st_size
        if self._tail and self._tail[0] == last.name and self._tail[1] == size:
            return last, self._tail[2], self._tail[3]
        seq, digest = self._last_record_of(files)
        return last, seq, digest

    def _last_record_of(self, files: list[Path]) -> tuple[int, str]:
        for path in reversed(files):
            line, _, _ = _last_complete_line(path)
            if line:
                try:
                    rec = json.loads(line)
                    return int(rec["seq"]), str(rec["hash"])
                except (ValueError, KeyError, TypeError):
                    # an edited last line must not stop the log: continue from the head
                    # marker (verify still reports the damage)
                    head = self.read_head()
                    if head is None:
                        raise AuditError(
                            f"the last record of {path.name} is unreadable; run `presend log "
                            "verify` and keep the log for investigation"
                        ) from None
                    return head[0], head[1]
        head = self.read_head()
        return (head[0], head[1]) if head else (0, GENESIS)

    def _new_file_path(self, last_seq: int, now: dt.datetime) -> Path:
        return self.folder / f"audit-{last_seq + 1:012d}-{now.astimezone(dt.UTC):%Y%m%d}.jsonl"

    def _maybe_rotate(self, current: Path, seq: int, now: dt.datetime) -> Path:
        if not current.exists():
            return current
        size = current.stat().st_size
        started = file_date(current)
        today = now.astimezone(dt.UTC).date()
        if size == 0 or (size < self.max_bytes and started == today):
            return current
        self._tail = None
        new = self._new_file_path(seq, now)
        if new == current:
            return current
        self._prune_locked(now)
        return new

    def _write_head(self, seq: int, digest: str) -> None:
        head: dict[str, Any] = {"seq": seq, "hash": digest}
        if self._mac_key:
            head["mac"] = record_mac(self._mac_key, f"head:{seq}:{digest}")
        write_head_slot(self.state_dir / HEAD_FILE, seq, canonical(head))

    def read_head(self) -> tuple[int, str, str | None] | None:
        data = read_head_file(self.state_dir / HEAD_FILE)
        if not isinstance(data, dict):
            return None
        return int(data["seq"]), str(data["hash"]), data.get("mac")

    # -- recovery and retention ---------------------------------------------------------

    def _recover(self) -> None:
        """Cut a torn last line (a crash mid-write) and record that it happened."""
        torn: tuple[str, int] | None = None
        with self._lock, _FileLock(self.state_dir / LOCK_FILE):
            files = log_files(self.folder)
            if files:
                last = files[-1]
                _, good_end, size = _last_complete_line(last)
                if good_end < size:
                    with last.open("r+b") as fh:
                        fh.truncate(good_end)
                        fh.flush()
                        os.fsync(fh.fileno())
                    torn = (last.name, size - good_end)
        if torn:
            self.append(AuditEvent.admin("log_recovered", {"file": torn[0], "torn_bytes": torn[1]}))

    def prune(self) -> int:
        """Delete files past retention (never the current one); returns how many."""
        with self._lock, _FileLock(self.state_dir / LOCK_FILE):
            removed = self._prune_locked(self._clock(), record=False)
        if removed:
            self.append(AuditEvent.admin("retention_pruned", removed))
        return int(removed.get("files", 0)) if removed else 0

    def _prune_locked(self, now: dt.datetime, record: bool = True) -> dict[str, Any]:
        files = log_files(self.folder)
        cutoff = now.astimezone(dt.UTC).date() - dt.timedelta(days=self.retention_days)
        doomed: list[Path] = []
        for path, nxt in zip(files, files[1:], strict=False):
            nxt_date = file_date(nxt)
            # every record in `path` is older than the start of the next file
            if nxt_date is not None and nxt_date < cutoff:
                doomed.append(path)
            else:
                break
        if not doomed:
            return {}
        first_kept = files[len(doomed)]
        anchor = _first_record(first_kept)
        for path in doomed:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        fsync_dir(self.folder)
        details: dict[str, Any] = {"files": len(doomed)}
        if anchor is not None:
            details["anchor_seq"] = int(anchor["seq"])
            details["anchor_prev"] = str(anchor["prev"])
        if record:
            self._pending_prune = details
        return details

    # -- reading ----------------------------------------------------------------------

    def records(self, since_seq: int = 0) -> Iterator[dict[str, Any]]:
        """Every readable record with ``seq > since_seq``, in order (torn lines skipped)."""
        yield from read_records(self.folder, since_seq)


def _first_record(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as fh:
            line = fh.readline()
        return json.loads(line) if line.endswith(b"\n") else None
    except (OSError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class LogPosition:
    """Just after record ``seq`` in ``file``: lets a reader resume without re-parsing."""

    file: str
    offset: int
    seq: int


def read_records(folder: Path, since_seq: int = 0) -> Iterator[dict[str, Any]]:
    """Every readable record with ``seq > since_seq``, in order (a torn last line skipped)."""
    for record, _ in scan_records(folder, since_seq):
        yield record


def scan_records(
    folder: Path, since_seq: int = 0, hint: LogPosition | None = None
) -> Iterator[tuple[dict[str, Any], LogPosition]]:
    """Records with ``seq > since_seq`` and the position after each.

    ``hint`` (a position at or before record ``since_seq``) skips straight to it.
    """
    files = log_files(folder)
    starts = [int(_FILE_RE.match(p.name).group(1)) for p in files]  # type: ignore[union-attr]
    use_hint = hint is not None and hint.seq <= since_seq
    for i, path in enumerate(files):
        if i + 1 < len(starts) and starts[i + 1] <= since_seq + 1:
            continue
        try:
            fh = path.open("rb")
        except FileNotFoundError:
            continue
        with fh:
            pos = 0
            if use_hint and hint is not None and hint.file == path.name:
                try:
                    size = os.fstat(fh.fileno()).st_size
                except OSError:
                    size = 0
                if hint.offset <= size:
                    fh.seek(hint.offset)
                    pos = hint.offset
            for line in fh:
                if not line.endswith(b"\n"):
                    break
                pos += len(line)
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict) and int(rec.get("seq", 0)) > since_seq:
                    yield rec, LogPosition(path.name, pos, int(rec["seq"]))


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


# --- verification ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The result of ``verify_log``: ``problem`` is the first break found, or None."""

    records: int
    files: int
    problem: str | None
    notes: tuple[str, ...]
    unkeyed: int
    macs_checked: bool
    last_seq: int

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_log(folder: Path, state_dir: Path, mac_key: bytes | None) -> VerifyReport:
    """Check the chain, hashes and MACs of every record; report the first break.

    Catches an edited record (hash or MAC mismatch), a deleted one (sequence gap), a
    reordered one (sequence goes back or ``prev`` does not match), removed records at the
    end (the head file is ahead of the log) and at the start (unless a MAC-checked
    ``retention_pruned`` record accounts for them). A torn last line is a note.
    """
    files = log_files(folder)
    notes: list[str] = []
    problem: str | None = None
    count = unkeyed = 0
    prev_seq: int | None = None
    prev_hash: str | None = None
    start: tuple[int, str, str] | None = None
    anchors: dict[tuple[int, str], bool] = {}  # (seq, prev) -> its record's MAC was checked
    other_keys: set[str] = set()
    kid = key_id(mac_key) if mac_key else None
    for fi, path in enumerate(files):
        with path.open("rb") as fh:
            lines = fh.read().split(b"\n")
        tail = lines.pop()  # b"" when the file ends with a newline
        where_torn = f"{path.name}:{len(lines) + 1}"
        for li, raw in enumerate(lines, start=1):
            where = f"{path.name}:{li}"
            try:
                rec = json.loads(raw)
                seq = int(rec["seq"])
                stated = str(rec["hash"])
                prev = str(rec["prev"])
            except (ValueError, KeyError, TypeError):
                problem = f"{where} is not a valid record (edited or corrupted)"
                break
            if record_hash(rec) != stated:
                problem = f"record {seq} ({where}) was altered: its hash does not match"
                break
            if rec.get("keyed"):
                if mac_key is not None and rec.get("key_id") == kid:
                    mac = rec.get("mac")
                    if not isinstance(mac, str) or not hmac.compare_digest(
                        mac, record_mac(mac_key, stated)
                    ):
                        problem = f"record {seq} ({where}) was altered or forged: MAC mismatch"
                        break
                elif mac_key is not None:
                    other_keys.add(str(rec.get("key_id")))
            else:
                unkeyed += 1
            if prev_seq is None:
                if seq != 1 or prev != GENESIS:
                    start = (seq, prev, where)
            elif seq <= prev_seq:
                problem = f"record {seq} ({where}) is out of order: it follows record {prev_seq}"
                break
            elif seq != prev_seq + 1:
                problem = f"records {prev_seq + 1}..{seq - 1} are missing before {where}"
                break
            elif prev != prev_hash:
                problem = (
                    f"record {seq} ({where}) does not follow record {prev_seq}: "
                    "the chain is broken (a record was replaced or moved)"
                )
                break
            if rec.get("event") == "retention_pruned":
                det = rec.get("details") or {}
                if "anchor_seq" in det and "anchor_prev" in det:
                    checked = (
                        bool(rec.get("keyed")) and mac_key is not None and rec.get("key_id") == kid
                    )
                    key = (int(det["anchor_seq"]), str(det["anchor_prev"]))
                    anchors[key] = anchors.get(key, False) or checked
            prev_seq, prev_hash = seq, stated
            count += 1
        if problem:
            break
        if tail:
            if fi == len(files) - 1:
                notes.append(
                    f"{where_torn}: torn last line (a crash during a write); it is dropped "
                    "when presend next opens the log"
                )
            else:
                problem = f"{where_torn} is cut short (edited or corrupted)"
                break
    if problem is None and start is not None:
        seq, prev, where = start
        if anchors.get((seq, prev)):
            notes.append(f"records before {seq} were removed by retention")
        elif (seq, prev) in anchors:
            notes.append(
                f"records before {seq} were removed by retention, according to a record "
                "whose MAC could not be checked"
            )
        else:
            problem = (
                f"records before {seq} ({where}) are missing: the start of the log was removed"
            )
    if problem is None:
        problem = _check_head(state_dir, mac_key, prev_seq or 0, prev_hash, notes)
    if mac_key is None:
        notes.append("MACs not checked: the audit key is unavailable (keyring locked or missing)")
    if other_keys:
        notes.append(f"some records carry another MAC key ({len(other_keys)} key ids)")
    if unkeyed:
        notes.append(
            f"{unkeyed} records are not MAC-protected (written while the keyring was unavailable)"
        )
    return VerifyReport(
        records=count,
        files=len(files),
        problem=problem,
        notes=tuple(notes),
        unkeyed=unkeyed,
        macs_checked=mac_key is not None,
        last_seq=prev_seq or 0,
    )


def _check_head(
    state_dir: Path, mac_key: bytes | None, last_seq: int, last_hash: str | None, notes: list[str]
) -> str | None:
    head = read_head_file(state_dir / HEAD_FILE)
    if head is None:
        if last_seq:
            notes.append("head marker missing: removal of the newest records cannot be ruled out")
        return None
    if not isinstance(head, dict):
        return "the head marker (audit.head) is unreadable: it was edited"
    hseq, hhash = int(head["seq"]), str(head["hash"])
    if mac_key is not None and head.get("mac") is not None:
        if not hmac.compare_digest(str(head["mac"]), record_mac(mac_key, f"head:{hseq}:{hhash}")):
            return "the head marker (audit.head) was altered: MAC mismatch"
    if hseq > last_seq:
        return (
            f"the log was truncated: records after {last_seq} are missing "
            f"(the last record written was {hseq})"
        )
    if hseq == last_seq and last_hash is not None and hhash != last_hash:
        return f"record {last_seq} was replaced after it was written (head marker differs)"
    if hseq < last_seq:
        notes.append(f"head marker is behind the log ({hseq} < {last_seq}): a crash after a write")
    return None


# --- the CLI's entry point --------------------------------------------------------------


def record_outcome(
    log: AuditLog,
    policy: Any,
    outcome: Any,
    channel: str,
    action: str | None = None,
    override_reason: str | None = None,
) -> dict[str, Any]:
    """Append one pipeline outcome (``app.services.pipeline.Outcome``) as a decision record,
    honouring the policy's audit settings (fingerprints, previews, hashed sources). Only the
    reported findings are recorded (all findings when the decision has no ``reported``)."""
    settings = getattr(policy, "audit", None)
    decision = outcome.decision
    findings = getattr(decision, "reported", None)
    if findings is None:
        findings = outcome.result.findings
    use_prints = bool(getattr(settings, "fingerprints", True))
    return log.append(
        AuditEvent.decision(
            channel=channel,
            source=str(outcome.result.source),
            findings=tuple(findings),
            verdict=str(outcome.verdict),
            action=action or str(outcome.verdict),
            complete=bool(outcome.result.complete),
            policy_serial=getattr(policy, "serial", None),
            policy_digest=getattr(policy, "digest", None),
            fingerprint_key=log.fingerprint_key if use_prints else b"",
            override_reason=override_reason,
            source_hashed=bool(getattr(settings, "hash_sources", False)),
            source_key=log.fingerprint_key,
            previews=bool(getattr(settings, "previews", True)),
        )
    )


def audit_outcome(ctx: Any, outcome: Any, channel: str, action: str | None = None) -> None:
    """Record one outcome from the CLI: ``ctx`` gives paths, secret store and policy; the
    log is opened once per context."""
    cache = ctx._cache
    policy = None
    with contextlib.suppress(Exception):
        policy = ctx.policy()
    settings = getattr(policy, "audit", None)
    log = cache.get("audit_log")
    if log is None:
        log = AuditLog.open(
            ctx.paths,
            ctx.secret_store(),
            retention_days=int(getattr(settings, "retention_days", DEFAULT_RETENTION_DAYS)),
        )
        cache["audit_log"] = log
        if not log.state.keyed:
            ctx.warn(log.state.message)
    record_outcome(log, policy, outcome, channel, action)
