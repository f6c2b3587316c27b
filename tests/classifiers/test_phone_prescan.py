"""The phone detector's whole-text pre-scan (classifiers/detectors/phones.py): it only
decides where the exact checks run, so it must never lose a phone they would find, and it
must reject ordinary numbers inside the regex engine."""

from __future__ import annotations

import random

import pytest

from classifiers.detectors.phones import _ANCHORS, PhoneDetector
from classifiers.detectors.utf8_scan import EncodedText


@pytest.fixture(scope="module")
def phone() -> PhoneDetector:
    return PhoneDetector()


def _key(findings: object) -> list[tuple[int, int, float, str]]:
    return [(f.start, f.end, f.score, f.explanation) for f in findings]  # type: ignore[attr-defined]


def _same_as_full_scan(detector: PhoneDetector, text: str) -> None:
    assert _key(detector.detect(text)) == _key(detector._scan(text, 0, len(text)))


TRICKY = [
    "Tel: +44 20 7946 0958 / +44 20 7946 0959",
    "Mobile (work): 07700 900123",
    "M: 07700 900123  Fax: 020 7946 0959",
    "call me on 2125550147 or ring us at 415.555.0132",
    "((312) 555-0198) and (+1) 212 555 0147",
    "dial 0044 20 7946 0958, or (0044) 20 7946 0958",
    "+44 (0)20 7946 0958 and 0 20 7946 0958",
    "1-800-555-0199 / 1 (800) 555 0199",
    "TÉLÉPHONE 01 23 45 67 89 · téléphone: 01 23 45 67 89",
    "MOB\u0130LE: 2125550147 and mob\u0131le 2125550148 and WOR\u212a: 2125550149",
    "naïve café — Tel: +33 1 23 45 67 89 ✓ then 020 7946 0958",
    "+16465588656,,86422910037# and +1 646 558 8656",
    "order 555-123-4567 vs phone 555-123-4567",
    "tracking 1Z 204 E2A 03 1234 5678 and 020 7946 0958",
    "ref: 020 7946 0958 (call 020 7946 0959)",
    "x" * 70 + " " + "1 " * 80 + "020 7946 0958",
    "\n".join(f"{i:>5}  020 7946 {i:04d}" for i in range(50)),
    "cell(0044 20 7946 0958'Tel:)0044 20 7946 09580",  # a note in brackets holds a phone
    "Tel (x,phone,y) 2125550147\nphone\t2125550147\n|tel|+44 20 7946 0958|",
    "h = 1927868237; m: 2125550147; office = 020 7946 0958; rpc_call 020 7946 0959",
    "Boston, MA 02110-1301, USA; Tel. 02110-1301; DFARS 252.227-7013; call 252.227-7013",
    "0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 and 0 800 123 456 and +3.140000",
]


@pytest.mark.parametrize("text", TRICKY)
def test_prescan_finds_what_a_full_scan_finds(phone: PhoneDetector, text: str) -> None:
    _same_as_full_scan(phone, text)


def test_prescan_agrees_with_a_full_scan_on_generated_phone_like_text(
        phone: PhoneDetector) -> None:
    rng = random.Random(20261128)
    context = ["", " ", "Tel: ", "phone no. ", "M: ", "call me on ", "x", "_", "order ", "$",
               "(", "+", "\n", ",", "|", "Mobile (home): ", "graph ", "  ", "é "]
    separators = [" ", "-", ".", "/", "  ", " / ", ") ", "(", ")", "", " (0) "]
    for _ in range(3000):
        parts = [rng.choice(context)]
        if rng.random() < 0.3:
            parts.append(rng.choice(["+", "00", "0", "(0", "+1 ", "1-", "("]))
        for _group in range(rng.randint(1, 6)):
            parts.append("".join(rng.choice("0123456789") for _ in range(rng.randint(1, 5))))
            parts.append(rng.choice(separators))
        parts.append(rng.choice(["", " ", ".", ":", "x", ",", "\n", "-5", "@"]))
        text = "".join(parts)
        _same_as_full_scan(phone, text + " " + text)


HARD_NEGATIVES = [
    "2024-06-11 10:02:33 INFO started worker 3 of 12",
    "upgraded from 1.2.3 to 10.20.30.40 (build 20240611)",
    "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b, sha256 2c26b46b68ffc68ff99b453c1d304134",
    "GET /api/v2/items/1234567?page=20 HTTP/1.1 200 5123 0.023",
    "total $1,234,567.89 for 12 items; ratio 0.25; 3.14159265",
    "uuid 123e4567-e89b-12d3-a456-426614174000 ts=1718100000",
    "lat 51.5072, lon -0.1276; temps 21 22 23 24 25 26 27",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_ordinary_numbers_are_rejected_inside_the_prescan(text: str) -> None:
    assert list(EncodedText(text).ends(_ANCHORS)) == []


def test_phone_after_non_ascii_text_has_character_offsets(phone: PhoneDetector) -> None:
    text = "Grüße aus Köln — 日本語 — Tel: +49 221 123456 78"
    (found,) = phone.detect(text)
    assert found.value == "+49 221 123456 78"
    assert text[found.start : found.end] == found.value


def test_text_without_a_utf8_form_is_still_scanned(phone: PhoneDetector) -> None:
    text = "broken \ud800 surrogate. Tel: +44 20 7946 0958"
    assert [f.value for f in phone.detect(text)] == ["+44 20 7946 0958"]


def test_no_scanned_number_is_remembered_after_a_scan() -> None:
    from classifiers.detectors import phones
    from classifiers.detectors.presidio import PiiDetector

    text = "Tel: +44 20 7946 0958\nname,phone\nAda,020 7946 0958\n"
    from classifiers.detectors.table_columns import ColumnDetector

    for detect in (PhoneDetector().detect, PiiDetector().detect,
                   ColumnDetector(PhoneDetector()).detect):
        assert list(detect(text))
        for cache in (phones._parse, phones._plausible, phones._service_number):
            assert cache.cache_info().currsize == 0
