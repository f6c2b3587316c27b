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
from typing import TYPE_CHECKING, Any

from classifiers.detectors.base import Detector, make_finding
from classifiers.model import Finding

if TYPE_CHECKING:
    from classifiers.build import EngineOptions

NAME = "phone"
RECOGNIZER = "presidio/phone"

# Digit groups joined by one or two separator characters; linear, never crosses a line.
_CANDIDATE = re.compile(
    r"(?:\+|\b00[ .\-]?)?\(?[0-9]{1,15}\)?(?:(?:[ .\-/]{1,2}|\)[ ]?)\(?[0-9]{1,8}\)?){0,6}"
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
    r"price|usd|eur|gbp)(?![A-Za-z])[^0-9\n]{0,12}$"
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
        return make_finding("PHONE_NUMBER", text, cand.start, cand.end, score, RECOGNIZER,
                            explanation=why)

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
                return bool(pn.is_valid_number(parsed) or (near and pn.is_possible_number(parsed)))
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
    if prev2 in _CURRENCY or (prev == ":" and prev2.isdigit()):
        return True
    if nxt.isalnum() and nxt not in "x" or nxt in "_@%/" or nxt in _CURRENCY:
        return True
    if nxt in ".,:-" and nxt2.isalnum():
        return True
    return False


def _splits(text: str, start: int, end: int) -> Iterator[_Candidate]:
    """The candidate, then (when a run holds several numbers) its pieces split at spaces
    or slashes, longest first; each trimmed of separators at its ends."""
    s, e = _trim(text, start, end)
    yield _Candidate(s, e)
    cuts = [i for i in range(s + 1, e) if text[i] in " /" and text[i - 1] not in " /"]
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
    return start, end


def make_detector(options: EngineOptions) -> tuple[Detector | None, str | None]:
    """The phone detector, or a notice when phonenumbers (a presidio dependency) is missing."""
    try:
        import importlib.util

        if importlib.util.find_spec("phonenumbers") is None:
            raise ImportError("phonenumbers")
    except ImportError:
        return None, "phone numbers not checked: the phonenumbers package is not installed"
    return PhoneDetector(), None
