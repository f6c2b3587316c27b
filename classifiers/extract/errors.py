"""Errors of extraction, below ``classifiers.errors.ExtractionError``.

::

    ExtractionError
     +-- UnsupportedFormat      (classifiers.errors)
     +-- BinaryContent          (classifiers.errors)
     +-- FileNotReadable        the file could not be opened or read
          +-- PermissionDenied
          +-- FileVanished
          +-- NotARegularFile

Messages name the file by its base name and say what to do; they never quote content.
"""

from __future__ import annotations

from classifiers.errors import BinaryContent, ExtractionError, UnsupportedFormat

__all__ = [
    "BinaryContent",
    "ExtractionError",
    "FileNotReadable",
    "FileVanished",
    "NotARegularFile",
    "PermissionDenied",
    "UnsupportedFormat",
]


class FileNotReadable(ExtractionError):
    """The file could not be opened or read (I/O error, lock)."""


class PermissionDenied(FileNotReadable):
    """The operating system refused to let presend read the file."""


class FileVanished(FileNotReadable):
    """The file was removed or renamed before or while it was read."""


class NotARegularFile(FileNotReadable):
    """The path is a directory, device, socket or pipe."""
