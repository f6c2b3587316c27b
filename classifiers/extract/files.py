"""Opening files with errors a person can act on (never an OSError with a path in it)."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from classifiers.extract.errors import (
    FileNotReadable,
    FileVanished,
    NotARegularFile,
    PermissionDenied,
)


def translate(exc: OSError, name: str) -> FileNotReadable:
    """The ExtractionError for an OSError raised while reading ``name``."""
    if isinstance(exc, FileNotFoundError):
        return FileVanished(f"{name} no longer exists (moved or deleted); scan it again")
    if isinstance(exc, PermissionError):
        return PermissionDenied(f"{name} cannot be read: permission denied; "
                                "ask its owner for read access")
    if isinstance(exc, IsADirectoryError):
        return NotARegularFile(f"{name} is a folder; scan the files inside it")
    if exc.errno in (errno.EBUSY, errno.ETXTBSY, errno.EAGAIN):
        return FileNotReadable(f"{name} is locked by another program; close it and retry")
    return FileNotReadable(
        f"{name} could not be read ({type(exc).__name__}); check the disk and retry"
    )


@contextmanager
def open_checked(path: Path) -> Iterator[BinaryIO]:
    """Open a regular file for reading; never blocks on a FIFO or device."""
    name = path.name
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            if stat.S_ISDIR(st.st_mode):
                raise NotARegularFile(f"{name} is a folder; scan the files inside it")
            raise NotARegularFile(
                f"{name} is not a regular file (device, pipe or socket); scan a file instead"
            )
        fh = open(path, "rb")
    except OSError as exc:
        raise translate(exc, name) from None
    try:
        yield fh
    finally:
        fh.close()


def read_all(path: Path) -> bytes:
    """All bytes of ``path``; I/O errors become one-line ExtractionErrors."""
    name = path.name
    with open_checked(path) as fh:
        try:
            return fh.read()
        except OSError as exc:
            raise translate(exc, name) from None


def read_head(path: Path, n: int) -> tuple[bytes, int]:
    """``(first n bytes, file size)``."""
    name = path.name
    with open_checked(path) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            return fh.read(n), size
        except OSError as exc:
            raise translate(exc, name) from None
