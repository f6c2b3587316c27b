"""Work on the thread pool: classification never runs on the GUI thread.

A ``Job`` runs a callable on a worker and emits ``finished(ticket, result)`` or
``failed(ticket, message)``; connect these to bound ``@Slot`` methods of GUI-thread
objects so delivery is queued onto the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class JobSignals(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)


class Job(QRunnable):
    def __init__(self, ticket: int, work: Callable[[], Any],
                 on_exit: Callable[[Job], None] = lambda job: None) -> None:
        super().__init__()
        self.ticket = ticket
        self._work = work
        self._on_exit = on_exit
        self.signals = JobSignals()
        self.setAutoDelete(False)  # Python keeps the job (and its signals) alive until done

    def run(self) -> None:
        try:
            try:
                result = self._work()
            except Exception as exc:  # reported, never silently allowed
                self.signals.failed.emit(self.ticket, f"{type(exc).__name__}")
                return
            self.signals.finished.emit(self.ticket, result)
        finally:
            self._on_exit(self)


class Jobs:
    """Submits jobs to a pool (injected; the global pool by default)."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self.pool = pool or QThreadPool.globalInstance()
        self._active: set[Job] = set()
        self._lock = threading.Lock()

    def _forget(self, job: Job) -> None:
        with self._lock:
            self._active.discard(job)

    @property
    def active(self) -> int:
        with self._lock:
            return len(self._active)

    def submit(
        self,
        ticket: int,
        work: Callable[[], Any],
        on_finished: Callable[[int, object], None],
        on_failed: Callable[[int, str], None],
    ) -> Job:
        job = Job(ticket, work, self._forget)
        job.signals.finished.connect(on_finished)
        job.signals.failed.connect(on_failed)
        with self._lock:
            self._active.add(job)
        self.pool.start(job)
        return job
