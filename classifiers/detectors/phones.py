"""Phone numbers, the Presidio way but without its traps.

Presidio's ``PhoneRecognizer`` hands the whole text to ``phonenumbers.PhoneNumberMatcher``
and scores every hit 0.4 unless a context word is near. Measured on realistic pastes that
finds order ids, shell-history line numbers, amounts and IP addresses, and loses real
phones below the 0.5 threshold. Importing ``presidio_analyzer`` also pulls spaCy (~1.2 s),
so this detector uses the same library underneath (``phonenumbers``, imported on first
use) directly, behind a cheap pre-scan:

0. one RE2 pass over the whole text finds the few places where a phone can be at all: a
   ``+``/``00`` prefix, a NANP grouping, a trunk ``0`` in groups, or a phone word, each
   followed by at least seven digits written with phone separators (``_ANCHORS``). Dates,
   times, versions, IPs, hashes, ids and amounts fail it inside the regex engine; only the
   run of digits and separators around each hit goes on to the steps below, which are the
   exact checks (the pass is a superset of them, so it changes speed, not findings);
1. a linear regex finds digit groups joined by phone separators (candidates);
2. each candidate must have a phone *shape*: a ``+``/``00`` country code, a NANP
   ``(212) 555-0147`` / ``212-555-0147`` grouping, a national number with its trunk ``0``
   written in groups (``020 7946 0958``), or a phone word right before it
   (``Tel:``, ``mobile``, ``call``, ``M:``; a whole word, not ``rpc_svc_call``, and a
   one-letter or slot label takes a colon: ``h = 590923713`` is code);
3. it must not touch a token (``abc-5551234567``, ``id_0207946095``, ``fd:03 960637``,
   ``C++14 20.8``), an amount (``$1 250 000``), a date, a time, an IP or version number, or
   more digit groups than a phone has; it is dropped after an id word (order, invoice,
   ticket, ref, tracking, ...) or a reference word (clause, section, ISSN, DFARS, ISO,
   RFC, ZIP code, ...) unless a phone word is closer, and in the first column of a table
   whose heading names ids (``Part No.``, ``SKU``, ``Order #``);
4. it must be written the way people write phones (``_written_like_a_phone``): not a
   decimal (``0.960923``, ``1.602 176 6208``), a range (``0..999999``), a sum
   (``+ 2789545``), a placeholder (``1234567890``), binary digits, a counting sequence
   (``01 02 03 04 05``), code points (``0626 0649``), an ISO 6709 coordinate, a trunk 0
   standing alone (``0 1 2 3 4 5 6``; the French ``0 800 123 456`` is kept) or dots mixed
   with other separators (``252.227-7013``); a ``ddddd-dddd`` after a US state or before
   "USA" is a ZIP+4 code, and a national number of fewer than eight digits needs a phone
   word;
5. ``phonenumbers`` decides whether the digits can be a number of a region (valid, or for
   NANP-shaped and ``+``-written numbers, possible: fictional 555-01xx numbers are still
   written as phones, but area code 555 and N11 are no one's; a ``00`` prefix needs a
   valid number, as hex dumps are full of ``00``), and a ``+`` number's country code must
   be written whole (``+3.140000`` is not +31).

Nothing here reads or writes files or the network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

import re2

from classifiers.detectors.base import make_finding
from classifiers.detectors.utf8_scan import EncodedText, re2_options
from classifiers.model import Finding

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
_DOTTED_PAIRS = re.compile(r"0[1-9](?:\.[0-9]{2}){4}")  # but 01.42.68.53.00 is a French phone
_SEPARATOR = re.compile(r"[ .\-/()]+")

# Label words (lower case) shared by the exact label test and the pre-scan.
_LABEL_WORDS = (
    "phone|phones|tel|telephone|mobile|mob|cell|cellphone|fax|ph|whatsapp|sms|hotline|"
    "landline|switchboard|helpline|telefon|telefone|telefono|t\u00e9l\u00e9phone|handy"
)
_SLOT_WORDS = "office|home|work|main|direct|[mtpowhf]"
_VERB_WORDS = "call|text|ring|dial|reach|contact"

# A phone word or label ending right before the number (same line): "Tel:", "mobile no.",
# "M:", "call me on". Enough for a bare digit run.
_PHONE_WORDS = re.compile(
    rf"(?i)(?:(?<![A-Za-z0-9_])(?:{_LABEL_WORDS})\.?[ \t]*(?:no\.?|number|#|nr\.?)?[ \t]*[:.=#]?"
    rf"|(?<![A-Za-z0-9_])(?:{_SLOT_WORDS})[ \t]*:"
    rf"|(?<![A-Za-z0-9_])(?:{_VERB_WORDS})(?:[ \t]+(?:me|us|him|her|them))?"
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

# Words that introduce a clause, section, standard or postal code, not a phone: "DFARS
# 252.227-7013", "Clause 252.227-7013", "ISSN 0895-4798", "JIS X 0208-1990", "ZIP code
# 02110-1301". The acronyms are matched in capitals only ("FAR", not "far").
_REFERENCE_WORDS = re.compile(
    r"(?:(?i:(?<![A-Za-z])(?:clause|section|subsection|paragraph|article|subpart|regulation|"
    r"standard|zip|zip[ \t]+code|zipcode|postcode|postal[ \t]+code|issn|isbn)(?![A-Za-z])\.?)"
    r"|(?<![A-Za-z])(?:DFARS?|DFARs|FAR|CFR|U\.?S\.?C|ISO|IEC|RFC|IEEE|ANSI|ASTM|NIST|ETSI|"
    r"JIS|DIN|ECMA|ITU|CCITT)"
    r"(?![A-Za-z])|§)(?:[ \t]+[A-Z]{1,2}(?![A-Za-z]))?[ \t]*(?:no\.?|nr\.?|number|#)?"
    r"[ \t:=#({]*$"
)

# A US ZIP+4 code ("Boston, MA 02110-1301, USA") has the shape of a national number with a
# trunk 0 or of a German one; after a state, or before "USA", it is a postal code.
_ZIP4 = re.compile(r"[0-9]{5}-[0-9]{4}")
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI|"
    "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|"
    "Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|"
    "Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New[ \t]+Hampshire|New[ \t]+Jersey|New[ \t]+Mexico|New[ \t]+York|North[ \t]+Carolina|"
    "North[ \t]+Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode[ \t]+Island|"
    "South[ \t]+Carolina|South[ \t]+Dakota|Tennessee|Texas|Utah|Vermont|Virginia|"
    "Washington|West[ \t]+Virginia|Wisconsin|Wyoming"
)
_STATE_BEFORE = re.compile(
    rf"(?<![A-Za-z])(?:{_US_STATES})\.?,?[^\S\n]*\n?[^\S\n]*[*#/]*[^\S\n]*$")
_USA_AFTER = re.compile(
    r"[^\S\n]*,?[^\S\n]*(?:USA|U\.S\.A|U\.S\.|United[^\S\n]+States)(?![A-Za-z])")

# Digits a person types when a form wants a number: 1234567890, 0000000, 9876543210.
_ASCENDING = "01234567890123456789"
_DESCENDING = _ASCENDING[::-1]
_BINARY = frozenset("01")
_NOT_DIGITS = str.maketrans("", "", "+()-./ ")
# A decimal number (a float in code, a measurement), not a phone written with dots: the
# part before the point is longer than a country code ("+35236450.6") or is a lone 0.
_DECIMAL = re.compile(r"\+?(?:[0-9]{4,}|0)\.[0-9]+")
# NANP area codes that are never a subscriber's: 555 (fiction, "+1 555 555 0123") and the
# N11 service codes.
_NANP_NOT_AREA = frozenset({"555", *(f"{n}11" for n in range(2, 10))})
_NANP_HYPHEN_SPACE = re.compile(r"^(?:1[ .\-]?)?[0-9]{3}-[0-9]{3} ")
_GAPS = re.compile(r"[ .\-/]+")  # separators between digit groups (brackets aside)
# An ISO 6709 position, latitude then longitude: +DDMM[SS]-DDDMM[SS] (zone.tab).
_ISO6709 = re.compile(r"[+\-][0-9]{4}(?:[0-9]{2})?[+\-][01][0-9]{4}(?:[0-9]{2})?")

# An organisation's published line, by how it is introduced: the same low confidence as a
# freephone number (reported, but not as a person's number). Looked for on the number's
# line, up to 80 characters before it ("For support call ... or +44 20 ...") or 40 after
# it ("... from abroad", "lines open 8am-8pm"), unless a person's cue is right before it.
_ORG_BEFORE = re.compile(
    r"(?i)(?<![A-Za-z])(?:(?:call|contact|ring|phone|reach)[ \t]+us|for[ \t]+support|"
    r"support[ \t]+(?:line|number|team)|customer[ \t]+(?:service|services|care|support)|"
    r"helpline|hotline|switchboard|main[ \t]+(?:line|number)|reception|freephone|"
    r"toll[ \t-]?free)(?![A-Za-z])"
)
_ORG_AFTER = re.compile(
    r"(?i)(?<![A-Za-z])(?:from[ \t]+abroad|lines[ \t]+(?:are[ \t]+)?open|opening[ \t]+hours|"
    r"free[ \t]+from)(?![A-Za-z])"
)
_PERSONAL = re.compile(
    r"(?i)(?<![A-Za-z])(?:me|my|mobile|cell|direct|personal|private|home|whatsapp)(?![A-Za-z])"
)

_REGIONS_NATIONAL = ("GB", "DE", "FR", "IN", "AU", "IE", "NL", "ES", "IT", "BR", "ZA", "NZ")

# --- the pre-scan --------------------------------------------------------------------------
# Every candidate is a run of these characters (``_CANDIDATE`` is made of nothing else), so
# candidates in different runs are independent and a run can be scanned on its own.
_RUN_CHARS = "+()0-9 .\\-/"
_RUN_REST = re.compile(rf"[{_RUN_CHARS}]*")
_LAST_OTHER = re.compile(rf"(?s).*[^{_RUN_CHARS}]")  # ends just after the last non-run char


def _digits(n: int) -> str:
    """At least ``n`` more digits, separators allowed between them."""
    return rf"(?:[ .\-/()+]*[0-9]){{{n}}}"


# What a reported value can start with, after a character that does not glue it to a token
# (``_touches_token``): each alternative is necessary for one shape in ``_shape`` or for a
# phone word (``_PHONE_WORDS``, without its look-behinds, which only makes it looser), and
# a value has 7-15 digits. Matches end on a digit inside the value's run. No match holds
# digits before its value (a phone word's "(work)" note is letters only, as in
# ``_PHONE_WORDS``), so a match that starts before another phone ends in that phone's run,
# and every run with a phone is reached.
_NOT_GLUED = r"(?:^|[^0-9A-Za-z_\-./#@&?%*])"
_TRUNK_GROUPS = "|".join(rf"[0-9]{{{k}}}[ .\-/()]{_digits(6 - k)}" for k in range(5))


def _fold_i(words: str) -> str:
    """Python's case-insensitive ``i`` also matches dotted İ and dotless ı; RE2's does not."""
    return words.replace("i", "[i\\x{130}\\x{131}]")


_ANCHORS = re2.compile(
    r"\+" + _digits(7)  # international, +CC
    + rf"|{_NOT_GLUED}(?:\(*00{_digits(5)}"  # international, 00CC
    r"|(?:1[ .\-]?)?(?:\([2-9][0-9]{2}\)[ .\-]?|[2-9][0-9]{2}[ .\-])[0-9]{3}[ .\-][0-9]{4}"
    rf"|\(*0(?:{_TRUNK_GROUPS}))"  # national: trunk 0, first group of at most 4 more digits
    rf"|(?i:(?:(?:{_fold_i(_LABEL_WORDS)})\.?[ \t]*(?:no\.?|number|#|nr\.?)?[ \t]*[:.=#]?"
    rf"|(?:{_fold_i(_SLOT_WORDS)})[ \t]*:"
    rf"|(?:{_fold_i(_VERB_WORDS)})(?:[ \t]+(?:me|us|{_fold_i('him')}|her|them))?"
    r"(?:[ \t]+(?:on|at))?[ \t]*:?)[ \t]*(?:\([a-z\x{130}\x{131}]+\)[ \t]*)?)" + _digits(7),
    re2_options(longest_match=True),
)


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int


@lru_cache(maxsize=1)
def _phonenumbers() -> Any:
    import phonenumbers  # lazy: on warm_up or on the first scan that has a candidate
    from phonenumbers import re_util

    # Keep every compiled metadata pattern: otherwise phonenumbers relies on re's cache
    # (512 patterns, shared with the rest of the process) and recompiles what fell out.
    getattr(re_util, "enable_pattern_cache", lambda: None)()
    return phonenumbers


@lru_cache(maxsize=1)
def warm_up() -> None:
    """Load and compile the metadata of the regions every national-format check uses
    (~35 ms once, when the pii detector is built), so that the first large scan does not
    pay for it; other regions load on first sight of their country code."""
    pn = _phonenumbers()
    for region in ("US", *_REGIONS_NATIONAL):
        for kind in (pn.PhoneNumberType.FIXED_LINE, pn.PhoneNumberType.MOBILE):
            number = pn.example_number_for_type(region, kind)
            if number is not None:
                national = pn.format_number(number, pn.PhoneNumberFormat.NATIONAL)
                pn.number_type(pn.parse(national, region))  # the parse path's patterns too
                _may_be_service(number)


class PhoneDetector:
    """Reports PHONE_NUMBER findings; see the module docstring for what must hold."""

    name = NAME

    def detect(self, text: str) -> Iterable[Finding]:
        try:
            try:
                encoded = EncodedText(text)
            except UnicodeEncodeError:  # lone surrogates: no UTF-8 for RE2, scan it all
                return self._scan(text, 0, len(text))
            return self.detect_encoded(encoded)
        finally:
            forget_numbers()

    def detect_encoded(self, encoded: EncodedText) -> list[Finding]:
        """``detect`` for a text already encoded (strictly) by the caller."""
        text = encoded.text
        found: list[Finding] = []
        done = 0
        for end in encoded.ends(_ANCHORS):
            last = end - 1  # a digit of the run that may hold a phone
            if last < done:
                continue
            run_start, run_end = _run(text, last)
            done = run_end
            if _DATE.fullmatch(text[run_start:run_end].strip(" .-/")):
                continue  # a date alone: no candidate in it has 7 digits but the date
            found.extend(self._scan(text, run_start, run_end))
        return found

    def _scan(self, text: str, start: int, end: int) -> list[Finding]:
        found: list[Finding] = []
        for m in _CANDIDATE.finditer(text, start, end):
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
        if _DATE.fullmatch(value) or (_DOTTED.fullmatch(value)
                                      and not _DOTTED_PAIRS.fullmatch(value)):
            return None
        line_start = text.rfind("\n", 0, cand.start) + 1
        before = text[max(line_start, cand.start - 40) : cand.start]
        labelled = bool(_PHONE_WORDS.search(before))
        near = labelled or bool(_PHONE_NEAR.search(before))
        shape = _shape(value)
        if shape is None:
            if not labelled:
                return None
            shape = "bare"
        if not near:
            if before.endswith(":") and before[-2:-1].isalnum() and value[0] != "+":
                return None  # a field of a token: "fd:03 960637" (a device number, an inode)
            if _ID_WORDS.search(before) or (shape != "international"
                                            and _REFERENCE_WORDS.search(before)):
                return None
            if not text[line_start : cand.start].strip(" \t|") and _first_column_of_ids(
                text, line_start
            ):
                return None  # a row of a table whose first column holds part numbers
        if not _written_like_a_phone(value, shape):
            return None
        if not labelled and _zip_plus_4(text, cand.start, cand.end, value):
            return None
        if shape == "national" and not near and digits < 8:
            return None  # "exec(): 0509-036 Cannot load": only a few Italian and German
            # numbers are this short with their trunk 0; without a phone word, an id
        if not _plausible(value, shape, near):
            return None
        if value[0] == "+" and not _country_code_written_whole(value):
            return None
        if shape == "bare":
            score = 0.75
        elif shape in ("international", "nanp"):
            score = 0.9 if near else 0.8
        else:
            score = 0.85 if near else 0.7
        why = f"phone shape {shape}" + (", phone word before it" if near else "")
        # A business's line is no one's personal data: kept in the result, under the
        # reporting threshold (as role mailboxes are), so a policy may still act on it.
        if _service_number(value):
            score, why = 0.45, why + "; a toll-free, shared-cost or premium service number"
        elif _organisation_line(text, cand.start, cand.end, line_start):
            score, why = 0.45, why + "; introduced as an organisation's line"
        return make_finding("PHONE_NUMBER", text, cand.start, cand.end, score, RECOGNIZER,
                            explanation=why)

    def _plausible(self, value: str, shape: str, near: bool) -> bool:
        return _plausible(value, shape, near)

    def plausible_cell(self, value: str) -> bool:
        """Whether a table cell under a phone column can be a phone number."""
        shape = _shape(value) or "bare"
        return (7 <= sum(ch.isdigit() for ch in value) <= 15
                and bool(_CANDIDATE.fullmatch(value))
                and _written_like_a_phone(value, shape)
                and _plausible(value, shape, True)
                and (value[0] != "+" or _country_code_written_whole(value)))


def _written_like_a_phone(value: str, shape: str) -> bool:
    """False for digits that no one writes as a phone number, whatever a numbering plan
    allows: a range (``0..999999``), a decimal number (``0.960923``, ``+35236450.6``,
    ``1.602 176 6208``), a sum (``+ 2789545``), a placeholder (``1234567890``,
    ``0000000``), binary digits, a counting sequence (``01 02 03 04 05``), an ISO 6709
    coordinate (``+4439-06336``), a national number whose trunk 0 stands alone or which
    has a one-digit group (``0 1 2 3 4 5 6``; ``0 800 123 456`` is still a French
    freephone), or a NANP number without a real area code (``555``, ``0xx``, ``1xx``)."""
    if ".." in value or _DECIMAL.fullmatch(value) or value.startswith("+ "):
        return False
    digits = value.translate(_NOT_DIGITS)  # a candidate holds digits and "+()-./ " only
    used = set(digits)
    if (len(used) == 1 or used <= _BINARY or digits in _ASCENDING or digits in _DESCENDING
            or digits == "12345678910"):
        return False
    if value[0] == "+":
        return not _ISO6709.fullmatch(value)
    groups = [g for g in _SEPARATOR.split(value) if g]
    if len(groups) >= 4 and all(abs(int(b) - int(a)) == 1 for a, b in pairwise(groups)):
        return False
    if shape in ("national", "nanp"):
        if "." in value and len(set(_GAPS.findall(value))) > 1:
            return False  # "0.857 438 2308", "252.227-7013": dots are all or nothing
        if "(" in value.lstrip("(")[1:].replace("(0)", ""):
            return False  # "02-16 (2002)": a bracket after the first group is a note
    if shape == "national" and not value.startswith("(0)"):
        lengths = [len(g) for g in groups]
        if min(lengths[1:]) == 1:
            return False
        if groups[0] == "0" and not (value[1] == " " and len(groups[1]) == 3
                                     and groups[1][0] == "8"):
            return False
        if len(groups) < 5 and set(lengths) == {2}:
            return False  # pairs ("01 23 45 67 89") make ten digits; "01-02-03-04" is bytes
        if groups[1][0] == "0" and set(lengths) == {4} and all(g[0] == "0" for g in groups):
            return False  # code points ("0626 0649"): a subscriber number has no leading 0
    if shape == "nanp":
        if _NANP_HYPHEN_SPACE.search(value):
            return False  # "259-264 1970": a page range and a year
        national = digits[1:] if len(digits) == 11 else digits
        if national[:3] in _NANP_NOT_AREA:
            return False
    return True


def _country_code_written_whole(value: str) -> bool:
    """A "+" number (parsed already by ``_plausible``) has its country code written whole
    (not "+3.140000", read as +31), and a +1 number has a NANP area code."""
    parsed = _parse(value.strip(), None)
    if parsed is None:
        return True  # _plausible says no
    code = str(parsed.country_code)
    if not value.lstrip("+(").startswith(code):
        return False
    if code == "1":
        national = _phonenumbers().national_significant_number(parsed)
        return national[:1] not in ("0", "1") and national[:3] not in _NANP_NOT_AREA
    return True


# lines looked back for the heading line of a table block (a blank line ends a block)
_HEADER_LOOKBACK = 60
_CELL_BREAK = re.compile(r"\t|\||,|;| {2,}")


def _first_column_of_ids(text: str, line_start: int) -> bool:
    """Whether the line at ``line_start`` is a row of a table (a block of lines without a
    blank one) whose first line heads the first column with an id word: "Part No.",
    "SKU", "Order #", "Serial" (parts lists and order exports are full of numbers shaped
    like phones; a column headed with a phone word is the table detector's)."""
    top = line_start
    for _ in range(_HEADER_LOOKBACK):
        if top == 0:
            break
        above = text.rfind("\n", 0, top - 1) + 1
        if not text[above : top - 1].strip():
            break
        top = above
    if top == line_start:
        return False  # no line above in the block: no heading
    end = text.find("\n", top)
    heading = text[top : end if end != -1 else len(text)].strip(" \t|")
    cells = [c.strip() for c in _CELL_BREAK.split(heading) if c.strip()]
    if len(cells) < 2:
        return False  # a title ("Account details"), not a table's heading
    return bool(_ID_WORDS.search(cells[0])) and not _PHONE_WORDS.search(cells[0])


def _zip_plus_4(text: str, start: int, end: int, value: str) -> bool:
    """Whether the value is a US ZIP+4 code: ddddd-dddd after a state (on its line or the
    one before) or before "USA"."""
    if not _ZIP4.fullmatch(value):
        return False
    if _STATE_BEFORE.search(text, max(0, start - 40), start):
        return True
    return _USA_AFTER.match(text, end, end + 24) is not None


def _organisation_line(text: str, start: int, end: int, line_start: int) -> bool:
    """Whether the number is introduced as an organisation's line (switchboard,
    reception, support, "call us") and not as a person's ("call me", "my mobile")."""
    if _PERSONAL.search(text, max(line_start, start - 40), start):
        return False
    if _ORG_BEFORE.search(text, max(line_start, start - 80), start):
        return True
    line_end = text.find("\n", end)
    after_end = end + 40 if line_end < 0 else min(line_end, end + 40)
    return _ORG_AFTER.search(text, end, after_end) is not None


def _run(text: str, pos: int) -> tuple[int, int]:
    """The run of candidate characters around ``pos``."""
    low = max(0, pos - 64)
    m = _LAST_OTHER.match(text, low, pos)
    if m is None and low > 0:  # a run longer than 64 characters: look back to its line start
        low = text.rfind("\n", 0, pos) + 1
        m = _LAST_OTHER.match(text, low, pos)
    start = m.end() if m is not None else low
    end = _RUN_REST.match(text, pos).end()
    return start, end


def forget_numbers() -> None:
    """Drop the numbers remembered during a scan. Called when a scan ends, so that no
    scanned content outlives it (the caches only share work within one scan: the
    plausibility and service checks parse the same numbers)."""
    _parse.cache_clear()
    _plausible.cache_clear()
    _service_number.cache_clear()


@lru_cache(maxsize=4096)
def _parse(number: str, region: str | None) -> Any:
    """``phonenumbers.parse`` (the costly step, ~20-30 us), remembered for the scan; None
    when it cannot be parsed. The number objects are only read."""
    pn = _phonenumbers()
    try:
        return pn.parse(number, region)
    except pn.NumberParseException:
        return None


_SERVICE_PREFIXES = ("800", "888", "877", "866", "855", "844", "833")


@lru_cache(maxsize=4096)
def _service_number(value: str) -> bool:
    """A freephone, shared-cost or premium number (0800 …, 1-800 …): a business's line,
    reported with low confidence."""
    pn = _phonenumbers()
    number = value.strip()
    if number.startswith("00"):
        number = "+" + number[2:].lstrip(" .-")
    digits = "".join(ch for ch in number if ch.isdigit())
    by_prefix = digits.lstrip("1")[:3] in _SERVICE_PREFIXES
    if number.startswith("+") and not by_prefix:
        parsed = _parse(number, None)
        if parsed is None or not _may_be_service(parsed):
            return False  # what follows could only answer False, after costlier checks
    regions = (None,) if number.startswith("+") else ("US", *_REGIONS_NATIONAL)
    service = (pn.PhoneNumberType.TOLL_FREE, pn.PhoneNumberType.PREMIUM_RATE,
               pn.PhoneNumberType.SHARED_COST, pn.PhoneNumberType.UAN)
    for region in regions:
        parsed = _parse(number, region)
        if parsed is None:
            return False
        kind = pn.number_type(parsed)  # UNKNOWN exactly when the number is not valid
        if kind != pn.PhoneNumberType.UNKNOWN:
            return kind in service
    return by_prefix


def _may_be_service(parsed: Any) -> bool:
    """False when no region of the number's country code has a toll-free, premium,
    shared-cost or UAN range that the number fits: then it cannot be of those types.

    Checking those few small patterns first spares compiling a country's large fixed-line
    and mobile patterns (~1 ms a country, on first sight) just to learn that an ordinary
    number is not a service number."""
    pn = _phonenumbers()
    nsn = pn.national_significant_number(parsed)
    for region in pn.region_codes_for_country_code(parsed.country_code):
        metadata = pn.PhoneMetadata.metadata_for_region_or_calling_code(
            parsed.country_code, region)
        if metadata is None:
            continue
        for desc in (metadata.premium_rate, metadata.toll_free, metadata.shared_cost,
                     metadata.uan):
            if _fits(nsn, desc):
                return True
    return False


def _fits(nsn: str, desc: Any) -> bool:
    """Whether a national number fits a number range of the metadata, as phonenumbers
    tests it (possible lengths, then the whole pattern)."""
    if desc is None or not desc.national_number_pattern:
        return False
    if desc.possible_length and len(nsn) not in desc.possible_length:
        return False
    return _metadata_pattern(desc.national_number_pattern).fullmatch(nsn) is not None


@lru_cache(maxsize=2048)
def _metadata_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@lru_cache(maxsize=4096)
def _plausible(value: str, shape: str, near: bool) -> bool:
    pn = _phonenumbers()
    number = value.strip()
    dialled_00 = number.startswith("00")
    if dialled_00:
        number = "+" + number[2:].lstrip(" .-")
    if number.startswith("+"):
        parsed = _parse(number, None)
        if parsed is None:
            return False
        if dialled_00:  # "0063 0001 03" in a hex dump: 00 is a prefix only before a real number
            return bool(pn.is_valid_number(parsed))
        # A grouped "+CC ..." is a phone by its shape even where the range is not
        # allocated (test data, new ranges): possible length is enough.
        return bool(pn.is_possible_number(parsed))
    digits = "".join(ch for ch in number if ch.isdigit())
    if shape == "nanp" or (near and len(digits) == 10 and digits[0] in "23456789"):
        parsed = _parse(number, "US")
        return parsed is not None and bool(pn.is_possible_number(parsed))
    regions = ("US",) + _REGIONS_NATIONAL if near else _REGIONS_NATIONAL
    for region in regions:
        parsed = _parse(number, region)
        if parsed is None:
            return False
        if pn.is_valid_number(parsed):
            return True
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
    if prev.isalnum() or prev in "_-./#@&?%*\\+" or prev in _CURRENCY:
        return True  # "\\051 1997": an octal escape; "C++14 20.8.2.2.4"
    if prev2 in _CURRENCY or (prev in ":," and prev2.isdigit()):
        return True
    if nxt.isalnum() and nxt not in "x" or nxt in "_@%/" or nxt in _CURRENCY:
        return True
    if nxt in ".:-" and nxt2.isalnum() or nxt == "," and (nxt2.isdigit() or nxt2 in ",#*"):
        return True  # "+16465588656,,86422910037#": a conference dial string
    if nxt == " " and nxt2.isdigit() or prev == " " and prev2.isdigit() or nxt == "*":
        return True  # more groups than a phone has ("08 07 06 05 04 03 02 01"); a product
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
