"""A persistent on-disk queue for at-least-once delivery to one SIEM target.

Layout of a spool folder::

    seg-00000001.jsonl ...   items, one per line, appended and fsynced in batches
    cursor                   {"segment": n, "offset": bytes}: everything before is delivered
    lock                     held while a process owns the spool (the tray or `log forward`)

An item is removed only by ``ack`` after the target confirmed it, so a kill -9 at any
moment re-sends at most the batch in flight. The cursor is replaced atomically. A crash
during ``enqueue`` leaves at most a torn last line, cut off on ``open`` (the item is still
in the audit log and is queued again). The last segment is never deleted, so the newest
queued item is always known (``last_item``), even when everything has been delivered.

The spool is bounded (items and bytes); ``enqueue`` accepts what fits and reports
``full``: the caller raises the alert and leaves the rest in the audit log.

Errors::

    SpoolError
     +-- SpoolBusy   another process owns this spool
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.services.durable import fsync_dir

_SEG_RE = re.compile(r"^seg-(\d{8})\.jsonl$")
DEFAULT_MAX_ITEMS = 200_000
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_SEGMENT_BYTES = 4 * 1024 * 1024


class SpoolError(Exception):
    """Base of spool errors."""


class SpoolBusy(SpoolError):
    """Another process is forwarding from this spool."""


@dataclass(frozen=True, slots=True)
class Position:
    """Where reading stopped: pass it to ``ack`` once the items before it are delivered."""

    segment: int
    offset: int
    count: int
    nbytes: int


class Spool:
    """One target's queue. Not shared between threads without the caller's lock."""

    def __init__(
        self,
        folder: Path,
        *,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        segment_bytes: int = DEFAULT_SEGMENT_BYTES,
        fsync: bool = True,
        lock: bool = True,
    ) -> None:
        self.folder = folder
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes
        self._fsync = fsync
        self._lock_fh: Any = None
        folder.mkdir(parents=True, exist_ok=True)
        if lock:
            self._take_lock()
        self._cursor = self._read_cursor()
        self.recovered_torn_bytes = 0
        self._pending = 0
        self._bytes = 0
        self._recover()

    # -- lifecycle --------------------------------------------------------------------

    def _take_lock(self) -> None:
        fh = (self.folder / "lock").open("a+b")
        try:
            if os.name == "posix":
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                import msvcrt

                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            fh.close()
            raise SpoolBusy(
                f"another presend process is forwarding from {self.folder.name}; "
                "wait for it or quit the tray app first"
            ) from None
        self._lock_fh = fh

    def close(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()  # closing releases the lock
            self._lock_fh = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _segments(self) -> list[int]:
        return sorted(
            int(m.group(1)) for p in self.folder.iterdir() if (m := _SEG_RE.match(p.name))
        )

    def _seg_path(self, n: int) -> Path:
        return self.folder / f"seg-{n:08d}.jsonl"

    def _read_cursor(self) -> tuple[int, int]:
        try:
            data = json.loads((self.folder / "cursor").read_text(encoding="ascii"))
            return int(data["segment"]), int(data["offset"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0

    def _recover(self) -> None:
        segs = self._segments()
        if segs:
            last = self._seg_path(segs[-1])
            size = last.stat().st_size
            good = _last_newline_end(last, size)
            if good < size:
                with last.open("r+b") as fh:
                    fh.truncate(good)
                    os.fsync(fh.fileno())
                self.recovered_torn_bytes = size - good
        seg, off = self._cursor
        if segs and seg < segs[0]:
            seg, off = segs[0], 0
            self._cursor = (seg, off)
        pending = 0
        total = 0
        for n in segs:
            if n < seg:
                continue
            start = off if n == seg else 0
            with self._seg_path(n).open("rb") as fh:
                fh.seek(start)
                while chunk := fh.read(1 << 20):
                    pending += chunk.count(b"\n")
                    total += len(chunk)
        self._pending = pending
        self._bytes = total

    # -- state ------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def pending_bytes(self) -> int:
        return self._bytes

    @property
    def full(self) -> bool:
        return self._pending >= self.max_items or self._bytes >= self.max_bytes

    def last_item(self) -> str | None:
        """The newest item ever queued (kept after delivery), or None."""
        for n in reversed(self._segments()):
            path = self._seg_path(n)
            size = path.stat().st_size
            if size == 0:
                continue
            with path.open("rb") as fh:
                back = min(size, 256 * 1024)
                fh.seek(size - back)
                data = fh.read(back)
            lines = data.rstrip(b"\n").rsplit(b"\n", 1)
            return lines[-1].decode("utf-8")
        return None

    # -- queue ------------------------------------------------------------------------

    def enqueue(self, items: Sequence[str]) -> int:
        """Append as many items as fit (each one line of text); returns how many."""
        accepted: list[bytes] = []
        size = 0
        for item in items:
            if "\n" in item or "\r" in item:
                raise ValueError("a spool item must be one line")
            data = item.encode("utf-8") + b"\n"
            if (
                self._pending + len(accepted) >= self.max_items
                or self._bytes + size + len(data) > self.max_bytes
            ):
                break
            accepted.append(data)
            size += len(data)
        if not accepted:
            return 0
        segs = self._segments()
        n = segs[-1] if segs else max(1, self._cursor[0])
        path = self._seg_path(n)
        if path.exists() and path.stat().st_size >= self.segment_bytes:
            n += 1
            path = self._seg_path(n)
        fd = os.open(
            path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600
        )
        try:
            os.write(fd, b"".join(accepted))
            if self._fsync:
                os.fsync(fd)
        finally:
            os.close(fd)
        if not segs or n != segs[-1]:
            fsync_dir(self.folder)
        self._pending += len(accepted)
        self._bytes += size
        return len(accepted)

    def peek(self, max_items: int, max_bytes: int = 4 * 1024 * 1024) -> tuple[list[str], Position]:
        """The oldest undelivered items (at most ``max_items``) and the position after them."""
        seg, off = self._cursor
        items: list[str] = []
        used = 0
        segs = [n for n in self._segments() if n >= seg]
        if segs and segs[0] != seg:
            seg, off = segs[0], 0
        for n in segs:
            start = off if n == seg else 0
            with self._seg_path(n).open("rb") as fh:
                fh.seek(start)
                pos = start
                for line in fh:
                    if not line.endswith(b"\n"):
                        break
                    if items and (len(items) >= max_items or used + len(line) > max_bytes):
                        return items, Position(n, pos, len(items), used)
                    items.append(line[:-1].decode("utf-8"))
                    used += len(line)
                    pos += len(line)
            if len(items) >= max_items:
                return items, Position(n, pos, len(items), used)
            seg, off = n, pos
        return items, Position(seg, off, len(items), used)

    def ack(self, position: Position) -> None:
        """Everything before ``position`` is delivered: move the cursor, drop old segments."""
        tmp = self.folder / "cursor.tmp"
        with tmp.open("w", encoding="ascii") as fh:
            fh.write(json.dumps({"segment": position.segment, "offset": position.offset}))
            fh.flush()
            if self._fsync:
                os.fsync(fh.fileno())
        os.replace(tmp, self.folder / "cursor")
        self._cursor = (position.segment, position.offset)
        for n in self._segments():
            if n < position.segment:
                with contextlib.suppress(FileNotFoundError):
                    self._seg_path(n).unlink()
        if self._fsync:
            fsync_dir(self.folder)
        self._pending = max(0, self._pending - position.count)
        self._bytes = max(0, self._bytes - position.nbytes)


def _last_newline_end(path: Path, size: int) -> int:
    """Offset just after the last newline of ``path`` (0 when there is none)."""
    with path.open("rb") as fh:
        pos = size
        while pos > 0:
            start = max(0, pos - 65536)
            fh.seek(start)
            chunk = fh.read(pos - start)
            i = chunk.rfind(b"\n")
            if i != -1:
                return start + i + 1
            pos = start
    return 0
