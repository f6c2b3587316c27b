"""Engine: a text of several windows scanned in forked worker processes (the command
line's way on Linux) gives the same findings as one thread, loses no window when a worker
dies, and is never forked where that is unsafe (another thread running, Qt loaded)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import types
from pathlib import Path

import pytest

from classifiers.detectors.base import make_finding
from classifiers.detectors.pattern import PatternDetector
from classifiers.engine import Budget, Engine, can_fork_workers
from classifiers.model import Finding
from tests.classifiers.test_engine import PACK, TOKEN

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="worker processes are forked on Linux only")


def _run(script: str) -> dict:
    """``script`` in a fresh interpreter (the only thread there, as in the command line);
    it prints one JSON object."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


_SETUP = """
    import json, os
    from classifiers.detectors.base import make_finding
    from classifiers.detectors.pattern import PatternDetector
    from classifiers.engine import Budget, Engine
    from tests.classifiers.test_engine import PACK, TOKEN

    class Pids:
        name = "pids"
        def detect(self, text):
            return [make_finding("GENERIC_SECRET", text, 0, 1, 0.1, f"pid-{os.getpid()}")]

    text = ("plain words, a date 2024-01-02 and more\\n" * 120 + TOKEN + "\\n") * 40
    def key(result):
        return [(f.start, f.end, f.line, f.column, f.recognizer) for f in result.findings
                if f.entity_type == "GITHUB_TOKEN"]
"""


def test_windows_scanned_in_worker_processes_give_the_same_findings_as_one_thread() -> None:
    data = _run(_SETUP + """
    serial = Engine([PatternDetector([PACK])], budget=Budget(window=4096, overlap=64, threads=1))
    forked = Engine([PatternDetector([PACK]), Pids()],
                    budget=Budget(window=4096, overlap=64, processes=2))
    one, two = serial.scan(text), forked.scan(text)
    marks = [f for f in two.findings if f.recognizer.startswith("pid-")]
    print(json.dumps({"same": key(one) == key(two), "count": len(key(two)),
                      "complete": two.complete, "first": marks[0].recognizer,
                      "rest": sorted({f.recognizer for f in marks[1:]}),
                      "me": f"pid-{os.getpid()}"}))
    """)
    assert data["same"] and data["count"] == 40 and data["complete"]
    # the first window in the scanning process itself (the worker forked after it
    # inherits what it built), the rest shared between it and one forked worker
    assert data["first"] == data["me"]
    assert len(data["rest"]) == 2 and data["me"] in data["rest"]


def test_a_worker_that_dies_loses_no_window() -> None:
    data = _run(_SETUP + """
    parent = os.getpid()

    class DiesInAWorker:
        name = "dies"
        def detect(self, text):
            if os.getpid() != parent and "2024-01-02" in text:
                os._exit(1)  # as if killed: out of memory, a signal
            return []

    serial = Engine([PatternDetector([PACK])], budget=Budget(window=4096, overlap=64, threads=1))
    forked = Engine([PatternDetector([PACK]), DiesInAWorker()],
                    budget=Budget(window=4096, overlap=64, processes=2))
    one, two = serial.scan(text), forked.scan(text)
    print(json.dumps({"same": key(one) == key(two), "count": len(key(two)),
                      "complete": two.complete}))
    """)
    # every window the dead workers held was scanned again in the scanning process
    assert data["same"] and data["count"] == 40 and data["complete"]


class _Pids:
    name = "pids"

    def detect(self, text: str) -> list[Finding]:
        return [make_finding("GENERIC_SECRET", text, 0, 1, 0.1, f"pid-{os.getpid()}")]


def test_with_another_thread_running_the_windows_run_in_this_process() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not can_fork_workers()
        text = ("plain words\n" * 400 + TOKEN + "\n") * 10
        result = Engine([PatternDetector([PACK]), _Pids()],
                        budget=Budget(window=4096, overlap=64, processes=2)).scan(text)
    finally:
        stop.set()
        other.join()
    assert {f.recognizer for f in result.findings if f.recognizer.startswith("pid-")} == {
        f"pid-{os.getpid()}"
    }
    assert sum(f.entity_type == "GITHUB_TOKEN" for f in result.findings) == 10


def test_no_worker_is_forked_once_qt_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtCore", types.ModuleType("PySide6.QtCore"))
    assert not can_fork_workers()


def test_the_command_line_finds_every_window_of_a_large_file(tmp_path: Path) -> None:
    # eight windows with a token in each: the command line scans them in worker processes
    # and reports all of them, in order, with their lines
    lines = []
    for i in range(8):
        lines += [f"row {i}-{j} plain words and a date 2024-01-02" for j in range(6000)]
        lines.append(TOKEN[:-4] + f"{i:04d}")
    big = tmp_path / "big.txt"
    big.write_text("\n".join(lines) + "\n")
    out = subprocess.run([sys.executable, "-m", "app.cli", "scan", "--format", "json",
                          "--no-names", str(big)],
                         capture_output=True, cwd=ROOT, timeout=300)
    assert out.returncode == 1, out.stderr
    doc = json.loads(out.stdout)
    found = [f for r in doc["results"] for f in r["findings"] if f["entity_type"] == "GITHUB_TOKEN"]
    assert [f["line"] for f in found] == [6001 * (i + 1) for i in range(8)]


def test_workers_are_reaped_and_text_with_lone_surrogates_crosses_intact() -> None:
    data = _run(_SETUP + """
    bad = ("a line with a lone surrogate \\ud800 and words\\n" * 100 + TOKEN + "\\n") * 12
    serial = Engine([PatternDetector([PACK])], budget=Budget(window=4096, overlap=64, threads=1))
    forked = Engine([PatternDetector([PACK]), Pids()],
                    budget=Budget(window=4096, overlap=64, processes=3))
    one, two = serial.scan(bad), forked.scan(bad)
    try:
        os.waitpid(-1, os.WNOHANG)
        left = True
    except ChildProcessError:
        left = False
    marks = {f.recognizer for f in two.findings if f.recognizer.startswith("pid-")}
    print(json.dumps({"same": key(one) == key(two), "count": len(key(two)),
                      "processes": len(marks), "children_left": left}))
    """)
    assert data["same"] and data["count"] == 12
    assert data["processes"] == 3  # this one and two workers
    assert not data["children_left"]


def test_a_scan_stopped_by_its_time_budget_stops_its_workers() -> None:
    data = _run(_SETUP + """
    import time

    class Slow:
        name = "slow"
        def detect(self, text):
            time.sleep(0.05)
            return []

    engine = Engine([Slow(), PatternDetector([PACK])],
                    budget=Budget(window=4096, overlap=64, processes=2, max_seconds=0.3))
    result = engine.scan(text)
    try:
        os.waitpid(-1, os.WNOHANG)
        left = True
    except ChildProcessError:
        left = False
    print(json.dumps({"complete": result.complete, "notes": list(result.notes),
                      "children_left": left}))
    """)
    assert not data["complete"]
    assert any("time budget" in n for n in data["notes"])
    assert not data["children_left"]
