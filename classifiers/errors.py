"""Exceptions of the classification engine.

::

    ClassifierError
     +-- RulePackError        a rule pack is malformed (carries every problem found)
     +-- ExtractionError      a file could not be turned into text
     |    +-- UnsupportedFormat
     |    +-- BinaryContent
     +-- ModelUnavailable     the offline name model is not installed

Messages carry identifiers (rule ids, file names, sizes, type names), never content.
"""

from __future__ import annotations


class ClassifierError(Exception):
    """Base of every error raised by ``classifiers``."""


class RulePackError(ClassifierError):
    """A rule pack failed validation; ``problems`` lists every problem found."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        head = f"{source}: {len(self.problems)} problem(s)"
        super().__init__(head + "".join(f"\n  - {p}" for p in self.problems))


class ExtractionError(ClassifierError):
    """A file could not be read or turned into text."""


class UnsupportedFormat(ExtractionError):
    """The file's format is not one presend can read."""


class BinaryContent(ExtractionError):
    """The input is binary data, not text."""


class ModelUnavailable(ClassifierError):
    """The offline name model is not installed; names are not detected."""
