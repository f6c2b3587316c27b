"""Phone numbers and table-column context (classifiers/detectors/presidio.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from classifiers.build import EngineOptions
from classifiers.detectors.presidio import ColumnDetector, PhoneDetector, make_detector


@pytest.fixture(scope="module")
def phone() -> PhoneDetector:
    return PhoneDetector()


def _phones(detector: PhoneDetector, text: str) -> list[str]:
    return [f.value for f in detector.detect(text) if f.entity_type == "PHONE_NUMBER"]


PHONES = [
    ("Call me on (415) 555-0132 tomorrow", "(415) 555-0132"),
    ("Tel: +44 20 7946 0958", "+44 20 7946 0958"),
    ("mobile 07700 900123", "07700 900123"),
    ("--\nJohn Smith\nM: +1 212-555-0147", "+1 212-555-0147"),
    ("phone: 2125550147", "2125550147"),
    ("Office: 020 7946 0958 | Fax: 020 7946 0959", "020 7946 0958"),
    ("WhatsApp +91 98765 43210", "+91 98765 43210"),
    ("from abroad dial 0044 20 7946 0958", "0044 20 7946 0958"),
    ("Support line: 1-800-555-0199", "1-800-555-0199"),
    ("| Jane Roe | jane@x.com | (415) 555-0132 |", "(415) 555-0132"),
    ("83523,Seo-yeon Choi,seo@x.de,020 3491 1565,BR", "020 3491 1565"),
    ("Reference check with Oluwaseun Okafor (+44 20 5370 8714).", "+44 20 5370 8714"),
]


@pytest.mark.parametrize(("text", "value"), PHONES)
def test_phone_in_phone_shape_is_reported(phone: PhoneDetector, text: str, value: str) -> None:
    assert value in _phones(phone, text)


NOT_PHONES = [
    "Order 555-123-4567 shipped",  # an order id in phone shape
    "order #12345678",
    "  1234  git status\n  1235  git push",  # shell-history line numbers
    "total $1 250 000",  # an amount
    "price 1,234,567.89 EUR",
    "10.20.30.40 - - [11/Jun/2024] GET /",  # an IP at the start of a log line
    "2024-06-11 10:02:33 INFO started",  # a timestamp
    "upgraded to version 1.2.3.4",
    "id_02079460958 and abc-5551234567",  # parts of tokens
    "ts=1718100000 level=info",
    "1234567890",  # a bare digit run without a phone word
    "Reference number: 9186 0594 9834 5637.",  # one long reference, not a phone inside it
    "ISBN 978-3-16-148410-0",
    "invoice no. 0207946095",
    "coordinates 51.5072 -0.1276",
]


@pytest.mark.parametrize("text", NOT_PHONES)
def test_number_that_is_not_a_phone_is_not_reported(phone: PhoneDetector, text: str) -> None:
    assert _phones(phone, text) == []


def test_phone_word_raises_the_score(phone: PhoneDetector) -> None:
    (bare,) = phone.detect("see (415) 555-0132")
    (worded,) = phone.detect("call (415) 555-0132")
    assert worded.score > bare.score >= 0.75


def test_phone_detector_never_raises_on_odd_text(phone: PhoneDetector) -> None:
    odd = "(((+1 ))) 00 - / ) 5" * 50 + "\x00+" + "9" * 400
    assert isinstance(list(phone.detect(odd)), list)


CSV_EXPORT = (
    "patient_name,dob,nhs_number,mrn,phone\n"
    "Fatima Al-Sayed,14/07/1962,943 476 5919,H8160003,020 7946 0958\n"
    "Tom Baker,1999-12-28,9434765870,ZR342913,07700 900123\n"
    "\n"
    "notes: 1999-12-28 is also the day the ward opened\n"
)


def test_cells_under_a_named_column_are_reported_with_their_type() -> None:
    found = sorted((f.entity_type, f.value) for f in ColumnDetector(PhoneDetector()).detect(
        CSV_EXPORT))
    assert found == [
        ("DATE_OF_BIRTH", "14/07/1962"),
        ("DATE_OF_BIRTH", "1999-12-28"),
        ("MEDICAL_RECORD_NUMBER", "H8160003"),
        ("MEDICAL_RECORD_NUMBER", "ZR342913"),
        ("PHONE_NUMBER", "020 7946 0958"),
        ("PHONE_NUMBER", "07700 900123"),
        ("UK_NHS", "943 476 5919"),
        ("UK_NHS", "9434765870"),
    ]


def test_placeholders_and_fictional_area_codes_under_a_phone_column_are_not_phones() -> None:
    text = ("name,phone\nJane Doe,1234567890\nJohn Doe,+1 555 555 0123\n"
            "Ada Lovelace,020 7946 0958\n")
    found = [f.value for f in ColumnDetector(PhoneDetector()).detect(text)]
    assert found == ["020 7946 0958"]


def test_column_cells_still_need_to_pass_their_check() -> None:
    text = "nhs_number,dob\n9434765871,31/02/1985\n"  # bad check digit, no such date
    assert list(ColumnDetector(PhoneDetector()).detect(text)) == []


def test_markdown_table_columns_are_read() -> None:
    text = "| Name | SSN |\n|------|-----|\n| Jane Roe | 536-90-4399 |\n"
    found = [(f.entity_type, f.value) for f in ColumnDetector(PhoneDetector()).detect(text)]
    assert found == [("US_SSN", "536-90-4399")]


def test_factory_returns_a_working_detector() -> None:
    detector, notice = make_detector(EngineOptions())
    assert detector is not None and notice is None
    assert {f.entity_type for f in detector.detect("Tel: +44 20 7946 0958")} == {
        "PHONE_NUMBER"
    }


def test_phone_detection_does_not_import_presidio_or_spacy() -> None:
    # Cold start: Presidio pulls spaCy (about a second); the phone check must not need it.
    code = (
        "import sys\n"
        "from classifiers.detectors.presidio import PhoneDetector\n"
        "assert list(PhoneDetector().detect('Tel: +44 20 7946 0958'))\n"
        "print(sorted(m for m in ('presidio_analyzer', 'spacy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_scanning_needs_no_network(phone: PhoneDetector) -> None:
    # the autouse fixtures fail the test on any DNS lookup or socket connect
    assert _phones(phone, "Tel: +44 20 7946 0958, mail a@b.co.uk") == ["+44 20 7946 0958"]


ORGANISATION_LINES = [
    ("For support call 0800 123 4567 (free from UK landlines) or +44 20 3000 0000 from "
     "abroad — lines open 8am–8pm.", "+44 20 3000 0000"),
    ("Reception: 020 7946 0958", "020 7946 0958"),
    ("Switchboard +44 20 7946 0000", "+44 20 7946 0000"),
    ("Questions? Call us on (415) 555-0132.", "(415) 555-0132"),
    ("Customer service 020 7946 0958 (opening hours 9-5)", "020 7946 0958"),
]


@pytest.mark.parametrize(("text", "value"), ORGANISATION_LINES)
def test_a_number_introduced_as_an_organisations_line_is_reported_with_low_confidence(
        phone: PhoneDetector, text: str, value: str) -> None:
    # kept in the result, under the reporting threshold (0.5), like role mailboxes
    scores = {f.value: f.score for f in phone.detect(text)}
    assert 0.4 <= scores[value] < 0.5


@pytest.mark.parametrize(("text", "value"), [
    ("Switchboard: +44 20 7946 0000, my mobile +44 7700 900123", "+44 7700 900123"),
    ("Reception is closed; call me on 020 7946 0958", "020 7946 0958"),
    ("Tel: +44 20 7946 0958", "+44 20 7946 0958"),
])
def test_a_persons_number_keeps_its_confidence_near_an_organisations_line(
        phone: PhoneDetector, text: str, value: str) -> None:
    scores = {f.value: f.score for f in phone.detect(text)}
    assert scores[value] >= 0.8


def test_pii_detector_never_raises_on_random_text() -> None:
    import random

    from classifiers.detectors.presidio import PiiDetector

    detector = PiiDetector()
    rng = random.Random(7)
    pieces = ["0", "7", "+", "(", ")", " ", "  ", "-", ".", "/", ",", "|", "\t", "\n", "\r",
              "phone", "Tel:", "dob", "é", "日", "\ud800", "\x00", "\u2003", "00", "+44 20 ",
              "name,phone\n", "| Phone |\n|---|\n"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 120)))
        for f in detector.detect(text):
            assert 0 <= f.start < f.end <= len(text) and f.value == text[f.start : f.end]
