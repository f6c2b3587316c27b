"""Audit log speed: events/s appended and forwarded, and spool recovery for 100,000 events.

Run: ``.venv/bin/python benchmarks/audit_speed.py [--events N] [--queued N]``. Everything
happens in a temporary folder and on a loopback receiver; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import http.server
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.paths import AppPaths
from app.services.audit import AuditEvent, AuditLog, verify_log
from app.services.secret_store import InMemorySecretStore
from app.services.siem import Forwarder, SiemTarget
from app.services.spool import Spool
from classifiers.detectors.base import make_finding


def _paths(root: Path) -> AppPaths:
    return AppPaths(
        config=root / "c", state=root / "s", log=root / "l", cache=root / "x", site=root / "t"
    )


def _event(log: AuditLog, i: int) -> AuditEvent:
    text = f"key AKIA{i:016d} and mail user{i}@example.org"
    findings = [
        make_finding("AWS_ACCESS_KEY", text, 4, 24, 0.95, "secrets/aws-access-key-id"),
        make_finding("EMAIL_ADDRESS", text, 34, len(text), 0.9, "pii/email"),
    ]
    return AuditEvent.decision(
        "clipboard",
        "org.example.Chat",
        findings,
        "block",
        "cleared clipboard",
        True,
        3,
        "ab" * 32,
        log.fingerprint_key,
    )


def bench_append(root: Path, n: int, fsync: bool) -> tuple[float, int]:
    log = AuditLog.open(_paths(root), InMemorySecretStore(), fsync=fsync)
    events = [_event(log, i) for i in range(n)]
    start = time.perf_counter()
    for e in events:
        log.append(e)
    elapsed = time.perf_counter() - start
    size = sum(p.stat().st_size for p in log.folder.glob("*.jsonl"))
    return n / elapsed, size // max(1, n)


def bench_verify(root: Path) -> float:
    paths = _paths(root)
    log = AuditLog.open(paths, InMemorySecretStore(), fsync=False)
    for i in range(5000):
        log.append(_event(log, i))
    start = time.perf_counter()
    report = verify_log(paths.audit_dir, paths.state, log.mac_key)
    assert report.ok
    return report.records / (time.perf_counter() - start)


def bench_forward(root: Path, n: int) -> float:
    paths = _paths(root)
    log = AuditLog.open(paths, InMemorySecretStore(), fsync=False)
    for i in range(n):
        log.append(_event(log, i))
    received = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received[0] += len(json.loads(body)["events"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        target = SiemTarget(
            name="hook",
            kind="webhook",
            url=f"http://127.0.0.1:{server.server_address[1]}/",
            batch_size=200,
        )
        start = time.perf_counter()
        with Forwarder([target], paths.spool_dir, None) as fwd:
            fwd.drain(paths.audit_dir, timeout=600)
        elapsed = time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()
    assert received[0] == n, received[0]
    return n / elapsed


def bench_recovery(root: Path, queued: int) -> tuple[float, float, int]:
    paths = _paths(root)
    log = AuditLog.open(paths, InMemorySecretStore(), fsync=False)
    line = json.dumps(log.append(_event(log, 0)), sort_keys=True, separators=(",", ":"))
    folder = root / "spool"
    with Spool(folder, fsync=False) as spool:
        for _ in range(queued // 1000):
            spool.enqueue([line] * 1000)
    # a crash mid-enqueue: a torn last line
    last = sorted(folder.glob("seg-*.jsonl"))[-1]
    with last.open("ab") as fh:
        fh.write(line[: len(line) // 2].encode())
    start = time.perf_counter()
    with Spool(folder) as reopened:
        opened = time.perf_counter() - start
        assert reopened.pending == queued and reopened.recovered_torn_bytes
        reopened.last_item()
        first, pos = reopened.peek(200)
        ready = time.perf_counter() - start
        size = reopened.pending_bytes
    return opened, ready, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--forward", type=int, default=20000)
    parser.add_argument("--queued", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        rate_sync, per = bench_append(root / "a", args.events, fsync=True)
        rate_nosync, _ = bench_append(root / "b", args.events * 5, fsync=False)
        verify_rate = bench_verify(root / "v")
        forward_rate = bench_forward(root / "f", args.forward)
        opened, ready, size = bench_recovery(root / "r", args.queued)
    print(f"append, fsync per event:       {rate_sync:10,.0f} events/s ({per} bytes/record)")
    print(f"append, no fsync (reference):  {rate_nosync:10,.0f} events/s")
    print(f"verify:                        {verify_rate:10,.0f} records/s")
    print(
        f"forward to loopback webhook:   {forward_rate:10,.0f} events/s "
        "(spool fsynced, batches of 200)"
    )
    print(
        f"spool recovery, {args.queued:,} queued ({size / 1e6:.0f} MB, torn tail): "
        f"open {opened * 1000:.0f} ms, first batch ready {ready * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
