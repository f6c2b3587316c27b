"""Phone numbers, the Presidio way but without its traps.

Presidio's ``PhoneRecognizer`` hands the whole text to ``phonenumbers.PhoneNumberMatcher``
and scores every hit 0.4 unless a context word is near. Measured on realistic pastes that
finds order ids, shell-history line numbers, amounts and IP addresses, and loses real
phones below the 0.5 threshold. Importing ``presidio_analyzer`` also pulls spaCy (~1.2 s),
so this detector uses the same library underneath (``phonenumbers``, imported on first
use) directly, behind a cheap pre-scan:

1. a linear regex finds digit groups joined by phone separators (candidates);
2. each candidate must have a phone *shape*: a ``+``/``00`` country code, a NANP
   ``(212) 555-0147`` / ``212-555-0147`` grouping, a national number with its trunk ``0``
   written in groups (``020 7946 0958``), or a phone word right before it
   (``Tel:``, ``mobile``, ``call``);
3. it must not touch a token (``abc-5551234567``, ``id_0207946095``), an amount
   (``$1 250 000``), a date, a time, an IP or version number, and it is dropped after an
   id word (order, invoice, ticket, ref, tracking, ...) unless a phone word is closer;
4. ``phonenumbers`` decides whether the digits can be a number of a region (valid, or for
   NANP-shaped numbers, possible: fictional 555 numbers are still written as phones).

Nothing here reads or writes files or the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import re2

from classifiers.detectors.base import Detector, make_finding
from classifiers.model import Finding

if TYPE_CHECKING:
    from classifiers.build import EngineOptions

NAME = "phone"
RECOGNIZER = "presidio/phone"

# Digit groups joined by one or two separator characters; never crosses a line. The
# pattern starts with a plain character class so that re skips ahead to candidate
# characters (2x faster on digit-heavy logs than a pattern starting with an optional group).
_CANDIDATE = re.compile(
    r"[+(0-9][0-9(]{0,16}\)?(?:(?:[ .\-/]{1,2}|\)[ ]?)(?:\(0\)[ ]?)?\(?[0-9]{1,8}\)?){0,6}"
)
_NANP = re.compile(
    r"(?:\+?1[ .\-]?)?(?:\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])[0-9]{3}[ .\-][0-9]{4}"
)
_DATE = re.compile(
    r"[0-9]{4}[./\-][0-9]{1,2}[./\-][0-9]{1,2}|[0-9]{1,2}[./\-][0-9]{1,2}[./\-][0-9]{2,4}"
)
_DOTTED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){2,}")  # IPs, versions, OIDs
_SEPARATOR = re.compile(r"[ .\-/()]+")

# A phone word or label ending right before the number (same line): "Tel:", "mobile no.",
# "M:", "call me on". Enough for a bare digit run.
_PHONE_WORDS = re.compile(
    r"(?i)(?:(?<![A-Za-z])(?:phone|phones|tel|telephone|mobile|mob|cell|cellphone|fax|ph|"
    r"whatsapp|sms|hotline|landline|switchboard|helpline|telefon|telefone|telefono|"
    r"t\u00e9l\u00e9phone|handy)\.?[ \t]*(?:no\.?|number|#|nr\.?)?[ \t]*[:.=#]?"
    r"|(?<![A-Za-z])(?:office|home|work|main|direct|[mtpowhf])[ \t]*[:=]"
    r"|(?<![A-Za-z])(?:call|text|ring|dial|reach|contact)(?:[ \t]+(?:me|us|him|her|them))?"
    r"(?:[ \t]+(?:on|at))?[ \t]*:?)[ \t]*(?:\([a-z]+\)[ \t]*)?$"
)
_PHONE_NEAR = re.compile(
    r"(?i)(?<![A-Za-z])(?:phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|dial|"
    r"hotline|landline|contact)(?![A-Za-z])"
)
_ID_WORDS = re.compile(
    r"(?i)(?<![A-Za-z])(?:order|orders|invoice|inv|ticket|ref|reference|tracking|case|"
    r"id|sku|serial|part|po|isbn|account|acct|build|version|job|pid|txn|transaction|"
    r"confirmation|booking|policy|claim|batch|lot|item|seq|port|amount|total|balance|"
    r"receipt|voucher|coupon|"
    r"price|usd|eur|gbp)(?![A-Za-z])(?:[ \t]*(?:number|num|no\.?|nr\.?|#|id)(?![A-Za-z]))?"
    r"[^0-9\n]{0,12}$"
)
_CURRENCY = "$€£¥₹"

_REGIONS_NATIONAL = ("GB", "DE", "FR", "IN", "AU", "IE", "NL", "ES", "IT", "BR", "ZA", "NZ")


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int


def _phonenumbers() -> Any:
    import phonenumbers  # lazy: only on the first scan that has a candidate

    return phonenumbers


class PhoneDetector:
    """Reports PHONE_NUMBER findings; see the module docstring for what must hold."""

    name = NAME

    def __init__(self) -> None:
        self._pn: Any = None

    def detect(self, text: str) -> Iterable[Finding]:
        found: list[Finding] = []
        for m in _CANDIDATE.finditer(text):
            if m.end() - m.start() < 7:
                continue
            for cand in _splits(text, m.start(), m.end()):
                finding = self._judge(text, cand)
                if finding is not None:
                    found.append(finding)
                    break
        return found

    def _judge(self, text: str, cand: _Candidate) -> Finding | None:
        value = text[cand.start : cand.end]
        digits = sum(ch.isdigit() for ch in value)
        if not 7 <= digits <= 15 or value.count("(") != value.count(")"):
            return None
        if _touches_token(text, cand.start, cand.end):
            return None
        if _DATE.fullmatch(value) or _DOTTED.fullmatch(value):
            return None
        line_start = text.rfind("\n", 0, cand.start) + 1
        before = text[max(line_start, cand.start - 40) : cand.start]
        labelled = bool(_PHONE_WORDS.search(before))
        near = labelled or bool(_PHONE_NEAR.search(before))
        if not near and _ID_WORDS.search(before):
            return None
        shape = _shape(value)
        if shape is None:
            if not labelled:
                return None
            shape = "bare"
        if not self._plausible(value, shape, near):
            return None
        if shape == "bare":
            score = 0.75
        elif shape in ("international", "nanp"):
            score = 0.9 if near else 0.8
        else:
            score = 0.85 if near else 0.7
        why = f"phone shape {shape}" + (", phone word before it" if near else "")
        if self._service_number(value):
            score, why = 0.55, why + "; a toll-free, shared-cost or premium service number"
        return make_finding("PHONE_NUMBER", text, cand.start, cand.end, score, RECOGNIZER,
                            explanation=why)

    def _service_number(self, value: str) -> bool:
        """A freephone, shared-cost or premium number (0800 …, 1-800 …): a business's line,
        reported with low confidence."""
        pn = self._pn
        number = value.strip()
        if number.startswith("00"):
            number = "+" + number[2:].lstrip(" .-")
        regions = (None,) if number.startswith("+") else ("US", *_REGIONS_NATIONAL)
        service = (pn.PhoneNumberType.TOLL_FREE, pn.PhoneNumberType.PREMIUM_RATE,
                   pn.PhoneNumberType.SHARED_COST, pn.PhoneNumberType.UAN)
        for region in regions:
            try:
                parsed = pn.parse(number, region)
            except pn.NumberParseException:
                return False
            if pn.is_valid_number(parsed):
                return pn.number_type(parsed) in service
        digits = "".join(ch for ch in number if ch.isdigit())
        return digits.lstrip("1")[:3] in ("800", "888", "877", "866", "855", "844", "833")

    def _plausible(self, value: str, shape: str, near: bool) -> bool:
        if self._pn is None:
            self._pn = _phonenumbers()
        pn = self._pn
        number = value.strip()
        if number.startswith("00"):
            number = "+" + number[2:].lstrip(" .-")
        try:
            if number.startswith("+"):
                parsed = pn.parse(number, None)
                # A grouped "+CC ..." is a phone by its shape even where the range is not
                # allocated (test data, new ranges): possible length is enough.
                return bool(pn.is_possible_number(parsed))
            digits = "".join(ch for ch in number if ch.isdigit())
            if shape == "nanp" or (near and len(digits) == 10 and digits[0] in "23456789"):
                return bool(pn.is_possible_number(pn.parse(number, "US")))
            regions = ("US",) + _REGIONS_NATIONAL if near else _REGIONS_NATIONAL
            for region in regions:
                if pn.is_valid_number(pn.parse(number, region)):
                    return True
        except pn.NumberParseException:
            return False
        return False


def _shape(value: str) -> str | None:
    """How the value is written: international, nanp, national (trunk 0), or None."""
    if value.startswith("+") or value.startswith("00"):
        return "international" if _SEPARATOR.search(value[1:]) or len(value) <= 16 else None
    if _NANP.fullmatch(value):
        return "nanp"
    groups = [g for g in _SEPARATOR.split(value) if g]
    if len(groups) >= 2 and value.lstrip("(").startswith("0") and len(groups[0].lstrip("0")) <= 4:
        return "national"
    return None


def _touches_token(text: str, start: int, end: int) -> bool:
    """True when the candidate is glued to a word, an amount, a path or a larger number."""
    prev = text[start - 1] if start > 0 else " "
    prev2 = text[start - 2] if start > 1 else " "
    nxt = text[end] if end < len(text) else " "
    nxt2 = text[end + 1] if end + 1 < len(text) else " "
    if prev.isalnum() or prev in "_-./#@&?%*" or prev in _CURRENCY:
        return True
    if prev2 in _CURRENCY or (prev in ":," and prev2.isdigit()):
        return True
    if nxt.isalnum() and nxt not in "x" or nxt in "_@%/" or nxt in _CURRENCY:
        return True
    if nxt in ".:-" and nxt2.isalnum() or nxt == "," and (nxt2.isdigit() or nxt2 in ",#*"):
        return True  # "+16465588656,,86422910037#": a conference dial string
    return prev == " " and _after_code(text, start - 1)


def _after_code(text: str, space: int) -> bool:
    """True when the word before ``space`` mixes letters and digits (``E2A`` in the UPS
    tracking number ``1Z 204 E2A 03 1234 5678``): the digits continue that code."""
    i = space
    while i > 0 and space - i < 12 and not text[i - 1].isspace():
        i -= 1
    word = text[i:space]
    return (0 < len(word) <= 10 and any(ch.isdigit() for ch in word)
            and any(ch.isalpha() for ch in word) and word.isalnum())


def _splits(text: str, start: int, end: int) -> Iterator[_Candidate]:
    """The candidate, then (when a run holds several numbers) its pieces split at spaces
    or slashes, longest first; each trimmed of separators at its ends."""
    s, e = _trim(text, start, end)
    yield _Candidate(s, e)
    # Split only where a list of numbers is written (" / ", "/", two spaces), never between
    # single-spaced digit groups: 9186 0594 9834 5637 is one reference, not a phone.
    cuts = [i for i in range(s + 1, e)
            if (text[i] == "/" or text.startswith("  ", i)) and text[i - 1] not in " /"]
    if not cuts or len(cuts) > 8:
        return
    bounds = [s, *cuts, e]
    pieces = []
    for i in range(len(bounds)):
        for j in range(len(bounds) - 1, i, -1):
            if (i, j) != (0, len(bounds) - 1):
                pieces.append((bounds[i], bounds[j]))
    pieces.sort(key=lambda p: (p[0], -(p[1] - p[0])))
    for ps, pe in pieces:
        ts, te = _trim(text, ps, pe)
        if te - ts >= 7:
            yield _Candidate(ts, te)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " .-/":
        start += 1
    while end > start and text[end - 1] in " .-/(":
        end -= 1
    if end > start and text[end - 1] == ")" and text.count("(", start, end) < text.count(
        ")", start, end
    ):
        end -= 1
    if start < end and text[start] == "(" and text.count("(", start, end) > text.count(
        ")", start, end
    ):
        start += 1
    if end - start > 2 and text[start] == "(" and text[end - 1] == ")" and _balanced(
        text[start + 1 : end - 1]
    ):
        start, end = start + 1, end - 1  # "((312) 555-0198)": the number in parentheses
    return start, end


def _balanced(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


# --- tables: a CSV/TSV/Markdown column header is the context of every cell below it ------

TABLE_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True, slots=True)
class TableHeader:
    delimiter: str
    keys: tuple[str, ...]  # normalised column names: lower case, words joined by "_"


def split_cells(line: str, delimiter: str) -> list[tuple[int, int]]:
    """Cell spans of one delimited line; double quotes protect delimiters."""
    cells: list[tuple[int, int]] = []
    start = 0
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


def table_cells(text: str, wanted: frozenset[str]) -> Iterator[tuple[str, int, int]]:
    """``(column key, start, end)`` of every cell under a wanted column of every table.

    A table runs from its header to the first blank line or a row with fewer cells (a row
    with a few more, from an unquoted "1,250.00", still lines up before the extra ones).
    Markdown separator rows (|---|---|) are skipped.
    """
    gate = _header_gate(wanted)
    first = gate.search(text)
    if first is None:
        return
    pos = text.rfind("\n", 0, first.start()) + 1
    header: TableHeader | None = None
    for line in text[pos:].split("\n"):
        line_start = pos
        pos += len(line) + 1
        if header is not None:
            cells = split_cells(line, header.delimiter)
            width = len(header.keys)
            if not line.strip() or not width <= len(cells) <= width + 3:
                header = None
            elif set(line.strip()) <= set("|-: +"):
                continue
            else:
                for key, (cs, ce) in zip(header.keys, cells, strict=False):
                    if key in wanted:
                        while cs < ce and line[cs] in " \t\"'":
                            cs += 1
                        while ce > cs and line[ce - 1] in " \t\"'\r":
                            ce -= 1
                        if ce > cs:
                            yield key, line_start + cs, line_start + ce
                continue
        if gate.search(line) is not None:
            header = parse_header(line, wanted)


@lru_cache(maxsize=8)
def _header_gate(wanted: frozenset[str]) -> Any:
    """RE2 pattern for a line that mentions a wanted column name (a cheap first test)."""
    words = sorted({re.sub(r"_", "[ _.\\-]?", re2.escape(k).replace("\\_", "_"))
                    for k in wanted}, key=len, reverse=True)
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return re2.compile(r"(?:^|[^a-z0-9])(?:" + "|".join(words) + r")(?:[^a-z0-9]|$)", options)


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

    def detect(self, text: str) -> Iterable[Finding]:
        if "\n" not in text:
            return []
        from classifiers import validators as v

        found: list[Finding] = []
        for key, start, end in table_cells(text, _COLUMN_KEYS):
            value = text[start:end]
            kind = COLUMN_TYPES[key]
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
                shape = _shape(value) or "bare"
                ok = (7 <= sum(ch.isdigit() for ch in value) <= 15
                      and bool(_CANDIDATE.fullmatch(value))
                      and self._phone._plausible(value, shape, True))
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


class PiiDetector:
    """Phone numbers and table columns: the PII checks that need code, not one regex."""

    name = "pii"

    def __init__(self) -> None:
        self._phone = PhoneDetector()
        self._columns = ColumnDetector(self._phone)

    def detect(self, text: str) -> Iterable[Finding]:
        return [*self._phone.detect(text), *self._columns.detect(text)]


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
