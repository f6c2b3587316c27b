"""Numbers in third-party text that have a phone's digits but are not phones
(classifiers/detectors/phones.py): postal codes, clause numbers, floats, ranges, counters,
placeholders, hex dumps. Each class is dropped by how it is written or introduced, and a
real phone written next to the same cues is still reported."""

from __future__ import annotations

import pytest

from classifiers.detectors.phones import PhoneDetector


@pytest.fixture(scope="module")
def phone() -> PhoneDetector:
    return PhoneDetector()


def _phones(detector: PhoneDetector, text: str) -> list[str]:
    return [f.value for f in detector.detect(text)]


NOT_PHONES = {
    "zip+4 after a state": "51 Franklin St, Fifth Floor, Boston, MA 02110-1301, USA.",
    "zip+4 with the state on the line before": "Foundation, Inc., Boston, MA\n 02110-1301 USA",
    "zip+4 after a state name": "Newark, New Jersey 07102-1234",
    "zip+4 before USA": " * 02111-1307, USA.",
    "zip+4 after a label": "ZIP code: 07102-1234",
    "clause number": 'only "Restricted Rights" as defined in Clause 252.227-7013 (c) (1)',
    "regulation number": "restrictions set forth in DFARS 252.227-7013 and FAR 52.227-19",
    "regulation number written with hyphens": "see DFARS 252-227-7013",
    "float": "('0.960923', '2.2beta29', -1),",
    "float with a sign": "ExtendedContext.quantize(Decimal('+35236450.6'), Decimal('1e-2'))",
    "ratio in output": "vmresume         IPC: 0.11 (50/445)",
    "range with dots": "raise ValueError('microsecond must be in 0..999999')",
    "range with a dash": '"""microsecond (0-999999)"""',
    "hash constant after a one-letter variable": "h = 1927868237 * (n + 1)",
    "phone word inside an identifier": '.\\" @(#)rpc_svc_call 1.6 89/07/20 SMI;',
    "counting sequence": "for x in 0 1 2 3 4 5 6 7 8; do",
    "priority map": "qdisc ets 1: root bands 8 priomap 7 6 5 4 3 2 1 0 7 7 7 7 7 7 7 7",
    "counters": (
        "    lo: 2776770   11307    0    0    0     0          0         0  2776770   11307"
    ),
    "table of sectors": "0 2097152 linear /dev/loop0 0",
    "bytes written in pairs": '([1, 2, 3, 4], "01-02-03-04")',
    "zip header dump": "    0066 0002 00 00       General Purpose Flag  0000",
    "hex dump": "0000100 ff ff ff ff 00 00 00 00 20 80 00 00 20 80 00 00",
    "device and inode": "00400000-0048a000 r-xp 00000000 fd:03 960637       /bin/bash",
    "placeholder after a label": "  phone: 1234567890",
    "placeholder in a query": 'name=Jane Doe,emails=[jane@example.com],phone=12345678910"',
    "placeholder of one digit": "phone: 2222222222",
    "no such area code": 'phone:\n  type: string\n  example: "+15555550123"',
    "no such area code, national": "call 555-555-0123",
    "zip+4 between no-break spaces": "Boston,\xa0MA\xa0\xa002110-1301\xa0\xa0USA",
    "terms of a sum": "uk_0 + 50719*uk_1 + 2789545*uk_10 + 411400*uk_100",
    "physical constant with spaced digits": "deuteron g factor      0.857 438 2308   0.000 000 0072",
    "physical constant, NANP-like": "atomic unit of charge     1.602 176 6208 e-19",
    "physical constant, dot then space": "Josephson constant     483 597.8525 e9",
    "signed float read with a country code": '"   \'+3.140000; -3.140000\'\\n"',
    "binary digits": "format(1234, \"+b\") == \"+10011010010\"; 64 = 0100 0000",
    "ISSN": "SIAM J. Matrix Anal. Appl. 32 (3). pp. 1056-1078. ISSN 0895-4798.",
    "ISSN in a bibliography": "#    issn={0209-9683},",
    "standard and year": "Shift-JIS (JIS X 0208-1990), horizontal",
    "page range and year": "Math. Monthly 77, 259-264 1970.",
    "report number and year": "Technical Report 02-16 (2002).",
    "coordinates": "CA\t+4439-06336\tAmerica/Halifax\nUS\t+381515-0854534\tAmerica/Kentucky",
    "colour table": "  0 191 255\t\tdeep sky blue",
    "postscript rectangle": "0 636.002991 468 12 re",
    "counting bytes": "// Prints: <Buffer 01 02 03 04 05>",
    "more groups than a phone": "// Prints: <Buffer 02 01 04 03 06 05 08 07>",
    "code points": "FBF9\t\t<isolated> 0626 0649\n0435 0308 ; [.23C0.0020.0002] # CYRILLIC",
    "section of a standard": "  // C++14 20.8.2.2.4",
    "hex groups": " * <pre>191B1D 02 1F2123 01 050505 02 050505 01 910505 02 910505 00</pre>",
    "message number": "\t    exec(): 0509-036 Cannot load program ./lsof because of",
    "octal escapes": "/Notice (Copyright \\050c\\051 1997, 2009 American Mathematical Society)",
}


@pytest.mark.parametrize("text", NOT_PHONES.values(), ids=NOT_PHONES.keys())
def test_number_written_as_something_else_is_not_a_phone(
        phone: PhoneDetector, text: str) -> None:
    assert _phones(phone, text) == []


STILL_PHONES = [
    # the same digits introduced as a phone
    ("Tel. 02110-1301", "02110-1301"),
    ("Boston, MA 02110-1301 USA, or call (617) 542-5942 for details", "(617) 542-5942"),
    # capitals only: "far" is a word, FAR a regulation
    ("It is not far: 020 7946 0958 is the number", "020 7946 0958"),
    ("Section head: Dr Ng, mobile 07700 900123", "07700 900123"),
    # a reference word reaches only the number right after it
    ("Section A, 020 7946 0958", "020 7946 0958"),
    # a short national number needs its phone word
    ("Tel: 0711 317", "0711 317"),
    ("ISO 27001 audit: ring 020 7946 0958", "020 7946 0958"),
    # a French freephone keeps its lone trunk 0
    ("Numéro vert : 0 800 123 456", "0 800 123 456"),
    ("+44 (0)20 7946 0958", "+44 (0)20 7946 0958"),
    ("dial 0044 20 7946 0958 from abroad", "0044 20 7946 0958"),
    ("06 45 12 78 90", "06 45 12 78 90"),
    ("06-41873920", "06-41873920"),
    # the 555-01xx exchange is fiction, but its area codes are real and people write it
    ("Call me on (415) 555-0132", "(415) 555-0132"),
    ("M: 07700 900123", "07700 900123"),
    ("Mobile:07700 900123", "07700 900123"),
    ("phone_number:+442079460958", "+442079460958"),
    ("Austin, TX 78741\n512-462-4118", "512-462-4118"),
    ("tel:+1-201-555-0123", "+1-201-555-0123"),
    ("Fax: +43-222-216 32 72", "+43-222-216 32 72"),
    ("Mobile +39 347 812 4406", "+39 347 812 4406"),
    ("Tel: 01.23.45.67.98", "01.23.45.67.98"),
    ("Phone: 212.555.0147", "212.555.0147"),
    ("Cell 212 555-0147", "212 555-0147"),
    ("+33 6 12 34 56 78", "+33 6 12 34 56 78"),
    ("(02) 9876 5432", "(02) 9876 5432"),
]


@pytest.mark.parametrize(("text", "value"), STILL_PHONES)
def test_phone_next_to_the_same_cues_is_still_reported(
        phone: PhoneDetector, text: str, value: str) -> None:
    assert value in _phones(phone, text)


def test_a_one_letter_label_needs_a_colon_not_an_assignment(phone: PhoneDetector) -> None:
    assert _phones(phone, "T: 020 7946 0958") == ["020 7946 0958"]
    assert _phones(phone, "t = 2125550147") == []


def test_part_numbers_in_the_first_column_of_a_parts_table_are_not_phones() -> None:
    from classifiers.detectors.phones import PhoneDetector

    d = PhoneDetector()
    parts = ("Bill of materials\n\nPart No.        Description        Qty\n"
             "07-3391-2208    Hinge, steel        2\n555-0142-33     Gasket              1\n")
    sku = "| SKU | Item | Price |\n|---|---|---|\n| 06-2210-4417 | Bracket | 4.20 |\n"
    orders = "Order #\tCustomer\tTotal\n03-5521-7788\tACME\t120.00\n"
    for text in (parts, sku, orders):
        assert [f.value for f in d.detect(text)] == [], text
    # a title is not a table heading; a phone column is not an id column
    kept = ["Account details\n020 7946 0958 (home)\n",
            "Contact   Role\n020 7946 0958   reception\n",
            "Name  Phone\nAna   020 7946 0958\n"]
    for text in kept:
        assert [f.value for f in d.detect(text)] == ["020 7946 0958"], text
