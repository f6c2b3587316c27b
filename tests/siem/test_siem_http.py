"""Forwarding to loopback HTTPS receivers: HEC, _bulk, Datadog and webhook shapes and headers;
a receiver that is down, then up, then slow; a forwarding process killed mid-send."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app.paths import app_paths
from app.services.audit import AuditEvent, AuditLog, read_records
from app.services.secret_store import InMemorySecretStore
from app.services.siem import Forwarder, SiemTarget
from tests.siem.helpers import FakeClock, Receiver, canary_token, finding_for, free_port, make_cert

pytestmark = pytest.mark.enable_socket
REPO = Path(__file__).resolve().parents[2]


class Time:
    def __init__(self):
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture()
def cert(tmp_path):
    return make_cert(tmp_path / "tls")


def _fill(n: int) -> tuple[AuditLog, list[str]]:
    log = AuditLog.open(app_paths(), InMemorySecretStore(), FakeClock(), fsync=False)
    canary = canary_token()
    text = f"token {canary}"
    for i in range(n):
        if i % 3 == 0:
            log.append(
                AuditEvent.decision(
                    "clipboard",
                    "org.example.Chat",
                    [finding_for(text, canary)],
                    "block",
                    "cleared clipboard",
                    True,
                    2,
                    "cd" * 32,
                    log.fingerprint_key,
                )
            )
        else:
            log.append(AuditEvent.admin("guard_paused", {"n": i}))
    return log, [r["id"] for r in read_records(app_paths().audit_dir)]


def _forward(target, store=None, t=None):
    t = t or Time()
    fwd = Forwarder(
        [target],
        app_paths().spool_dir,
        store or InMemorySecretStore(),
        clock=t.clock,
        sleep=t.sleep,
        fsync=False,
    )
    with fwd:
        status = fwd.drain(app_paths().audit_dir, timeout=120)
    return status[target.name], t


def _store(**entries):
    store = InMemorySecretStore()
    for k, v in entries.items():
        store.set(k, v)
    return store


def test_splunk_hec_gets_authorised_event_objects_over_tls(cert):
    _, ids = _fill(7)
    rx = Receiver(tls=cert)
    try:
        target = SiemTarget(
            name="splunk",
            kind="splunk-hec",
            url=f"https://127.0.0.1:{rx.port}",
            ca_file=str(cert[0]),
            credential_name="hec",
            index="security",
            batch_size=3,
        )
        status, _ = _forward(target, _store(hec="11111111-2222-3333-4444-555555555555"))
    finally:
        rx.stop()
    assert status.delivered == 7 and status.pending == 0
    got = []
    for path, headers, body in rx.requests:
        assert path == "/services/collector/event"
        assert headers["Authorization"] == "Splunk 11111111-2222-3333-4444-555555555555"
        assert headers["Content-Type"] == "application/json"
        assert len(headers["X-Splunk-Request-Channel"]) == 36  # a UUID
        for line in body.split(b"\n"):
            obj = json.loads(line)
            assert obj["sourcetype"] == "presend:audit" and obj["index"] == "security"
            assert obj["source"] == "presend" and isinstance(obj["time"], float)
            got.append(obj["event"]["id"])
    assert got == ids


def test_elastic_bulk_gets_create_actions_and_ecs_documents(cert):
    _, ids = _fill(5)

    def bulk_reply(path, body):
        lines = body.splitlines()
        items = [
            {"create": {"_id": json.loads(a)["create"]["_id"], "status": 201 if i else 409}}
            for i, a in enumerate(lines[::2])
        ]
        return json.dumps({"errors": True, "items": items}).encode()

    rx = Receiver(tls=cert, respond=bulk_reply)
    try:
        target = SiemTarget(
            name="es",
            kind="elastic",
            url=f"https://127.0.0.1:{rx.port}",
            ca_file=str(cert[0]),
            credential_name="es",
            index="logs-presend.audit",
        )
        status, _ = _forward(target, _store(es="ZXM6a2V5"))
    finally:
        rx.stop()
    # the 409 (already indexed: a re-send after a crash) counts as delivered
    assert status.delivered == 5 and status.rejected == 0
    ((path, headers, body),) = rx.requests
    assert path == "/_bulk" and headers["Content-Type"] == "application/x-ndjson"
    assert headers["Authorization"] == "ApiKey ZXM6a2V5" and body.endswith(b"\n")
    lines = body.splitlines()
    actions, docs = [json.loads(x) for x in lines[::2]], [json.loads(x) for x in lines[1::2]]
    assert [a["create"]["_id"] for a in actions] == ids
    assert all(a["create"]["_index"] == "logs-presend.audit" for a in actions)
    assert [d["event"]["id"] for d in docs] == ids
    assert all("@timestamp" in d and d["ecs"]["version"] for d in docs)


def test_elastic_item_failures_are_retried_not_dropped(cert):
    _, ids = _fill(2)
    calls = []

    def bulk_reply(path, body):
        calls.append(1)
        status = 429 if len(calls) == 1 else 201
        items = [{"create": {"status": status}} for _ in body.splitlines()[::2]]
        return json.dumps({"errors": status != 201, "items": items}).encode()

    rx = Receiver(tls=cert, respond=bulk_reply)
    try:
        target = SiemTarget(
            name="es",
            kind="elastic",
            url=f"https://127.0.0.1:{rx.port}",
            ca_file=str(cert[0]),
            credential_name="es",
            index="presend",
        )
        status, t = _forward(target, _store(es="k"))
    finally:
        rx.stop()
    assert len(rx.requests) == 2 and status.delivered == 2 and t.sleeps == [1.0]


def test_datadog_gets_a_json_array_with_the_api_key_header(cert):
    _, ids = _fill(4)
    rx = Receiver(tls=cert, behaviour=lambda n: 202)
    try:
        target = SiemTarget(
            name="dd",
            kind="datadog",
            url=f"https://127.0.0.1:{rx.port}",
            ca_file=str(cert[0]),
            credential_name="dd",
        )
        status, _ = _forward(target, _store(dd="0123456789abcdef0123456789abcdef"))
    finally:
        rx.stop()
    assert status.delivered == 4
    ((path, headers, body),) = rx.requests
    assert path == "/api/v2/logs" and headers["DD-API-KEY"] == "0123456789abcdef0123456789abcdef"
    logs = json.loads(body)
    assert [x["evt"]["id"] for x in logs] == ids
    assert all(x["ddsource"] == "presend" and x["service"] == "presend" for x in logs)
    assert "verdict:block" in logs[0]["ddtags"]


def test_webhook_gets_the_documented_schema_with_a_bearer_token(cert):
    _, ids = _fill(3)
    rx = Receiver(tls=cert)
    try:
        target = SiemTarget(
            name="hook",
            kind="webhook",
            url=f"https://127.0.0.1:{rx.port}/in",
            ca_file=str(cert[0]),
            credential_name="hook",
        )
        _forward(target, _store(hook="s3cr3t"))
    finally:
        rx.stop()
    ((path, headers, body),) = rx.requests
    assert path == "/in" and headers["Authorization"] == "Bearer s3cr3t"
    doc = json.loads(body)
    assert doc["schema"] == "presend.audit.v1" and [e["id"] for e in doc["events"]] == ids


def test_an_untrusted_certificate_is_refused_and_nothing_is_lost(cert, tmp_path):
    _, ids = _fill(2)
    rx = Receiver(tls=cert)
    try:
        target = SiemTarget(
            name="hook",
            kind="webhook",
            url=f"https://127.0.0.1:{rx.port}/",
            ca_file=str(make_cert(tmp_path / "other")[0]),
            timeout=2,
        )
        t = Time()
        fwd = Forwarder([target], app_paths().spool_dir, None, clock=t.clock, sleep=t.sleep)
        with fwd:
            status = fwd.drain(app_paths().audit_dir, timeout=5)["hook"]
    finally:
        rx.stop()
    assert status.delivered == 0 and status.pending == 2 and "SSL" in status.last_error


def test_receiver_down_then_up_then_slow_gets_every_event(cert):
    _, ids = _fill(20)
    port = free_port()
    target = SiemTarget(
        name="hook",
        kind="webhook",
        url=f"https://127.0.0.1:{port}/",
        ca_file=str(cert[0]),
        batch_size=5,
        timeout=0.3,
    )
    t = Time()
    fwd = Forwarder(
        [target], app_paths().spool_dir, None, clock=t.clock, sleep=t.sleep, fsync=False
    )
    rx = None
    try:
        with fwd:
            fwd.pump(app_paths().audit_dir)  # down: nobody listens
            assert fwd.status["hook"].delivered == 0 and fwd.status["hook"].pending == 20
            # up, answering 503 once, then slower than the client's timeout twice
            script = {0: 503, 2: ("slow", 0.6), 3: ("slow", 0.6)}
            rx = Receiver(port=port, tls=cert, behaviour=lambda n: script.get(n, 200))
            status = fwd.drain(app_paths().audit_dir, timeout=300)["hook"]
    finally:
        if rx:
            rx.stop()
    assert status.pending == 0
    received = []
    for _, _, body in rx.requests:
        received.extend(e["id"] for e in json.loads(body)["events"])  # every body parses
    assert set(received) == set(ids)  # at least once
    assert len(received) > len(ids)  # the slow answers were re-sent
    # down, 503: backoff doubles; a success resets it; the two slow answers double it again
    assert t.sleeps == [1.0, 2.0, 1.0, 2.0]


_FORWARDER = """
import sys
from app.paths import app_paths
from app.services.siem import Forwarder, SiemTarget
target = SiemTarget(name="hook", kind="webhook", url=sys.argv[1], batch_size=10, timeout=20)
with Forwarder([target], app_paths().spool_dir, None) as fwd:
    status = fwd.drain(app_paths().audit_dir, timeout=60)
print(status["hook"].describe(), flush=True)
"""


def test_forwarding_process_killed_mid_send_loses_nothing(tmp_path):
    _, ids = _fill(60)
    held = threading.Event()
    rx = Receiver(behaviour=lambda n: ("hold", held) if n == 2 else 200)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    url = f"http://127.0.0.1:{rx.port}/"
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _FORWARDER, url],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert rx.wait_for(3, timeout=30), "the forwarder never sent its third batch"
        finally:
            proc.send_signal(signal.SIGKILL)  # killed while waiting for the third answer
            proc.communicate()
        held.set()
        done = subprocess.run(
            [sys.executable, "-c", _FORWARDER, url],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            timeout=60,
        )
    finally:
        held.set()
        rx.stop()
    assert done.returncode == 0, done.stderr.decode()[-500:]
    assert b"0 waiting" in done.stdout
    received = []
    for _, _, body in rx.requests:
        received.extend(e["id"] for e in json.loads(body)["events"])
    assert set(received) == set(ids)
    # only the batch in flight at the kill may arrive twice
    assert len(received) - len(set(received)) <= 10


def test_https_target_through_a_connect_proxy_keeps_tls_end_to_end(cert):
    from tests.siem.helpers import ConnectProxy

    _, ids = _fill(4)
    rx = Receiver(tls=cert)
    proxy = ConnectProxy()
    try:
        target = SiemTarget(
            name="hook",
            kind="webhook",
            url=f"https://127.0.0.1:{rx.port}/in",
            ca_file=str(cert[0]),
            proxy=f"http://127.0.0.1:{proxy.port}",
        )
        status, _ = _forward(target)
    finally:
        proxy.stop()
        rx.stop()
    assert status.delivered == 4
    assert proxy.tunnels == [f"127.0.0.1:{rx.port}"]
    ((_, _, body),) = rx.requests
    assert [e["id"] for e in json.loads(body)["events"]] == ids
