"""The "pii" detector: phone numbers and table-column context, the PII checks that need
code, not one regex.

Phones (``classifiers.detectors.phones``) follow Presidio's approach with the
``phonenumbers`` library underneath, tightened; table columns
(``classifiers.detectors.table_columns``) read CSV/TSV/Markdown headers as the context of
the cells below them. This module wires both into one detector for the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from classifiers.detectors.base import Detector
from classifiers.detectors.phones import PhoneDetector, forget_numbers, warm_up
from classifiers.detectors.table_columns import (
    COLUMN_TYPES,
    TABLE_DELIMITERS,
    ColumnDetector,
    TableHeader,
    parse_header,
    split_cells,
    table_cells,
)
from classifiers.detectors.utf8_scan import EncodedText
from classifiers.model import Finding

if TYPE_CHECKING:
    from classifiers.build import EngineOptions

__all__ = [
    "COLUMN_TYPES",
    "TABLE_DELIMITERS",
    "ColumnDetector",
    "PhoneDetector",
    "PiiDetector",
    "TableHeader",
    "make_detector",
    "parse_header",
    "split_cells",
    "table_cells",
]


class PiiDetector:
    """Phone numbers and table columns: the PII checks that need code, not one regex."""

    name = "pii"

    def __init__(self) -> None:
        warm_up()
        self._phone = PhoneDetector()
        self._columns = ColumnDetector(self._phone)

    def detect(self, text: str) -> Iterable[Finding]:
        try:
            encoded = EncodedText(text)  # once for both scans
        except UnicodeEncodeError:  # lone surrogates: each scan copes on its own
            return [*self._phone.detect(text), *self._columns.detect(text)]
        try:
            return [*self._phone.detect_encoded(encoded),
                    *self._columns.detect(text, encoded)]
        finally:
            forget_numbers()  # no scanned number outlives the scan


def make_detector(options: EngineOptions) -> tuple[Detector | None, str | None]:
    """Phones and table columns, or a notice when phonenumbers (a presidio dependency) is
    missing."""
    try:
        import importlib.util

        if importlib.util.find_spec("phonenumbers") is None:
            raise ImportError("phonenumbers")
    except ImportError:
        return None, "phone numbers not checked: the phonenumbers package is not installed"
    return PiiDetector(), None
