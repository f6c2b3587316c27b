"""Engine: runs detectors over a text, merges overlaps, enforces budgets.

Large texts are scanned in overlapping windows so that memory per detector stays bounded
and a secret that straddles a window boundary is still found once. A scan that runs out
of its time or size budget returns ``complete=False`` with a note; it never raises.
"""

from __future__ import annotations

import bisect
import itertools
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from classifiers.detectors.base import Detector
from classifiers.model import Category, Finding, ScanResult
from classifiers.scan_workers import SLOTS_PER_WORKER, ForkedWorkers


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits of one scan. ``window`` and ``overlap`` are in characters."""

    max_chars: int = 200_000_000
    max_seconds: float = 60.0
    window: int = 262_144
    overlap: int = 16_384
    threads: int = 2  # windows scanned at once when a text has more than one
    # worker processes for a text of more than one window (0: threads only). Used only
    # where a process can be forked safely (``can_fork_workers``): on Linux, from a
    # process running no other thread and no Qt — the command line, not the tray.
    processes: int = 0


def _priority(f: Finding) -> tuple[int, float, int]:
    return (f.severity.rank, f.score, f.length)


def layer_of(f: Finding) -> int:
    """Prompt-injection findings are a layer of their own: an instruction span can hold a
    secret or an address that must still be reported, and a secret inside an instruction
    must not hide the instruction. Within a layer, one value is reported once."""
    return 1 if f.category is Category.INJECTION else 0


def merge_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per value: overlapping spans keep the most severe, surest, longest.

    The result is sorted by start; spans are disjoint within each layer (``layer_of``).
    """
    layers: dict[int, list[Finding]] = {}
    for f in findings:
        layers.setdefault(layer_of(f), []).append(f)
    if len(layers) <= 1:
        return _merge_layer(next(iter(layers.values()), []))
    merged = [f for group in layers.values() for f in _merge_layer(group)]
    merged.sort(key=lambda f: (f.start, f.end))
    return merged


def _merge_layer(findings: Iterable[Finding]) -> list[Finding]:
    chosen: list[Finding] = []
    starts: list[int] = []
    for f in sorted(findings, key=_priority, reverse=True):
        if f.start == f.end:
            continue
        i = bisect.bisect_right(starts, f.start)
        if i > 0 and chosen[i - 1].end > f.start:
            continue
        if i < len(chosen) and chosen[i].start < f.end:
            continue
        chosen.insert(i, f)
        starts.insert(i, f.start)
    return chosen


class _LineIndex:
    """Maps offsets of a text to 1-based line and column numbers.

    Lines are counted on demand with ``str.count`` from the previous lookup, so a window
    with many lines and few findings costs no Python loop per line; lookups at increasing
    offsets (findings come sorted) are linear overall.
    """

    def __init__(
        self, text: str, base_line: int = 1, base_offset: int = 0, line_start: int | None = None
    ) -> None:
        self._text = text
        self._base_offset = base_offset
        # where the line holding text[0] starts (in an earlier window when text[0] is not
        # at the start of a line)
        self._first_line_start = base_offset if line_start is None else line_start
        self._base_line = base_line
        self._pos = 0  # local offset of the last lookup
        self._line = base_line  # line number at self._pos

    def locate(self, offset: int) -> tuple[int, int]:
        local = offset - self._base_offset
        if local < self._pos:
            self._pos, self._line = 0, self._base_line
        self._line += self._text.count("\n", self._pos, local)
        self._pos = local
        nl = self._text.rfind("\n", 0, local)
        line_start = self._base_offset + nl + 1 if nl != -1 else self._first_line_start
        return self._line, offset - line_start + 1


class Engine:
    """Runs a fixed set of detectors. Thread-safe: detectors hold no per-scan state."""

    def __init__(
        self,
        detectors: Sequence[Detector],
        *,
        budget: Budget | None = None,
        clock: Callable[[], float] = time.monotonic,
        notices: Sequence[str] = (),
    ) -> None:
        self.detectors = tuple(detectors)
        self.budget = budget or Budget()
        self._clock = clock
        self.notices = tuple(notices)

    def scan(self, text: str, source: str = "-") -> ScanResult:
        """Classify one text held in memory."""
        return self.scan_stream(_slices(text, self.budget.window), source=source)

    def scan_stream(self, pieces: Iterable[str], source: str = "-") -> ScanResult:
        """Classify a text given as consecutive pieces (e.g. decoded file chunks).

        Each window of ``budget.window`` characters is scanned together with the next
        ``budget.overlap`` characters; findings that start in the overlap belong to the
        next window, and a finding that overlaps one already kept is dropped. A text of
        more than one window is scanned ``budget.threads`` windows at a time (RE2 and
        spaCy release the GIL while they run); results are still taken in order.
        """
        budget = self.budget
        deadline = self._clock() + budget.max_seconds
        reader = _WindowReader(pieces, budget)
        notes: list[str] = list(self.notices)
        complete = True
        kept: list[Finding] = []
        last_end: dict[int, int] = {}  # per layer: end of the last finding kept
        results = self._detect_windows(reader, deadline)
        for window, (found, ok, run_notes) in results:
            notes.extend(run_notes)
            if not ok:
                complete = False
            lines = _LineIndex(window.chunk, window.line_base, window.offset, window.line_start)
            for f in merge_overlaps(found):
                if f.start >= window.end:
                    continue
                start, end = f.start + window.offset, f.end + window.offset
                layer = layer_of(f)
                if last_end.get(layer, 0) > start:
                    continue
                last_end[layer] = end
                line, col = lines.locate(start)
                kept.append(f.placed(start, end, line, col, f.location or f"line {line}"))
            if not window.last and self._clock() > deadline:
                complete = False
                notes.append(
                    f"time budget: stopped after {window.offset + window.end:,} characters "
                    f"({budget.max_seconds:g} s limit)"
                )
                break
        results.close()  # cancel windows still queued
        if reader.truncated:
            complete = False
            notes.append(
                f"size budget: only the first {budget.max_chars:,} characters were scanned"
            )
        return ScanResult(
            source=source,
            findings=tuple(kept),
            complete=complete,
            notes=tuple(dict.fromkeys(notes)),
            text_length=reader.total,
        )

    def _detect_windows(
        self, reader: _WindowReader, deadline: float
    ) -> Iterator[tuple[_Window, tuple[list[Finding], bool, list[str]]]]:
        """Each window with its detectors' results, in order. A text of one window runs
        in the calling thread; of a longer one, the first runs here and the rest in
        ``budget.processes`` processes (this one and forked workers) where forking is safe
        (``can_fork_workers``), else ``budget.threads`` at once in threads."""
        windows = iter(reader)
        first = next(windows, None)
        if first is None:
            return
        budget = self.budget
        if first.last or (budget.threads <= 1 and budget.processes <= 1):
            yield first, self._run_detectors(first.chunk, deadline)
            for window in windows:
                yield window, self._run_detectors(window.chunk, deadline)
            return
        rest: Iterator[_Window] = itertools.chain((first,), windows)
        if budget.processes > 1 and can_fork_workers():
            # The first window here: the workers forked after it inherit the automata
            # states it built, which the rest of the same text mostly needs again (each
            # worker would otherwise build them anew).
            yield first, self._run_detectors(first.chunk, deadline)
            rest = windows
            workers = self._fork_workers(budget.processes - 1)
            if workers is not None:
                yield from self._detect_beside_workers(rest, deadline, workers)
                return
        pool = ThreadPoolExecutor(budget.threads, thread_name_prefix="presend-scan")
        pending: deque[tuple[_Window, Future[tuple[list[Finding], bool, list[str]]]]] = deque()
        try:
            for window in rest:
                pending.append((window, pool.submit(self._run_detectors, window.chunk, deadline)))
                if len(pending) > budget.threads:
                    done, future = pending.popleft()
                    yield done, future.result()
            while pending:
                done, future = pending.popleft()
                yield done, future.result()
        finally:
            for _, future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def _detect_beside_workers(
        self, windows: Iterator[_Window], deadline: float, workers: ForkedWorkers
    ) -> Iterator[tuple[_Window, tuple[list[Finding], bool, list[str]]]]:
        """Windows scanned by forked ``workers`` and by this process alike: a window goes
        to a worker that has a free slot (three each), else it is scanned here. Results are
        given in order; a window whose worker died is scanned again here."""
        Result = tuple[list[Finding], bool, list[str]]
        pending: deque[tuple[_Window, int | None, Result | None]] = deque()

        def first_ready(wait: bool) -> bool:
            ticket = pending[0][1]
            return ticket is None or wait or workers.ready(ticket)

        def pop() -> tuple[_Window, Result]:
            window, ticket, result = pending.popleft()
            if ticket is not None:
                result = workers.take(ticket)
                if result is None:  # its worker died: no window is lost
                    result = self._run_detectors(window.chunk, deadline)
            assert result is not None
            return window, result

        try:
            for window in windows:
                ticket = workers.submit(window.chunk, deadline)
                local = self._run_detectors(window.chunk, deadline) if ticket is None else None
                pending.append((window, ticket, local))
                # what is ready, in order; and never more than a few windows held
                while pending and first_ready(len(pending) > 4 * SLOTS_PER_WORKER):
                    yield pop()
            while pending:
                yield pop()
        finally:
            workers.close()

    def _fork_workers(self, count: int) -> ForkedWorkers | None:
        """``count`` workers forked now, each holding this engine as it is (its rules
        compiled, its automata warm); None if they cannot be started."""
        slot = (self.budget.window + self.budget.overlap) * 4  # UTF-8: 4 bytes at most
        try:
            return ForkedWorkers(self._run_detectors, count, slot)
        except (OSError, ValueError):
            return None

    def _run_detectors(
        self, chunk: str, deadline: float
    ) -> tuple[list[Finding], bool, list[str]]:
        found: list[Finding] = []
        notes: list[str] = []
        ok = True
        for detector in self.detectors:
            if self._clock() > deadline:
                notes.append(f"time budget: detector {detector.name} skipped")
                ok = False
                continue
            try:
                for f in detector.detect(chunk):
                    if 0 <= f.start < f.end <= len(chunk):
                        found.append(f)
            except Exception as exc:  # a detector bug must not silently allow the text
                notes.append(f"detector {detector.name} failed ({type(exc).__name__})")
                ok = False
        return found, ok, notes


def usable_cores(limit: int = 4) -> int:
    """Cores this process may run on (its CPU affinity where the OS has one), at most
    ``limit``: more worker processes than that mostly add memory."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        count = os.cpu_count() or 1
    return max(1, min(count, limit))


def can_fork_workers() -> bool:
    """Whether worker processes can be forked from this process safely: on Linux (fork is
    unavailable on Windows and unsafe with macOS's frameworks), with no other thread
    running (a lock another thread holds at the fork would stay held in the child) and
    without Qt loaded (the tray scans in threads)."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and "PySide6.QtCore" not in sys.modules
    )


@dataclass(frozen=True, slots=True)
class _Window:
    """One window to scan: ``chunk`` is the window plus its overlap; findings that start
    at or after ``end`` belong to the next window."""

    chunk: str
    offset: int  # of chunk[0] in the whole text
    end: int
    last: bool
    line_base: int  # line number of chunk[0]
    line_start: int  # offset of the start of the line holding chunk[0]


class _WindowReader:
    """Cuts consecutive pieces of a text into overlapping windows, holding at most one
    window plus its overlap (and the current piece) in memory."""

    def __init__(self, pieces: Iterable[str], budget: Budget) -> None:
        self._pieces = iter(pieces)
        self._budget = budget
        self.total = 0
        self.truncated = False

    def __iter__(self) -> Iterator[_Window]:
        budget = self._budget
        buf = ""  # text read but not yet scanned past: buf[cur:]
        cur = 0
        offset = 0  # offset of buf[cur] in the whole text
        line_base = 1
        line_start = 0
        exhausted = False
        span = budget.window + budget.overlap
        while True:
            while not exhausted and len(buf) - cur < span:
                piece = next(self._pieces, None)
                if piece is None:
                    exhausted = True
                    break
                if self.total + len(piece) > budget.max_chars:
                    piece = piece[: max(0, budget.max_chars - self.total)]
                    self.truncated = True
                    exhausted = True
                self.total += len(piece)
                # drop what was scanned before appending; one huge piece is never copied
                # again, only sliced a window at a time
                if cur:
                    buf = buf[cur:]
                    cur = 0
                buf += piece
            avail = len(buf) - cur
            if avail <= 0:
                return
            last = exhausted and avail <= span
            window_end = avail if last else budget.window
            chunk = buf[cur:] if last else buf[cur : cur + span]
            yield _Window(chunk, offset, window_end, last, line_base, line_start)
            if last:
                return
            line_base += buf.count("\n", cur, cur + window_end)
            last_newline = buf.rfind("\n", cur, cur + window_end)
            if last_newline != -1:
                line_start = offset + (last_newline - cur) + 1
            cur += window_end
            offset += window_end


def _slices(text: str, size: int) -> Iterator[str]:
    for i in range(0, len(text), size):
        yield text[i : i + size]
