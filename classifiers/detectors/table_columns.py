"""Tables: a CSV/TSV/Markdown column header is the context of every cell below it.

Headers are rare, so one RE2 search over the whole text finds the lines where a wanted
column name is a whole delimited cell; only those lines are tested as headers, and only
the rows of a found table are read line by line. (Testing every line with its own RE2
call cost about 24,000 calls per MB of ordinary text.)
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2

from classifiers.detectors.base import make_finding
from classifiers.detectors.phones import PhoneDetector, forget_numbers
from classifiers.detectors.utf8_scan import EncodedText, re2_options
from classifiers.model import Finding

TABLE_DELIMITERS = (",", ";", "\t", "|")
_MARKDOWN_RULE = frozenset("|-: +")


@dataclass(frozen=True, slots=True)
class TableHeader:
    delimiter: str
    keys: tuple[str, ...]  # normalised column names: lower case, words joined by "_"


def split_cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Cell spans of one delimited line; double quotes protect delimiters."""
    cells: list[tuple[int, int]] = []
    start = 0
    if '"' not in line:
        for part in line.split(delimiter):
            cells.append((start, start + len(part)))
            start += len(part) + 1
        return cells
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            cells.append((start, i))
            start = i + 1
    cells.append((start, len(line)))
    return cells


def _column_key(cell: str) -> str:
    key = cell.strip().strip("\"'*`#").strip().lower()
    return re.sub(r"[ .\-/]+", "_", key).strip("_")


def parse_header(line: str, wanted: frozenset[str]) -> TableHeader | None:
    """The header of a delimited table when ``line`` has a column named in ``wanted``."""
    if len(line) > 2000 or not line.strip():
        return None
    for delimiter in TABLE_DELIMITERS:
        if delimiter not in line:
            continue
        keys = tuple(_column_key(line[s:e]) for s, e in split_cells(line, delimiter))
        if any(k in wanted for k in keys) and sum(bool(k) for k in keys) >= 2:
            return TableHeader(delimiter, keys)
    return None


def table_cells(text: str, wanted: frozenset[str],
                encoded: EncodedText | None = None) -> Iterator[tuple[str, int, int]]:
    """``(column key, start, end)`` of every cell under a wanted column of every table.

    A table runs from its header to the first blank line or a row with fewer cells (a row
    with a few more, from an unquoted "1,250.00", still lines up before the extra ones).
    Markdown separator rows (|---|---|) are skipped. ``encoded``: the text's UTF-8 form,
    when the caller has it already.
    """
    if not text:
        return
    if encoded is None:
        encoded = EncodedText(text, strict=False)
    cell_gate = _cell_gate(wanted)
    word_gate = _header_gate(wanted)
    resume = 0  # lines starting before this offset were read as rows of a table
    last_line = -1
    for end in encoded.ends(cell_gate):
        # The match is [delimiter] cell [delimiter]; its last character is on the cell's
        # line (the match never takes a newline).
        line_start = text.rfind("\n", 0, end - 1) + 1
        if line_start < resume or line_start == last_line:
            continue
        last_line = line_start
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = len(text)
        line = text[line_start:line_end]
        if word_gate.search(line.encode("utf-8", "surrogatepass")) is None:
            continue
        header = parse_header(line, wanted)
        if header is not None:
            resume = yield from _rows(text, header, line_end + 1, wanted)


def _rows(text: str, header: TableHeader, pos: int,
          wanted: frozenset[str]) -> Generator[tuple[str, int, int], None, int]:
    """The wanted cells of the rows from ``pos``; returns the offset of the line that ends
    the table (a header may start there)."""
    width = len(header.keys)
    columns = [(i, key) for i, key in enumerate(header.keys) if key in wanted]
    size = len(text)
    while pos <= size:
        line_end = text.find("\n", pos)
        if line_end < 0:
            line_end = size
        line = text[pos:line_end]
        stripped = line.strip()
        if not stripped:
            return pos
        cells = split_cells(line, header.delimiter)
        if not width <= len(cells) <= width + 3:
            return pos
        if not set(stripped) <= _MARKDOWN_RULE:
            for i, key in columns:
                cs, ce = cells[i]
                while cs < ce and line[cs] in " \t\"'":
                    cs += 1
                while ce > cs and line[ce - 1] in " \t\"'\r":
                    ce -= 1
                if ce > cs:
                    yield key, pos + cs, pos + ce
        pos = line_end + 1
    return pos


@lru_cache(maxsize=8)
def _header_gate(wanted: frozenset[str]) -> Any:
    """RE2 pattern for a line that mentions a wanted column name as a word (matched on one
    line's bytes)."""
    words = sorted({re.sub(r"_", "[ _.\\-]?", re2.escape(k).replace("\\_", "_"))
                    for k in wanted}, key=len, reverse=True)
    return re2.compile(r"(?:^|[^a-z0-9])(?:" + "|".join(words) + r")(?:[^a-z0-9]|$)",
                       re2_options(case_insensitive=True))


# What ``_column_key`` strips around a column name: white space (str.isspace, but not the
# newline), quotes and markup, and the separators it turns into "_" before stripping "_".
_CELL_PAD = (r"[\t\x{0b}\x{0c}\r\x{1c}-\x{1f} \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
             r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}\"'*`#.\-/_]*")


@lru_cache(maxsize=8)
def _cell_gate(wanted: frozenset[str]) -> Any:
    """RE2 pattern for a wanted column name as a whole delimited cell, over the whole text.

    Every header ``parse_header`` accepts has such a cell, and ordinary lines almost never
    do (``Date of birth: ...`` and prose about phones are not cells), so only a few lines
    per MB reach the exact checks."""
    forms = sorted({r"(?:_|[ .\-/]+)".join(re2.escape(w) for w in k.split("_"))
                    for k in wanted}, key=len, reverse=True)
    return re2.compile(rf"(?m)(?:^|[,;\t|]){_CELL_PAD}(?:{'|'.join(forms)}){_CELL_PAD}"
                       r"(?:[,;\t|]|$)", re2_options(case_insensitive=True,
                                                     longest_match=True))


# Column names -> entity type. Cells are still checked (validator or shape) before they count.
COLUMN_TYPES: dict[str, str] = {
    **dict.fromkeys(("dob", "d_o_b", "date_of_birth", "birth_date", "birthdate", "birthday",
                     "birth_day", "geburtsdatum", "date_de_naissance", "fecha_de_nacimiento"),
                    "DATE_OF_BIRTH"),
    **dict.fromkeys(("nhs", "nhs_number", "nhs_no", "nhs_num", "nhsnumber"), "UK_NHS"),
    **dict.fromkeys(("mrn", "medical_record_number", "medical_record", "med_rec_no",
                     "patient_id", "patient_number", "patient_no", "hospital_number",
                     "hospital_no", "chart_number"), "MEDICAL_RECORD_NUMBER"),
    **dict.fromkeys(("phone", "phone_number", "phone_no", "telephone", "tel", "mobile",
                     "mobile_number", "cell", "cell_phone", "cellphone", "contact_number",
                     "home_phone", "work_phone", "fax", "phone_1", "phone_2"), "PHONE_NUMBER"),
    **dict.fromkeys(("ssn", "social_security_number", "social_security", "ss_number"),
                    "US_SSN"),
    **dict.fromkeys(("nino", "ni_number", "ni_no", "national_insurance",
                     "national_insurance_number"), "UK_NINO"),
    **dict.fromkeys(("passport", "passport_number", "passport_no"), "US_PASSPORT"),
    **dict.fromkeys(("driver_license", "drivers_license", "driver_licence", "driving_licence",
                     "dl", "dl_number", "license_number", "licence_number", "dln"),
                    "US_DRIVER_LICENSE"),
    **dict.fromkeys(("routing", "routing_number", "aba", "aba_number", "routing_no"),
                    "ROUTING"),
    **dict.fromkeys(("account_number", "bank_account", "bank_account_number", "acct",
                     "acct_no", "account_no"), "US_BANK_NUMBER"),
    # a bare "Account" column is a bank account only beside a routing column (payroll and
    # direct-deposit exports); elsewhere it names customers' accounts, logins, ledgers
    "account": "ACCOUNT_BESIDE_ROUTING",
}
_COLUMN_KEYS = frozenset(COLUMN_TYPES)
_ID_VALUE = re.compile(r"(?:[A-Z]{1,4}[-/]?)?[0-9][0-9\-]{3,14}[0-9]|[A-Z]{1,3}[0-9]{5,12}")
_PASSPORT_VALUE = re.compile(r"[0-9]{9}|[A-Z][0-9]{8}")
_LICENCE_VALUE = re.compile(r"[A-Z0-9][A-Z0-9 \-]{4,18}[A-Z0-9]")
_ACCOUNT_VALUE = re.compile(r"[0-9][0-9 \-]{4,20}[0-9]")
_SSN_VALUE = re.compile(r"[0-9]{3}[- ]?[0-9]{2}[- ]?[0-9]{4}")
_NHS_VALUE = re.compile(r"[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}")


class ColumnDetector:
    """Cells under a column header that names what they hold (dob, nhs_number, mrn,
    phone, ssn, passport, routing, account_number, ...), each checked like the rule for
    that type would check it. Catches what a nearby-word rule cannot: the header is many
    lines above the value."""

    name = "columns"

    def __init__(self, phone: PhoneDetector) -> None:
        self._phone = phone

    def detect(self, text: str, encoded: EncodedText | None = None) -> Iterable[Finding]:
        """Findings in ``text``; ``encoded``: its UTF-8 form, when the caller has it."""
        if "\n" not in text:
            return []
        try:
            return self._detect(text, encoded)
        finally:
            forget_numbers()  # phone cells were checked with phonenumbers

    def _detect(self, text: str, encoded: EncodedText | None) -> list[Finding]:
        from classifiers import validators as v

        found: list[Finding] = []
        cells = list(table_cells(text, _COLUMN_KEYS, encoded))
        # rows (by line start) that hold a routing-number cell
        routing_rows = {text.rfind("\n", 0, start) + 1
                        for key, start, _ in cells if COLUMN_TYPES[key] == "ROUTING"}
        for key, start, end in cells:
            value = text[start:end]
            kind = COLUMN_TYPES[key]
            if kind == "ACCOUNT_BESIDE_ROUTING":
                if text.rfind("\n", 0, start) + 1 not in routing_rows:
                    continue
                kind = "US_BANK_NUMBER"
            ok = False
            score = 0.85
            if kind == "DATE_OF_BIRTH":
                ok = v.plausible_date(value)
            elif kind == "UK_NHS":
                ok = bool(_NHS_VALUE.fullmatch(value)) and v.nhs_mod11(value)
            elif kind == "MEDICAL_RECORD_NUMBER":
                ok = bool(_ID_VALUE.fullmatch(value)) and v.not_repetitive(value)
                score = 0.8
            elif kind == "PHONE_NUMBER":
                ok = self._phone.plausible_cell(value)
            elif kind == "US_SSN":
                ok = bool(_SSN_VALUE.fullmatch(value)) and v.ssn_ranges(value)
            elif kind == "UK_NINO":
                ok = v.uk_nino(value)
            elif kind == "US_PASSPORT":
                ok = bool(_PASSPORT_VALUE.fullmatch(value)) and v.not_repetitive(value)
            elif kind == "US_DRIVER_LICENSE":
                ok = (bool(_LICENCE_VALUE.fullmatch(value)) and any(c.isdigit() for c in value)
                      and v.not_repetitive(value))
                score = 0.8
            elif kind == "ROUTING":
                ok, kind = v.aba_routing(value), "US_BANK_NUMBER"
            elif kind == "US_BANK_NUMBER":
                ok = bool(_ACCOUNT_VALUE.fullmatch(value)) and v.not_repetitive(value)
                score = 0.8
            if ok:
                found.append(make_finding(kind, text, start, end, score, "presidio/column",
                                          explanation=f"table column '{key}'"))
        return found
