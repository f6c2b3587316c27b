"""The forwarder: delivery order, backoff on an injected clock, full spool, restart, canary."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from app.paths import app_paths
from app.services import siem_formats as fmt
from app.services.audit import AuditEvent, AuditLog, log_files
from app.services.audit_export import export_csv, export_json
from app.services.secret_store import InMemorySecretStore
from app.services.siem import (
    DeliveryError,
    Forwarder,
    HttpTransport,
    SiemConfigError,
    SiemTarget,
    target_from_mapping,
    targets_for_policy,
)
from tests.siem.helpers import FakeClock, canary_token, finding_for


class FakeTransport:
    """Records what it was sent; fails as scripted ("retry", "reject" or None per call)."""

    def __init__(self, script=()):
        self.script = list(script)
        self.received: list[dict] = []
        self.calls = 0

    def send(self, records):
        self.calls += 1
        step = self.script.pop(0) if self.script else None
        if step == "retry":
            raise DeliveryError("fake: connection refused")
        if step == "reject":
            raise DeliveryError("fake: HTTP 400", retryable=False)
        self.received.extend(records)

    def close(self):
        pass


class Time:
    def __init__(self):
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def _log(n=0):
    paths = app_paths()
    log = AuditLog.open(paths, InMemorySecretStore(), FakeClock(), fsync=False)
    for i in range(n):
        log.append(AuditEvent.admin("guard_paused", {"n": i}))
    return log, paths


def _forwarder(paths, transport, t=None, target=None, **kw):
    t = t or Time()
    target = target or SiemTarget(
        name="hook", kind="webhook", url="https://127.0.0.1:9/x", batch_size=10
    )
    return Forwarder(
        [target],
        paths.spool_dir,
        InMemorySecretStore(),
        clock=t.clock,
        sleep=t.sleep,
        transport_factory=lambda _t: transport,
        fsync=False,
        **kw,
    ), t


def test_records_are_delivered_in_order_and_leave_the_spool():
    _, paths = _log(25)
    transport = FakeTransport()
    fwd, _ = _forwarder(paths, transport)
    with fwd:
        status = fwd.drain(paths.audit_dir)["hook"]
    assert [r["seq"] for r in transport.received] == list(range(1, 26))
    assert status.delivered == 25 and status.pending == 0


def test_backoff_doubles_on_the_injected_clock_and_never_really_sleeps():
    _, paths = _log(3)
    transport = FakeTransport(["retry", "retry", "retry"])
    fwd, t = _forwarder(paths, transport)
    with fwd:
        status = fwd.drain(paths.audit_dir, timeout=60)["hook"]
    assert t.sleeps == [1.0, 2.0, 4.0]
    assert status.delivered == 3 and status.pending == 0


def test_drain_gives_up_at_the_timeout_and_keeps_the_records():
    _, paths = _log(3)
    transport = FakeTransport(["retry"] * 50)
    fwd, t = _forwarder(paths, transport)
    with fwd:
        status = fwd.drain(paths.audit_dir, timeout=20)["hook"]
    assert status.pending == 3 and status.delivered == 0 and "refused" in status.last_error
    assert sum(t.sleeps) <= 20


def test_a_refused_batch_is_alerted_and_does_not_block_the_queue():
    _, paths = _log(15)
    alerts = []
    transport = FakeTransport(["reject"])
    fwd, _ = _forwarder(paths, transport, on_alert=lambda name, msg: alerts.append((name, msg)))
    with fwd:
        status = fwd.drain(paths.audit_dir)["hook"]
    assert status.rejected == 10 and status.delivered == 5
    assert alerts and alerts[0][0] == "hook" and "refused 10 records" in alerts[0][1]


def test_full_spool_alerts_once_and_loses_nothing_once_the_target_is_back():
    log, paths = _log(30)
    alerts = []
    transport = FakeTransport(["retry"] * 3)
    fwd, t = _forwarder(
        paths,
        transport,
        spool_max_items=8,
        audit=log,
        on_alert=lambda name, msg: alerts.append(msg),
    )
    with fwd:
        fwd.pump(paths.audit_dir)  # fills the spool, first send fails
        fwd.pump(paths.audit_dir)
        assert fwd.status["hook"].waiting_in_log
        assert len(alerts) == 1 and "full" in alerts[0] and "audit log" in alerts[0]
        fwd.drain(paths.audit_dir, timeout=60)
    # the alert is in the audit log too, and was itself forwarded
    full = [r for r in log.records() if r["event"] == "spool_full"]
    assert len(full) == 1 and full[0]["details"]["target"] == "hook"
    assert sorted({r["seq"] for r in transport.received}) == list(range(1, 32))


def test_a_restarted_forwarder_resumes_where_the_last_one_stopped():
    log, paths = _log(12)
    first = FakeTransport([None, "retry"])
    fwd, t = _forwarder(paths, first)
    with fwd:
        fwd.pump(paths.audit_dir)  # one batch of 10 delivered, then failure
    for i in range(5):
        log.append(AuditEvent.admin("guard_resumed", {"n": i}))
    second = FakeTransport()
    fwd2, _ = _forwarder(paths, second)
    with fwd2:
        fwd2.drain(paths.audit_dir)
    seen = [r["seq"] for r in first.received + second.received]
    assert sorted(set(seen)) == list(range(1, 18))
    assert [r["seq"] for r in second.received] == list(range(11, 18))


def test_min_verdict_filters_decisions_but_never_admin_events():
    log, paths = _log(0)
    text = "x " + canary_token()
    value = text[2:]
    for verdict in ("allow", "warn", "block"):
        log.append(
            AuditEvent.decision(
                "cli",
                "-",
                [finding_for(text, value)],
                verdict,
                verdict,
                True,
                None,
                None,
                log.fingerprint_key,
            )
        )
    log.append(AuditEvent.admin("policy_accepted", {"serial": 3}))
    transport = FakeTransport()
    target = SiemTarget(name="hook", kind="webhook", url="https://127.0.0.1:9/", min_verdict="warn")
    fwd, _ = _forwarder(paths, transport, target=target)
    with fwd:
        fwd.drain(paths.audit_dir)
    assert [(r["event"], r.get("verdict")) for r in transport.received] == [
        ("decision", "warn"),
        ("decision", "block"),
        ("policy_accepted", None),
    ]


def test_canary_secret_never_appears_in_log_export_or_any_siem_payload():
    import io

    log, paths = _log(0)
    canary = canary_token()
    text = f"AWS deploy: token={canary} end"
    log.append(
        AuditEvent.decision(
            "clipboard",
            "org.example.Chat",
            [finding_for(text, canary)],
            "block",
            "cleared clipboard",
            True,
            4,
            "ab" * 32,
            log.fingerprint_key,
            override_reason="approved by lead",
        )
    )
    records = list(log.records())
    store = InMemorySecretStore()
    store.set("tok", "test-token-value")
    payloads = [b"".join(p.read_bytes() for p in log_files(paths.audit_dir))]
    for kind in ("splunk-hec", "elastic", "datadog", "webhook"):
        target = SiemTarget(
            name=kind, kind=kind, url="https://127.0.0.1:9", credential_name="tok", index="presend"
        )
        payloads.append(HttpTransport(target, store).request_for(records)[2])
    payloads += [fmt.syslog_message(r) for r in records]
    for export in (export_csv, export_json):
        out = io.StringIO()
        export(records, out)
        payloads.append(out.getvalue().encode())
    for payload in payloads:
        assert canary.encode() not in payload
        assert canary[4:].encode() not in payload


def test_targets_come_from_the_policy_document_with_credentials_by_name():
    policy = SimpleNamespace(
        document={
            "audit": {
                "siem": [
                    {
                        "name": "splunk",
                        "kind": "splunk-hec",
                        "url": "https://hec.example:8088",
                        "credential": "splunk-hec-token",
                        "index": "sec",
                    },
                    {"format": "syslog", "target": "tls://logs.example:6514"},
                ]
            }
        }
    )
    splunk, syslog = targets_for_policy(policy)
    assert splunk.credential_name == "splunk-hec-token" and splunk.index == "sec"
    assert (syslog.kind, syslog.host, syslog.port) == ("syslog-tls", "logs.example", 6514)


@pytest.mark.parametrize(
    "entry, fragment",
    [
        ({"kind": "webhook", "url": "http://siem.example/x"}, "https://"),
        ({"kind": "datadog", "url": "https://http-intake.logs.datadoghq.eu"}, "credential"),
        ({"kind": "elastic", "url": "https://es.example", "credential": "k"}, "index"),
        ({"kind": "syslog-tcp", "host": "logs.example"}, "port"),
        ({"kind": "carrier-pigeon"}, "unknown kind"),
        (
            {"name": "../../etc", "format": "syslog", "target": "udp://siem.example:514"},
            "target name",
        ),
        ({"format": "cef", "target": "https://siem.example/in"}, "over syslog or to a file"),
        ({"format": "xml", "target": "udp://siem.example:514"}, "unknown"),
    ],
)
def test_unusable_targets_are_refused_with_a_fix(entry, fragment):
    with pytest.raises(SiemConfigError, match=fragment):
        target_from_mapping(entry)


def test_records_in_the_spool_are_the_exact_audit_records():
    log, paths = _log(2)
    transport = FakeTransport()
    fwd, _ = _forwarder(paths, transport)
    with fwd:
        fwd.drain(paths.audit_dir)
    on_disk = [json.loads(line) for line in log_files(paths.audit_dir)[0].read_text().splitlines()]
    assert transport.received == on_disk


def test_run_forwards_until_stopped_and_reports_unexpected_errors_by_type():
    import threading

    _, paths = _log(4)
    stop = threading.Event()
    alerts = []

    class Crashing(FakeTransport):
        def send(self, records):
            super().send(records)
            if self.calls == 1:
                raise KeyError("boom")  # not a DeliveryError: a bug, reported, loop goes on
            stop.set()

    transport = Crashing()
    fwd, _ = _forwarder(paths, transport, on_alert=lambda n, m: alerts.append(m))
    with fwd:
        thread = threading.Thread(target=fwd.run, args=(paths.audit_dir, stop, 0.01))
        thread.start()
        thread.join(10)
    assert not thread.is_alive()
    assert alerts == ["forwarding to hook failed (KeyError)"]
    assert {r["seq"] for r in transport.received} == {1, 2, 3, 4}


@pytest.mark.parametrize("format_name", ["json", "cef"])
def test_file_target_appends_one_line_per_record_for_a_log_shipper(tmp_path, format_name):
    log, paths = _log(3)
    out = tmp_path / "ship" / "presend.log"
    (target,) = targets_for_policy(
        SimpleNamespace(
            document={"audit": {"siem": [{"format": format_name, "target": out.as_uri()}]}}
        )
    )
    assert target.kind == "file" and target.url == str(out)
    t = Time()
    with Forwarder([target], paths.spool_dir, None, clock=t.clock, sleep=t.sleep) as fwd:
        assert fwd.drain(paths.audit_dir)[target.name].delivered == 3
    lines = out.read_text().splitlines()
    ids = [r["id"] for r in log.records()]
    if format_name == "json":
        assert [json.loads(x)["id"] for x in lines] == ids
    else:
        assert all(x.startswith("CEF:0|presend|") for x in lines)
        assert all(i in x for i, x in zip(ids, lines, strict=True))


def test_allow_decisions_are_not_forwarded_by_default():
    log, paths = _log(0)
    log.append(
        AuditEvent.decision(
            "clipboard",
            "org.example.Editor",
            [],
            "allow",
            "allow",
            True,
            None,
            None,
            log.fingerprint_key,
        )
    )
    log.append(
        AuditEvent.decision(
            "clipboard",
            "org.example.Editor",
            [],
            "log",
            "log",
            True,
            None,
            None,
            log.fingerprint_key,
        )
    )
    transport = FakeTransport()
    fwd, _ = _forwarder(paths, transport)
    with fwd:
        fwd.drain(paths.audit_dir)
    assert [r["verdict"] for r in transport.received] == ["log"]


def test_a_missing_credential_stops_drain_at_once_with_the_command_to_fix_it():
    _, paths = _log(3)
    target = SiemTarget(
        name="dd", kind="datadog", url="https://127.0.0.1:9", credential_name="dd-key"
    )
    t = Time()
    fwd = Forwarder(
        [target], paths.spool_dir, InMemorySecretStore(), clock=t.clock, sleep=t.sleep, fsync=False
    )
    with fwd:
        status = fwd.drain(paths.audit_dir, timeout=600)["dd"]
    assert t.sleeps == [] and status.pending == 3
    assert "presend log set-credential dd-key" in status.last_error
