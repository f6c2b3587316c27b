"""Forwarding to a real rsyslog (Debian's rsyslog + rsyslog-gnutls) on loopback: UDP, TCP, TLS.

The test writes an rsyslog config (imudp, imtcp, imtcp with the gtls driver and a
certificate made here), runs ``rsyslogd -n`` in the foreground and reads what its omfile
actions wrote. Skips with a reason when rsyslogd is not installed.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from app.paths import app_paths
from app.services.audit import AuditEvent, AuditLog, read_records
from app.services.secret_store import InMemorySecretStore
from app.services.siem import Forwarder, SiemTarget
from tests.siem.helpers import FakeClock, canary_token, finding_for, free_port, make_cert

RSYSLOGD = shutil.which("rsyslogd") or (
    "/usr/sbin/rsyslogd" if Path("/usr/sbin/rsyslogd").exists() else None
)
pytestmark = [
    pytest.mark.enable_socket,
    pytest.mark.skipif(
        RSYSLOGD is None, reason="rsyslogd not installed (apt-get install rsyslog rsyslog-gnutls)"
    ),
]
_LINE = re.compile(r"^(\S+) (\S+) (\[presend@32473 [^\n]*?\]) (\{.*\})$")


class Rsyslog:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cert, self.key = make_cert(folder / "tls")
        self.udp, self.tcp, self.tls = free_port(socket.SOCK_DGRAM), free_port(), free_port()
        self.proc: subprocess.Popen | None = None
        conf = f"""
global(workDirectory="{folder}"
       DefaultNetstreamDriverCAFile="{self.cert}"
       DefaultNetstreamDriverCertFile="{self.cert}"
       DefaultNetstreamDriverKeyFile="{self.key}")
module(load="imudp")
module(load="imtcp" maxSessions="20")
template(name="presend" type="string" string="%app-name% %msgid% %structured-data% %msg%\\n")
ruleset(name="udp") {{ action(type="omfile" file="{folder}/udp.log" template="presend") }}
ruleset(name="tcp") {{ action(type="omfile" file="{folder}/tcp.log" template="presend") }}
ruleset(name="tls") {{ action(type="omfile" file="{folder}/tls.log" template="presend") }}
input(type="imudp" address="127.0.0.1" port="{self.udp}" ruleset="udp")
input(type="imtcp" address="127.0.0.1" port="{self.tcp}" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="{self.tls}" ruleset="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
"""
        self.conf = folder / "rsyslog.conf"
        self.conf.write_text(conf)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [RSYSLOGD, "-n", "-f", str(self.conf), "-i", str(self.folder / "rsyslogd.pid")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        for port in (self.tcp, self.tls):
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if self.proc.poll() is not None or time.monotonic() > deadline:
                        err = self.proc.stderr.read().decode()[-400:] if self.proc.stderr else ""
                        pytest.fail(f"rsyslogd did not start: {err}")
                    threading.Event().wait(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # its output was read already; a graceful stop costs rsyslog about a second
            self.proc.kill()
            self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()

    def lines(self, name: str, n: int, timeout: float = 15) -> list[str]:
        path = self.folder / f"{name}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if path.exists():
                got = path.read_text().splitlines()
                if len(got) >= n:
                    return got
            threading.Event().wait(0.05)
        return path.read_text().splitlines() if path.exists() else []


@pytest.fixture()
def rsyslog(tmp_path):
    server = Rsyslog(tmp_path / "rsyslog")
    yield server
    server.stop()


def _fill(n: int) -> list[dict]:
    log = AuditLog.open(app_paths(), InMemorySecretStore(), FakeClock(), fsync=False)
    canary = canary_token()
    text = f"secret {canary} here"
    for i in range(n):
        if i % 2:
            log.append(
                AuditEvent.decision(
                    "folder",
                    f"/home/ann/in/r{i}.txt",
                    [finding_for(text, canary)],
                    "warn",
                    "notified",
                    True,
                    5,
                    "ef" * 32,
                    log.fingerprint_key,
                )
            )
        else:
            log.append(AuditEvent.admin("policy_accepted", {"serial": i}))
    return list(read_records(app_paths().audit_dir))


def _drain(target: SiemTarget) -> None:
    fwd = Forwarder(
        [target],
        app_paths().spool_dir,
        None,
        fsync=False,
        sleep=lambda s: threading.Event().wait(min(s, 0.2)),
    )
    with fwd:
        status = fwd.drain(app_paths().audit_dir, timeout=30)[target.name]
    assert status.pending == 0, status.describe()


def _check(lines: list[str], records: list[dict]) -> None:
    by_id = {r["id"]: r for r in records}
    seen = []
    for line in lines:
        m = _LINE.match(line)
        assert m, f"unparsable line from rsyslog: {line[:120]}"
        app, msgid, sd, msg = m.groups()
        body = json.loads(msg)  # not corrupted: the whole record arrives as JSON
        assert app == "presend" and msgid == body["event"]
        assert f'id="{body["id"]}"' in sd
        assert body == by_id[body["id"]]
        seen.append(body["id"])
    assert set(seen) == set(by_id)


@pytest.mark.parametrize("kind", ["syslog-tcp", "syslog-tls", "syslog-udp"])
def test_rsyslog_receives_every_record_intact(rsyslog, kind):
    records = _fill(25)
    rsyslog.start()
    port = {"syslog-tcp": rsyslog.tcp, "syslog-tls": rsyslog.tls, "syslog-udp": rsyslog.udp}[kind]
    _drain(
        SiemTarget(
            name="rs",
            kind=kind,
            host="127.0.0.1",
            port=port,
            ca_file=str(rsyslog.cert),
            batch_size=7,
            timeout=5,
        )
    )
    _check(rsyslog.lines(kind.split("-")[1], 25), records)


def test_records_wait_while_rsyslog_is_down_and_arrive_when_it_starts(rsyslog):
    records = _fill(10)
    target = SiemTarget(
        name="rs",
        kind="syslog-tls",
        host="127.0.0.1",
        port=rsyslog.tls,
        ca_file=str(rsyslog.cert),
        timeout=2,
    )
    fwd = Forwarder([target], app_paths().spool_dir, None, fsync=False, clock=lambda: 0.0)
    with fwd:
        fwd.pump(app_paths().audit_dir)
        assert fwd.status["rs"].pending == 10 and fwd.status["rs"].last_error
    rsyslog.start()
    _drain(target)
    _check(rsyslog.lines("tls", 10), records)


_FORWARDER = """
import sys
from app.paths import app_paths
from app.services.siem import Forwarder, SiemTarget
target = SiemTarget(name="rs", kind="syslog-tcp", host="127.0.0.1", port=int(sys.argv[1]),
                    batch_size=5)
with Forwarder([target], app_paths().spool_dir, None) as fwd:
    status = fwd.drain(app_paths().audit_dir, timeout=60)
print(status["rs"].describe(), flush=True)
"""


def test_forwarder_killed_mid_stream_to_rsyslog_loses_and_corrupts_nothing(rsyslog, tmp_path):
    import os
    import signal
    import sys

    records = _fill(600)
    rsyslog.start()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    argv = [sys.executable, "-c", _FORWARDER, str(rsyslog.tcp)]
    proc = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.PIPE)
    try:
        got = rsyslog.lines("tcp", 50, timeout=30)
        assert len(got) >= 50, "the forwarder never got going"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
    before = len(rsyslog.lines("tcp", 0))
    assert before < 600, "the forwarder finished before it could be killed"
    done = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0 and b"0 waiting" in done.stdout
    lines = rsyslog.lines("tcp", 600)
    _check(lines, records)  # every line intact, every record there
    assert len(lines) - 600 <= 5  # at most the batch in flight came twice


@pytest.mark.parametrize(
    "payload, prefix", [("cef", "CEF:0|presend|"), ("leef", "LEEF:2.0|presend|")]
)
def test_rsyslog_receives_cef_and_leef_payloads(rsyslog, payload, prefix):
    records = _fill(6)
    rsyslog.start()
    _drain(
        SiemTarget(
            name="rs", kind="syslog-tcp", host="127.0.0.1", port=rsyslog.tcp, payload=payload
        )
    )
    lines = rsyslog.lines("tcp", 6)
    assert len(lines) == 6
    for line, record in zip(lines, records, strict=True):
        app, msgid, rest = line.split(" ", 2)
        assert app == "presend" and msgid == record["event"]
        msg = rest.split("] ", 1)[1]
        assert msg.startswith(prefix) and record["id"] in msg
