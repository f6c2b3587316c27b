"""Forked worker processes that scan windows of a large text beside the scanning process.

A window goes to a worker as its UTF-8 bytes in a slot of memory shared since the fork
and a 16-byte message on the worker's pipe; the worker sends its results back pickled on
the same pipe. The scanning process runs no thread for this: a process pool's feeder and
manager threads compete with the scan for the GIL, and a worker waiting for its next
window sat idle a quarter of the time.

Each worker holds three slots, so it always has its next window while the scanning process
scans one itself. A worker that dies (killed, out of memory) gives no result for its
windows: the caller scans them again, so no window is lost.
"""

from __future__ import annotations

import mmap
import os
import pickle
import signal
import struct
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from typing import Any

# a window's slot, its length in bytes, the scan's deadline
_HEADER = struct.Struct("<IId")
SLOTS_PER_WORKER = 3

Run = Callable[[str, float], Any]


@dataclass
class _Worker:
    pid: int
    conn: Connection
    free: list[int]
    waiting: deque[tuple[int, int]] = field(default_factory=deque)  # (ticket, slot), in order
    alive: bool = True


class ForkedWorkers:
    """``count`` worker processes forked now, each running ``run(text, deadline)`` on the
    windows sent to it. Use from the process that made them, with no other thread."""

    def __init__(self, run: Run, count: int, slot_bytes: int) -> None:
        self._slot_bytes = slot_bytes
        self._memory = mmap.mmap(-1, max(1, count * SLOTS_PER_WORKER * slot_bytes))
        self._results: dict[int, Any] = {}  # by ticket
        self._tickets = 0
        self._workers: list[_Worker] = []
        try:
            for k in range(count):
                ours, theirs = Pipe()
                pid = os.fork()
                if pid == 0:  # the worker: serve until the pipe closes, never return
                    status = 0
                    try:
                        ours.close()
                        for other in self._workers:  # else their pipes never see EOF
                            other.conn.close()
                        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops
                        _serve(run, theirs, self._memory, slot_bytes)
                    except BaseException:
                        status = 1
                    finally:
                        os._exit(status)
                theirs.close()
                slots = list(range(k * SLOTS_PER_WORKER, (k + 1) * SLOTS_PER_WORKER))
                self._workers.append(_Worker(pid, ours, slots))
        except BaseException:
            self.close()
            raise

    def submit(self, text: str, deadline: float) -> int | None:
        """Send ``text`` to a worker with a free slot: its ticket, or None (every worker
        busy or gone, or a text too long for a slot: scan it here)."""
        self.collect()
        data = text.encode("utf-8", "surrogatepass")
        if len(data) > self._slot_bytes:
            return None
        candidates = [w for w in self._workers if w.alive and w.free]
        if not candidates:
            return None
        worker = min(candidates, key=lambda w: len(w.waiting))
        slot = worker.free.pop()
        start = slot * self._slot_bytes
        self._memory[start : start + len(data)] = data
        try:
            worker.conn.send_bytes(_HEADER.pack(slot, len(data), deadline))
        except OSError:
            worker.free.append(slot)
            self._lost(worker)
            return None
        self._tickets += 1
        worker.waiting.append((self._tickets, slot))
        return self._tickets

    def ready(self, ticket: int) -> bool:
        self.collect()
        return ticket in self._results

    def take(self, ticket: int) -> Any:
        """The result for ``ticket``, waiting for it; None if its worker died."""
        while ticket not in self._results:
            worker = next((w for w in self._workers
                           if any(t == ticket for t, _s in w.waiting)), None)
            if worker is None:  # cannot happen: every ticket is waited for or answered
                return None
            self._receive(worker)
        return self._results.pop(ticket)

    def collect(self) -> None:
        """Take every result that has arrived, without waiting."""
        for worker in self._workers:
            while worker.alive and worker.waiting and _poll(worker.conn):
                self._receive(worker)

    def close(self) -> None:
        """Stop the workers (a window in progress is abandoned) and reap them."""
        for worker in self._workers:
            try:
                worker.conn.close()
            except OSError:
                pass
            if worker.alive:
                try:
                    os.kill(worker.pid, signal.SIGTERM)
                except OSError:
                    pass
            try:
                os.waitpid(worker.pid, 0)
            except OSError:
                pass
            worker.alive = False
        self._workers = []
        self._memory.close()

    def _receive(self, worker: _Worker) -> None:
        try:
            slot, result = pickle.loads(worker.conn.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            self._lost(worker)
            return
        if not worker.waiting or worker.waiting[0][1] != slot:
            self._lost(worker)  # out of order: cannot happen (a worker answers in turn)
            return
        ticket, _slot = worker.waiting.popleft()
        worker.free.append(slot)  # the worker read the slot before it began
        self._results[ticket] = result

    def _lost(self, worker: _Worker) -> None:
        """A dead worker: its windows get no result (the caller scans them again)."""
        worker.alive = False
        while worker.waiting:
            self._results[worker.waiting.popleft()[0]] = None


def _poll(conn: Connection) -> bool:
    try:
        return conn.poll(0)
    except OSError:
        return True  # the next receive reports it


def _serve(run: Run, conn: Connection, memory: mmap.mmap, slot_bytes: int) -> None:
    while True:
        try:
            message = conn.recv_bytes()
        except (EOFError, OSError):
            return
        slot, length, deadline = _HEADER.unpack(message)
        start = slot * slot_bytes
        text = memory[start : start + length].decode("utf-8", "surrogatepass")
        result = run(text, deadline)
        conn.send_bytes(pickle.dumps((slot, result), pickle.HIGHEST_PROTOCOL))
