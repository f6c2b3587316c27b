"""Folder watching: notice files that land in watched folders, once each, when complete.

watchdog's threads only record "path touched" (O(1)); ``FolderWatcher.poll()`` — called
from one place (the tray's timer or a test) with the injected clock — decides when a file
is complete and hands it to ``on_ready`` exactly once per content:

- Linux reports ``closed`` (IN_CLOSE_WRITE) after a write: the file is ready at once.
- Elsewhere (and as a fallback) a file is ready after a quiet period with its size and
  mtime unchanged between two polls.
- Temporary and partial-download files (``.part``, ``.crdownload``, ``~$x.docx``, …) are
  ignored until renamed; a rename/move makes the destination ready.
- At start, on inotify queue overflow (watchdog only logs it) and on ``reconcile()`` the
  folders are rescanned, so no file is missed.
- State is keyed by path + size + mtime + content hash: an unchanged file is never
  reported twice, a touched-but-identical one neither.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

_PARTIAL_SUFFIXES = (
    ".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp", ".swx",
    ".opdownload", ".!qb", ".presend-tmp",
)
_PARTIAL_PREFIXES = ("~$", ".~lock.", ".#")


def is_partial(path: Path) -> bool:
    """True for temporary and partial-download files that are not complete yet."""
    name = path.name
    lower = name.lower()
    if lower.endswith(_PARTIAL_SUFFIXES) or name.startswith(_PARTIAL_PREFIXES):
        return True
    return lower.endswith("~") or (name.startswith(".") and lower.endswith(".tmp"))


@dataclass(frozen=True, slots=True)
class FileState:
    size: int
    mtime_ns: int
    digest: str


@dataclass(slots=True)
class _Pending:
    first_seen: float
    last_event: float
    size: int = -1
    mtime_ns: int = -1
    closed: bool = False


def _digest(path: Path, limit: int = 1 << 30) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        read = 0
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            read += len(chunk)
            if read >= limit:
                break
    return h.hexdigest()


class _OverflowLogHandler(logging.Handler):
    """watchdog only logs an inotify overflow; this turns the log line into a reconcile."""

    def __init__(self, callback: Callable[[], None]) -> None:
        super().__init__(level=logging.WARNING)
        self._callback = callback

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self._callback()


class FolderWatcher:
    """Watches folders; call ``poll()`` regularly; ``on_ready(path)`` runs inside ``poll``."""

    def __init__(
        self,
        folders: Iterable[Path],
        on_ready: Callable[[Path], None],
        *,
        clock: Callable[[], float] = time.monotonic,
        quiet_period: float = 2.0,
        recursive: bool = True,
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.folders = tuple(Path(f) for f in folders)
        self._on_ready = on_ready
        self._clock = clock
        self._quiet = quiet_period
        self._recursive = recursive
        self._on_error = on_error or (lambda message: None)
        self._lock = threading.Lock()
        self._pending: dict[Path, _Pending] = {}
        self._seen: dict[Path, FileState] = {}
        self._reconcile_requested = True  # reconcile at start
        self._observer = None
        self._log_handler = _OverflowLogHandler(self.request_reconcile)

    # -- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        from watchdog.observers import Observer

        observer = Observer()
        handler = _Handler(self)
        for folder in self.folders:
            try:
                folder.mkdir(parents=True, exist_ok=True)
                observer.schedule(handler, str(folder), recursive=self._recursive)
            except OSError as exc:
                self._on_error(f"cannot watch {folder}: {exc.strerror or type(exc).__name__}")
        observer.daemon = True
        observer.start()
        self._observer = observer
        logging.getLogger("watchdog").addHandler(self._log_handler)

    def stop(self) -> None:
        logging.getLogger("watchdog").removeHandler(self._log_handler)
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None

    @property
    def running(self) -> bool:
        return self._observer is not None and self._observer.is_alive()

    # -- called from watchdog threads: O(1) --------------------------------------------
    def touched(self, path: Path, closed: bool = False) -> None:
        now = self._clock()
        with self._lock:
            p = self._pending.get(path)
            if p is None:
                self._pending[path] = _Pending(first_seen=now, last_event=now, closed=closed)
            else:
                p.last_event = now
                p.closed = p.closed or closed

    def request_reconcile(self) -> None:
        with self._lock:
            self._reconcile_requested = True

    # -- called from one thread ----------------------------------------------------------
    def poll(self) -> list[Path]:
        """Hand every complete, new-or-changed file to ``on_ready``; return them."""
        with self._lock:
            reconcile = self._reconcile_requested
            self._reconcile_requested = False
        if reconcile:
            self._reconcile()
        now = self._clock()
        ready: list[Path] = []
        with self._lock:
            items = list(self._pending.items())
        for path, p in items:
            if is_partial(path):
                self._drop(path)
                continue
            try:
                st = path.stat()
            except OSError:
                self._drop(path)  # vanished (renamed away, deleted)
                continue
            if not os.path.isfile(path):
                self._drop(path)
                continue
            stable = st.st_size == p.size and st.st_mtime_ns == p.mtime_ns
            quiet = now - p.last_event >= self._quiet
            if p.closed or (stable and quiet):
                if self._is_new_content(path, st):
                    ready.append(path)
                self._drop(path, p)
            else:
                p.size, p.mtime_ns = st.st_size, st.st_mtime_ns
        for path in ready:
            try:
                self._on_ready(path)
            except Exception as exc:  # the callback's failure must not stop the watcher
                self._on_error(f"handling {path.name} failed ({type(exc).__name__})")
        return ready

    def _drop(self, path: Path, expected: _Pending | None = None) -> None:
        with self._lock:
            current = self._pending.get(path)
            if current is not None and (expected is None or current is expected):
                # a newer event after we looked keeps it pending
                if expected is None or current.last_event <= expected.last_event:
                    del self._pending[path]

    def _is_new_content(self, path: Path, st: os.stat_result) -> bool:
        old = self._seen.get(path)
        if old is not None and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
            return False
        try:
            digest = _digest(path)
        except OSError:
            return False
        self._seen[path] = FileState(st.st_size, st.st_mtime_ns, digest)
        return old is None or old.digest != digest

    def _listing(self, folder: Path) -> Iterable[tuple[str, list[str], list[str]]]:
        if self._recursive:
            return os.walk(folder)
        return [(str(folder), [], _files_only(folder))]

    def _reconcile(self) -> None:
        now = self._clock()
        for folder in self.folders:
            for dirpath, _dirs, files in self._listing(folder):
                for name in files:
                    path = Path(dirpath) / name
                    if is_partial(path):
                        continue
                    try:
                        st = path.stat()
                    except OSError:
                        continue
                    old = self._seen.get(path)
                    if old is None or old.size != st.st_size or old.mtime_ns != st.st_mtime_ns:
                        with self._lock:
                            self._pending.setdefault(
                                path, _Pending(first_seen=now, last_event=now - self._quiet,
                                               size=st.st_size, mtime_ns=st.st_mtime_ns)
                            )
        # forget files that are gone
        for path in [p for p in self._seen if not p.exists()]:
            self._seen.pop(path, None)


def _files_only(folder: Path) -> list[str]:
    try:
        return [e.name for e in os.scandir(folder) if e.is_file(follow_symlinks=False)]
    except OSError:
        return []


def _handler_base():  # type: ignore[no-untyped-def]
    from watchdog.events import FileSystemEventHandler

    return FileSystemEventHandler


class _Handler(_handler_base()):  # type: ignore[misc]
    def __init__(self, watcher: FolderWatcher) -> None:
        super().__init__()
        self._w = watcher

    def on_created(self, event) -> None:  # type: ignore[no-untyped-def]
        if not event.is_directory:
            self._w.touched(Path(os.fsdecode(event.src_path)))

    def on_modified(self, event) -> None:  # type: ignore[no-untyped-def]
        if not event.is_directory:
            self._w.touched(Path(os.fsdecode(event.src_path)))

    def on_closed(self, event) -> None:  # type: ignore[no-untyped-def]
        if not event.is_directory:
            self._w.touched(Path(os.fsdecode(event.src_path)), closed=True)

    def on_moved(self, event) -> None:  # type: ignore[no-untyped-def]
        if not event.is_directory:
            # a save-via-rename or a finished download: the destination is complete
            self._w.touched(Path(os.fsdecode(event.dest_path)), closed=True)
        else:
            self._w.request_reconcile()
