"""Forwarding the audit log to SIEM targets: at least once, with a spool and backoff.

``Forwarder.pump(audit_dir)`` copies new audit records into each target's spool
(``AppPaths.spool_dir / <target name>``) and delivers what is due; the tray calls it on a
timer, ``presend log forward`` calls ``drain`` to push the backlog by hand. Records leave
the spool only after the target confirmed them (HTTP 2xx; for syslog over TCP/TLS, once
the kernel accepted the bytes — there is no application-level acknowledgement in
RFC 5424 transports). Clock and sleep are injected.

Credentials (Splunk HEC token, Elastic API key, Datadog API key, webhook bearer token)
come from the secret store under the target's ``credential`` name, never from the policy.

Errors::

    SiemError
     +-- SiemConfigError     a target in the policy is unusable (message says how to fix it)
     +-- DeliveryError       one attempt failed; ``retryable`` says whether to try again
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import ssl
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from app.services import siem_formats as fmt
from app.services.audit import LogPosition, scan_records
from app.services.secret_store import SecretStore, SecretStoreError
from app.services.spool import Spool

PAYLOADS = ("json", "cef", "leef")
_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # it names the spool folder
_MAX_ALERTS = 20
KINDS = (
    "syslog-udp",
    "syslog-tcp",
    "syslog-tls",
    "splunk-hec",
    "elastic",
    "datadog",
    "webhook",
    "file",
)
_VERDICT_RANK = {"allow": 0, "log": 1, "warn": 2, "redact": 3, "block": 4}
_RETRY_STATUS = {401, 403, 408, 425, 429}


class SiemError(Exception):
    """Base of SIEM forwarding errors."""


class SiemConfigError(SiemError):
    """A SIEM target in the policy cannot be used."""


class DeliveryError(SiemError):
    """One failed attempt. ``needs_setup``: only a person can fix it (a missing credential,
    a locked keyring), so `log forward` stops waiting; the tray keeps retrying slowly."""

    def __init__(self, message: str, retryable: bool = True, needs_setup: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.needs_setup = needs_setup


@dataclass(frozen=True, slots=True)
class SiemTarget:
    """One place to send audit records (from the policy's ``[[audit.siem]]`` table)."""

    name: str
    kind: str
    url: str = ""  # http(s) kinds: the base URL
    host: str = ""  # syslog kinds
    port: int = 0
    ca_file: str | None = None  # TLS: trust this CA bundle instead of the system's
    verify_tls: bool = True
    index: str | None = None  # Splunk index / Elastic index or data stream
    credential_name: str | None = None  # secret store entry holding the token or API key
    min_verdict: str = "log"  # decisions below this verdict are not forwarded
    payload: str = "json"  # syslog kinds: "json" (RFC 5424 + JSON), "cef" or "leef"
    timeout: float = 10.0
    batch_size: int = 200
    proxy: str | None = None  # http(s) kinds: "http://proxy.example:3128" (HTTP CONNECT)

    def __post_init__(self) -> None:
        if not _NAME_RE.fullmatch(self.name):
            raise SiemConfigError(
                "a SIEM target name uses letters, digits, '.', '_' and '-' (at most 64), "
                "starting with a letter or digit"
            )
        if self.kind not in KINDS:
            raise SiemConfigError(
                f"SIEM target {self.name!r}: unknown kind {self.kind!r}; "
                f"use one of {', '.join(KINDS)}"
            )
        if self.kind.startswith("syslog"):
            if not self.host or not 0 < self.port < 65536:
                raise SiemConfigError(
                    f"SIEM target {self.name!r} needs a host and a port (1-65535)"
                )
        elif self.kind == "file":
            if not self.url or not Path(self.url).is_absolute():
                raise SiemConfigError(
                    f"SIEM target {self.name!r} (file) needs an absolute path, "
                    "e.g. file:///var/log/presend.jsonl"
                )
        else:
            parts = urllib.parse.urlsplit(self.url)
            loopback = parts.hostname in ("127.0.0.1", "::1", "localhost")
            if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
                raise SiemConfigError(
                    f"SIEM target {self.name!r}: use an https:// URL (plain http only to loopback)"
                )
            if self.kind in ("splunk-hec", "datadog", "elastic") and not self.credential_name:
                raise SiemConfigError(
                    f"SIEM target {self.name!r} needs `credential`: the name of the keyring entry "
                    "holding its token (set it with `presend log set-credential NAME`)"
                )
        if self.proxy is not None:
            pp = urllib.parse.urlsplit(self.proxy)
            if (
                pp.scheme != "http"
                or not pp.hostname
                or self.kind.startswith("syslog")
                or self.kind == "file"
            ):
                raise SiemConfigError(
                    f"SIEM target {self.name!r}: proxy must be http://host:port (HTTP CONNECT) "
                    "and applies to http(s) targets only"
                )
        if self.kind == "elastic" and not self.index:
            raise SiemConfigError(f"SIEM target {self.name!r} (elastic) needs an `index`")
        if self.payload not in PAYLOADS:
            raise SiemConfigError(
                f"SIEM target {self.name!r}: format {self.payload!r} is unknown; "
                f"use one of {', '.join(PAYLOADS)}"
            )
        if self.payload != "json" and not (self.kind.startswith("syslog") or self.kind == "file"):
            raise SiemConfigError(
                f"SIEM target {self.name!r}: format {self.payload!r} goes over syslog or to a file "
                "only; use kind syslog-udp, syslog-tcp, syslog-tls or file"
            )
        if self.min_verdict not in _VERDICT_RANK:
            raise SiemConfigError(
                f"SIEM target {self.name!r}: min_verdict must be one of {list(_VERDICT_RANK)}"
            )

    def wants(self, record: Mapping[str, Any]) -> bool:
        if record.get("event") != "decision":
            return True
        rank = _VERDICT_RANK.get(str(record.get("verdict")), 4)
        return rank >= _VERDICT_RANK[self.min_verdict]


# --- configuration -------------------------------------------------------------------------


def target_from_mapping(entry: Mapping[str, Any], position: int = 0) -> SiemTarget:
    """A target from a policy table. Accepts ``kind`` + ``url``/``host``/``port``, or the
    older ``format`` + ``target`` URL (``udp://``, ``tcp://``, ``tls://``, ``https://``)."""
    name = str(entry.get("name") or f"siem-{position + 1}")
    kind = entry.get("kind")
    url = str(entry.get("url") or "")
    host = str(entry.get("host") or "")
    port = int(entry.get("port") or 0)
    target = entry.get("target")
    if target:
        parts = urllib.parse.urlsplit(str(target))
        scheme = parts.scheme
        if scheme in ("udp", "tcp", "tls"):
            kind = kind or f"syslog-{scheme}"
            host, port = parts.hostname or "", parts.port or (6514 if scheme == "tls" else 514)
        elif scheme in ("https", "http"):
            kind = kind or "webhook"
            url = str(target)
        elif scheme == "file":
            kind = kind or "file"
            url = urllib.parse.unquote(parts.path)
        else:
            raise SiemConfigError(f"SIEM target {name!r}: unsupported target scheme {scheme!r}")
    if not kind:
        raise SiemConfigError(f"SIEM target {name!r} needs a `kind` ({', '.join(KINDS)})")
    try:
        return SiemTarget(
            name=name,
            kind=str(kind),
            url=url,
            host=host,
            port=port,
            ca_file=entry.get("ca_file"),
            verify_tls=bool(entry.get("verify_tls", True)),
            index=entry.get("index"),
            credential_name=entry.get("credential") or entry.get("credential_name"),
            min_verdict=str(
                getattr(entry.get("min_verdict"), "value", entry.get("min_verdict")) or "log"
            ),
            timeout=float(entry.get("timeout", 10.0)),
            batch_size=int(entry.get("batch_size", 200)),
            payload=_payload(entry.get("format")),
            proxy=entry.get("proxy"),
        )
    except (TypeError, ValueError):
        raise SiemConfigError(f"SIEM target {name!r} has a value of the wrong type") from None


def _payload(fmt_name: Any) -> str:
    """The policy's ``format``: ``syslog``/``json`` (or absent) mean RFC 5424 with JSON."""
    if fmt_name in (None, "", "syslog", "json"):
        return "json"
    return str(fmt_name)


def targets_for_policy(policy: Any) -> tuple[SiemTarget, ...]:
    """The policy's SIEM targets (``[[audit.siem]]``), read from its document."""
    doc = getattr(policy, "document", None) or {}
    entries = (doc.get("audit") or {}).get("siem") or ()
    targets = tuple(target_from_mapping(e, i) for i, e in enumerate(entries))
    names = [t.name for t in targets]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SiemConfigError(
            f"SIEM target name {sorted(dupes)[0]!r} is used twice; give each a unique `name`"
        )
    return targets


# --- transports ----------------------------------------------------------------------------


class Transport(Protocol):
    def send(self, records: Sequence[Mapping[str, Any]]) -> None: ...

    def close(self) -> None: ...


def _tls_context(target: SiemTarget) -> ssl.SSLContext:
    ctx = (
        ssl.create_default_context(cafile=target.ca_file)
        if target.ca_file
        else ssl.create_default_context()
    )
    if not target.verify_tls:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


class SyslogTransport:
    """RFC 5424 over UDP (one datagram each), TCP (RFC 6587 octet counting) or TLS (RFC 5425)."""

    def __init__(self, target: SiemTarget) -> None:
        self.target = target
        self._sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        t = self.target
        if t.kind == "syslog-udp":
            info = socket.getaddrinfo(t.host, t.port, type=socket.SOCK_DGRAM)[0]
            sock = socket.socket(info[0], socket.SOCK_DGRAM)
            sock.connect(info[4])
            return sock
        sock = socket.create_connection((t.host, t.port), timeout=t.timeout)
        if t.kind == "syslog-tls":
            sock = _tls_context(t).wrap_socket(sock, server_hostname=t.host)
        sock.settimeout(t.timeout)
        return sock

    def send(self, records: Sequence[Mapping[str, Any]]) -> None:
        try:
            if self._sock is None:
                self._sock = self._connect()
            if self.target.kind == "syslog-udp":
                for r in records:
                    self._sock.send(fmt.syslog_message(r, payload=self.target.payload))
            else:
                self._sock.sendall(
                    b"".join(
                        fmt.octet_counted(fmt.syslog_message(r, payload=self.target.payload))
                        for r in records
                    )
                )
        except (OSError, ssl.SSLError) as exc:
            self.close()
            raise DeliveryError(
                f"{self.target.name}: {type(exc).__name__} talking to syslog"
            ) from None

    def close(self) -> None:
        if self._sock is not None:
            if isinstance(self._sock, ssl.SSLSocket):
                with contextlib.suppress(OSError, ValueError):
                    self._sock.unwrap()  # send close_notify: a clean end for the receiver
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None


class HttpTransport:
    """Splunk HEC, Elastic ``_bulk``, Datadog logs intake and the generic webhook."""

    def __init__(self, target: SiemTarget, secret_store: SecretStore | None) -> None:
        self.target = target
        self._store = secret_store
        parts = urllib.parse.urlsplit(target.url)
        self._scheme = parts.scheme
        self._host = parts.hostname or ""
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self._channel = str(uuid.uuid4())

    def _credential(self) -> str | None:
        name = self.target.credential_name
        if not name:
            return None
        try:
            value = self._store.get(name) if self._store is not None else None
        except SecretStoreError as exc:
            raise DeliveryError(
                f"{self.target.name}: keyring unavailable ({type(exc).__name__}); unlock it",
                needs_setup=True,
            ) from None
        if not value:
            raise DeliveryError(
                f"{self.target.name}: no credential {name!r} in the keyring; "
                f"set it with `presend log set-credential {name}`",
                needs_setup=True,
            )
        return value

    def request_for(
        self, records: Sequence[Mapping[str, Any]]
    ) -> tuple[str, dict[str, str], bytes]:
        t = self.target
        token = self._credential()
        headers = {"User-Agent": "presend", "Content-Type": "application/json"}
        if t.kind == "splunk-hec":
            path = (
                self._base
                if self._base.endswith("/services/collector/event")
                else self._base + "/services/collector/event"
            )
            headers["Authorization"] = f"Splunk {token}"
            # required when the token has indexer acknowledgement on; harmless otherwise
            headers["X-Splunk-Request-Channel"] = self._channel
            body = fmt.splunk_hec_body(records, t.index)
        elif t.kind == "elastic":
            path = self._base + "/_bulk"
            headers["Content-Type"] = "application/x-ndjson"
            headers["Authorization"] = f"ApiKey {token}"
            body = fmt.elastic_bulk_body(records, t.index or "presend-audit")
        elif t.kind == "datadog":
            path = (
                self._base if self._base.endswith("/api/v2/logs") else self._base + "/api/v2/logs"
            )
            headers["DD-API-KEY"] = token or ""
            body = fmt.datadog_body(records)
        else:
            path = self._base or "/"
            if token:
                headers["Authorization"] = f"Bearer {token}"
            body = fmt.webhook_body(records)
        return path, headers, body

    def send(self, records: Sequence[Mapping[str, Any]]) -> None:
        path, headers, body = self.request_for(records)
        t = self.target
        host, port = self._host, self._port
        if t.proxy:
            proxy = urllib.parse.urlsplit(t.proxy)
            host, port = proxy.hostname or "", proxy.port or 3128
        if self._scheme == "https":
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=t.timeout, context=_tls_context(t)
            )
        else:
            conn = http.client.HTTPConnection(host, port, timeout=t.timeout)
        if t.proxy:
            # CONNECT through the proxy; TLS is end to end and checked against the target
            conn.set_tunnel(self._host, self._port or (443 if self._scheme == "https" else 80))
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read(1 << 20)
            status = resp.status
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            raise DeliveryError(f"{t.name}: {type(exc).__name__} talking to {self._host}") from None
        finally:
            conn.close()
        if 200 <= status < 300:
            if t.kind == "elastic":
                _check_bulk_response(t.name, data)
            return
        retryable = status >= 500 or status in _RETRY_STATUS
        raise DeliveryError(f"{t.name}: HTTP {status} from {self._host}", retryable=retryable)

    def close(self) -> None:
        return None


def _check_bulk_response(name: str, data: bytes) -> None:
    """A 200 from ``_bulk`` may still hold per-item failures; 409 (already there) is fine."""
    try:
        doc = json.loads(data)
    except ValueError:
        raise DeliveryError(f"{name}: unreadable _bulk response") from None
    if not doc.get("errors"):
        return
    statuses = [next(iter(item.values())).get("status", 0) for item in doc.get("items", [])]
    bad = [s for s in statuses if not (200 <= s < 300 or s == 409)]
    if not bad:
        return
    retryable = any(s >= 500 or s == 429 for s in bad)
    raise DeliveryError(
        f"{name}: _bulk refused {len(bad)} documents (HTTP {bad[0]})", retryable=retryable
    )


class FileTransport:
    """Appends one line per record to a local file, fsynced, for a log shipper to pick up.

    ``json`` writes the schema event; ``cef``/``leef`` write those lines.
    """

    def __init__(self, target: SiemTarget) -> None:
        self.target = target
        self.path = Path(target.url)

    def _line(self, record: Mapping[str, Any]) -> bytes:
        if self.target.payload == "cef":
            return fmt.cef_line(record).encode("utf-8")
        if self.target.payload == "leef":
            return fmt.leef_line(record).encode("utf-8")
        return json.dumps(
            fmt.schema_event(record), sort_keys=True, separators=(",", ":"), ensure_ascii=True
        ).encode("ascii")

    def send(self, records: Sequence[Mapping[str, Any]]) -> None:
        data = b"".join(self._line(r) + b"\n" for r in records)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(
                self.path,
                os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0),
                0o600,
            )
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise DeliveryError(
                f"{self.target.name}: cannot write {self.path.name} ({type(exc).__name__})"
            ) from None

    def close(self) -> None:
        return None


def make_transport(target: SiemTarget, secret_store: SecretStore | None) -> Transport:
    if target.kind.startswith("syslog"):
        return SyslogTransport(target)
    if target.kind == "file":
        return FileTransport(target)
    return HttpTransport(target, secret_store)


# --- the forwarder -------------------------------------------------------------------------


@dataclass
class TargetStatus:
    """What ``drain``/``pump`` did for one target (for the CLI and the tray)."""

    delivered: int = 0
    rejected: int = 0
    pending: int = 0
    waiting_in_log: bool = False
    last_error: str | None = None
    alerts: list[str] = field(default_factory=list)

    def describe(self) -> str:
        text = f"{self.delivered} delivered, {self.pending} waiting"
        if self.rejected:
            text += f", {self.rejected} refused by the target"
        if self.last_error:
            text += f" (last error: {self.last_error})"
        return text


@dataclass
class _TargetState:
    target: SiemTarget
    spool: Spool
    transport: Transport
    mark: int = 0  # highest audit seq copied into the spool (or skipped by the filter)
    failures: int = 0
    next_try: float = 0.0
    full_alerted: bool = False
    needs_setup: bool = False  # waiting for a person (credential, keyring), not the network
    status: TargetStatus = field(default_factory=TargetStatus)


class Forwarder:
    """Copies audit records into per-target spools and delivers them with backoff."""

    def __init__(
        self,
        targets: Iterable[SiemTarget],
        spool_root: Path,
        secret_store: SecretStore | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport_factory: Callable[[SiemTarget], Transport] | None = None,
        on_alert: Callable[[str, str], None] | None = None,
        audit: Any = None,
        spool_max_items: int = 200_000,
        backoff_base: float = 1.0,
        backoff_cap: float = 300.0,
        fsync: bool = True,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._on_alert = on_alert
        self._audit = audit  # an AuditLog: alerts are recorded there too (and so forwarded)
        self._base = backoff_base
        self._cap = backoff_cap
        factory = transport_factory or (lambda t: make_transport(t, secret_store))
        self._states: list[_TargetState] = []
        self._hint: LogPosition | None = None
        try:
            for t in targets:
                spool = Spool(spool_root / t.name, max_items=spool_max_items, fsync=fsync)
                state = _TargetState(t, spool, factory(t))
                state.mark = _seq_of(spool.last_item())
                state.status.pending = spool.pending
                self._states.append(state)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        for s in self._states:
            s.transport.close()
            s.spool.close()

    def __enter__(self) -> Forwarder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def status(self) -> dict[str, TargetStatus]:
        return {s.target.name: s.status for s in self._states}

    def _alert(self, state: _TargetState, message: str, kind: str, count: int = 0) -> None:
        state.status.alerts.append(message)
        del state.status.alerts[:-_MAX_ALERTS]
        if self._on_alert is not None:
            self._on_alert(state.target.name, message)
        if self._audit is not None:
            from app.services.audit import AuditEvent

            with contextlib.suppress(Exception):  # an alert must not stop forwarding
                self._audit.append(
                    AuditEvent.admin(
                        kind,
                        {
                            "target": state.target.name,
                            "kind": state.target.kind,
                            "records": count,
                            "pending": state.spool.pending,
                        },
                    )
                )

    # -- moving records -----------------------------------------------------------------

    def sync(self, audit_dir: Path) -> None:
        """Copy audit records newer than each spool's mark into the spool (as room allows).

        When a spool is full the rest stay in the audit log (``waiting_in_log``) and are
        copied on a later sync, once deliveries made room: nothing is dropped.
        """
        if not self._states:
            return
        low = min(s.mark for s in self._states)
        batch: dict[str, list[str]] = {s.target.name: [] for s in self._states}
        seen: dict[str, int] = {}
        blocked: set[str] = set()
        positions: dict[int, LogPosition] = {}
        for record, position in scan_records(audit_dir, since_seq=low, hint=self._hint):
            seq = int(record["seq"])
            positions[seq] = position
            line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
            for s in self._states:
                name = s.target.name
                if seq <= s.mark or name in blocked:
                    continue
                if s.target.wants(record):
                    batch[name].append(line)
                seen[name] = seq
                if len(batch[name]) >= 1000 and not self._flush(s, batch[name], seen):
                    blocked.add(name)
        for s in self._states:
            name = s.target.name
            if name not in blocked and not self._flush(s, batch[name], seen):
                blocked.add(name)
            s.status.waiting_in_log = name in blocked
            if name not in blocked:
                s.full_alerted = False  # caught up: the next overflow is news again
            s.status.pending = s.spool.pending
        # the next sync starts reading right after the lowest mark, not at the file's start
        self._hint = positions.get(min(s.mark for s in self._states), self._hint)

    def _flush(self, s: _TargetState, items: list[str], seen: dict[str, int]) -> bool:
        """Spool ``items``; False (and an alert, once) when the spool is full."""
        accepted = s.spool.enqueue(items) if items else 0
        if accepted < len(items):
            if accepted:
                s.mark = _seq_of(items[accepted - 1])
            items.clear()
            if not s.full_alerted:
                s.full_alerted = True
                self._alert(
                    s,
                    f"spool for {s.target.name} is full ({s.spool.pending} records): "
                    "newer records wait in the audit log; check that the SIEM is reachable",
                    "spool_full",
                )
            return False
        s.mark = max(s.mark, seen.get(s.target.name, s.mark))
        items.clear()
        return True

    def deliver(self, max_batches: int = 50) -> None:
        """Send what is due for every target (respecting each one's backoff)."""
        for s in self._states:
            for _ in range(max_batches):
                if self._clock() < s.next_try or not self._deliver_one(s):
                    break

    def _deliver_one(self, s: _TargetState) -> bool:
        lines, position = s.spool.peek(s.target.batch_size)
        if not lines:
            return False
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                s.status.rejected += 1  # a damaged spool line cannot be sent; it stays in the log
        try:
            if records:
                s.transport.send(records)
        except DeliveryError as exc:
            s.status.last_error = str(exc)
            if exc.needs_setup:
                s.needs_setup = True
                s.next_try = self._clock() + self._cap
                return False
            if exc.retryable:
                s.failures += 1
                delay = min(self._cap, self._base * (2 ** (s.failures - 1)))
                s.next_try = self._clock() + delay
                return False
            s.status.rejected += len(records)
            self._alert(
                s,
                f"{s.target.name} refused {len(records)} records: {exc}",
                "forward_rejected",
                len(records),
            )
        else:
            s.status.delivered += len(records)
            s.status.last_error = None
        s.failures = 0
        s.needs_setup = False
        s.next_try = 0.0
        s.spool.ack(position)
        s.status.pending = s.spool.pending
        return True

    def pump(self, audit_dir: Path, max_batches: int = 50) -> dict[str, TargetStatus]:
        """One step for the tray's timer: sync from the log, then deliver what is due."""
        self.sync(audit_dir)
        self.deliver(max_batches)
        return self.status

    def drain(self, audit_dir: Path, timeout: float = 60.0) -> dict[str, TargetStatus]:
        """Push the whole backlog, waiting out backoffs, until done or ``timeout`` passes."""
        deadline = self._clock() + timeout
        while True:
            before = sum(s.status.delivered + s.status.rejected for s in self._states)
            self.sync(audit_dir)
            self.deliver(max_batches=1000)
            self.sync(audit_dir)
            busy = [
                s
                for s in self._states
                if (s.spool.pending or s.status.waiting_in_log) and not s.needs_setup
            ]
            if not busy:
                break
            now = self._clock()
            wake = min(s.next_try for s in busy)
            progressed = sum(s.status.delivered + s.status.rejected for s in self._states) > before
            if wake > deadline or now >= deadline or (wake <= now and not progressed):
                break
            self._sleep(max(0.0, wake - now))
        for s in self._states:
            s.status.pending = s.spool.pending
        return self.status

    def run(self, audit_dir: Path, stop: threading.Event, interval: float = 5.0) -> None:
        """The tray's forwarding thread: pump every ``interval`` seconds until ``stop`` is set.

        Never raises: an unexpected error is reported through ``on_alert`` by type name and
        the loop goes on (records stay in the spool and the audit log).
        """
        reported: str | None = None
        while not stop.is_set():
            try:
                self.pump(audit_dir)
                reported = None
            except Exception as exc:  # the thread's boundary: report, keep forwarding
                if type(exc).__name__ != reported:  # once per kind of failure, not per tick
                    reported = type(exc).__name__
                    for s in self._states:
                        self._alert(
                            s,
                            f"forwarding to {s.target.name} failed ({reported})",
                            "forward_failed",
                        )
            stop.wait(interval)


def _seq_of(line: str | None) -> int:
    if not line:
        return 0
    try:
        return int(json.loads(line).get("seq", 0))
    except (ValueError, AttributeError, TypeError):
        return 0
