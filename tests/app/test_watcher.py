"""The folder watcher against real files and real inotify events (watchdog)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from app.services.watcher import FolderWatcher, is_partial


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _poll_until(w: FolderWatcher, got: list[Path], n: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while len(got) < n and time.monotonic() < deadline:
        w.poll()
        time.sleep(0.02)


@pytest.fixture
def watched(tmp_path: Path):
    got: list[Path] = []
    clock = FakeClock()
    w = FolderWatcher([tmp_path], got.append, clock=clock, quiet_period=2.0)
    w.start()
    yield tmp_path, w, got, clock
    w.stop()


@pytest.mark.parametrize(
    "name", ["report.pdf.part", "x.crdownload", "~$budget.docx", ".~lock.a.odt#", "draft.txt~", "a.tmp"]
)
def test_partial_and_temporary_files_are_recognised(name: str) -> None:
    assert is_partial(Path(name))


@pytest.mark.parametrize("name", ["report.pdf", "notes.txt", "partial-results.csv", "tmp.py"])
def test_ordinary_files_are_not_partial(name: str) -> None:
    assert not is_partial(Path(name))


def test_closed_file_is_ready_once(watched) -> None:
    folder, w, got, _ = watched
    (folder / "a.txt").write_text("hello")
    _poll_until(w, got, 1)
    assert got == [folder / "a.txt"]
    for _ in range(5):
        w.poll()
    assert got == [folder / "a.txt"], "an unchanged file was reported twice"


def test_rewrite_with_same_content_is_not_reported_again(watched) -> None:
    folder, w, got, _ = watched
    f = folder / "same.txt"
    f.write_text("one")
    _poll_until(w, got, 1)
    f.write_text("one")  # touched, content identical
    _poll_until(w, got, 2, timeout=1.0)
    assert got == [f]
    f.write_text("two")
    _poll_until(w, got, 2)
    assert got == [f, f]


def test_partial_download_is_ignored_until_renamed(watched) -> None:
    folder, w, got, _ = watched
    part = folder / "contract.pdf.crdownload"
    part.write_bytes(b"%PDF-1.4 partial")
    _poll_until(w, got, 1, timeout=1.0)
    assert got == []
    final = folder / "contract.pdf"
    part.rename(final)
    _poll_until(w, got, 1)
    assert got == [final]


def test_files_present_at_start_are_reconciled(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("was here before the watcher")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "deep.txt").write_text("nested")
    got: list[Path] = []
    w = FolderWatcher([tmp_path], got.append, clock=FakeClock())
    w.start()
    try:
        _poll_until(w, got, 2)
    finally:
        w.stop()
    assert sorted(got) == sorted([tmp_path / "old.txt", sub / "deep.txt"])


def test_quiet_period_without_close_events(tmp_path: Path) -> None:
    """Elsewhere than Linux there are no closed events: quiet period + stable size decide."""
    got: list[Path] = []
    clock = FakeClock()
    w = FolderWatcher([tmp_path], got.append, clock=clock, quiet_period=2.0)
    f = tmp_path / "slow.bin"
    f.write_bytes(b"x" * 10)
    w._reconcile_requested = False  # start state already reconciled
    w.touched(f)  # a plain 'modified' event, no close
    w.poll()
    assert got == []  # first look records size/mtime
    clock.now += 1.0
    w.poll()
    assert got == []  # still inside the quiet period
    clock.now += 2.0
    w.poll()
    assert got == [f]


def test_writer_that_pauses_is_not_reported_early(tmp_path: Path) -> None:
    got: list[Path] = []
    clock = FakeClock()
    w = FolderWatcher([tmp_path], got.append, clock=clock, quiet_period=2.0)
    w._reconcile_requested = False
    f = tmp_path / "growing.log"
    f.write_bytes(b"a" * 100)
    w.touched(f)
    w.poll()
    clock.now += 3.0
    with f.open("ab") as fh:
        fh.write(b"b" * 100)
    os.utime(f, ns=(time.time_ns(), time.time_ns()))
    w.poll()  # size changed since last look: not stable yet
    assert got == []
    clock.now += 3.0
    w.poll()
    assert got == [f]


def test_overflow_log_line_triggers_a_rescan(watched) -> None:
    import logging

    folder, w, got, _ = watched
    _poll_until(w, got, 0)
    # files that arrived while events were lost (simulated by writing them while no
    # events are delivered, then emitting the watchdog overflow warning)
    w.stop()
    (folder / "lost1.txt").write_text("1")
    (folder / "lost2.txt").write_text("2")
    w.start()
    logging.getLogger("watchdog.observers.inotify_c").warning(
        "Inotify queue overflowed; filesystem events were lost"
    )
    _poll_until(w, got, 2)
    assert sorted(p.name for p in got) == ["lost1.txt", "lost2.txt"]


def test_burst_of_5000_files_is_all_reported_once(watched) -> None:
    folder, w, got, _ = watched
    for i in range(5000):
        (folder / f"f{i:05}.txt").write_text(f"file {i}")
    _poll_until(w, got, 5000, timeout=60)
    assert len(got) == 5000
    assert len(set(got)) == 5000
