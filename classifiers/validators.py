"""Named validators: checksum and structure checks that a rule's match must pass.

``VALIDATORS[name](value) -> bool``. Each takes the matched value as found in the text
(it may contain spaces, dashes or dots between digit groups) and never raises: anything
it cannot parse is simply not valid.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import ipaddress
import json
import re
from collections.abc import Callable

_NON_DIGIT = re.compile(r"[^0-9]")
_SEPARATORS = re.compile(r"[\s\-.]")


def _digits(value: str) -> str:
    return _NON_DIGIT.sub("", value)


def _all_same(s: str) -> bool:
    return len(set(s)) <= 1


# --- payment cards -----------------------------------------------------------------------


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` (digits only) passes the Luhn mod-10 check."""
    if not digits or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# (lowest prefix, highest prefix, allowed lengths); prefixes compared on the same width.
_CARD_RANGES: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("4", "4", frozenset({13, 16, 19})),  # Visa
    ("51", "55", frozenset({16})),  # Mastercard
    ("2221", "2720", frozenset({16})),  # Mastercard 2-series
    ("34", "34", frozenset({15})),  # American Express
    ("37", "37", frozenset({15})),
    ("6011", "6011", frozenset({16, 17, 18, 19})),  # Discover
    ("644", "649", frozenset({16, 17, 18, 19})),
    ("65", "65", frozenset({16, 17, 18, 19})),
    ("300", "305", frozenset(range(14, 20))),  # Diners Club
    ("36", "36", frozenset(range(14, 20))),
    ("38", "39", frozenset(range(14, 20))),
    ("3528", "3589", frozenset({16, 17, 18, 19})),  # JCB
    ("62", "62", frozenset({16, 17, 18, 19})),  # UnionPay
    ("50", "50", frozenset(range(12, 20))),  # Maestro
    ("56", "58", frozenset(range(12, 20))),
    ("6304", "6304", frozenset(range(12, 20))),
    ("6759", "6759", frozenset(range(12, 20))),
    ("6761", "6763", frozenset(range(12, 20))),
)


def card_network_ok(digits: str) -> bool:
    """True when the number's prefix (IIN) and length belong to a known card network."""
    for low, high, lengths in _CARD_RANGES:
        if len(digits) in lengths and low <= digits[: len(low)] <= high:
            return True
    return False


def gs1_check_ok(digits: str) -> bool:
    """True when the last digit is the GS1 check digit (weights 3 and 1 from the right) of
    a barcode number: UPC-A (12), EAN-13, GTIN-14, SSCC (18)."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    total = sum((ord(ch) - 48) * (3 if i % 2 == 0 else 1)
                for i, ch in enumerate(reversed(digits[:-1])))
    return (10 - total % 10) % 10 == ord(digits[-1]) - 48


# Lengths of GS1 barcode numbers that card lengths share (UPC-A, EAN-13, GTIN-14, SSCC).
_GS1_LENGTHS = frozenset({12, 13, 14, 18})


def luhn(value: str) -> bool:
    """A payment card number: Luhn-valid, a known IIN range and length, not one digit, and
    not a product or shipping barcode: a 12-, 13-, 14- or 18-digit run written without
    separators whose GS1 check digit holds (German EANs start 40-44 and would read as a
    13-digit Visa one time in ten; cards of those lengths are rare and usually grouped)."""
    if _has_foreign_chars(value):
        return False
    digits = _digits(value)
    if len(digits) in _GS1_LENGTHS and digits == value.strip() and gs1_check_ok(digits):
        return False
    return (
        12 <= len(digits) <= 19
        and not _all_same(digits)
        and card_network_ok(digits)
        and luhn_ok(digits)
    )


def _has_foreign_chars(value: str) -> bool:
    """True when the value holds anything besides digits and group separators."""
    return bool(_SEPARATORS.sub("", value).strip("0123456789"))


# --- IBAN --------------------------------------------------------------------------------

# ISO 13616 registry: total IBAN length per country code.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24,
    "DE": 22, "DJ": 27, "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18,
    "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27,
    "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27,
    "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28,
    "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

_IBAN_BODY = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def iban_mod97(value: str) -> bool:
    """An IBAN: known country, that country's length, and ISO 7064 mod-97 remainder 1."""
    compact = re.sub(r"[\s\-]", "", value).upper()
    if not _IBAN_BODY.fullmatch(compact):
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


# --- US SSN ------------------------------------------------------------------------------

# Numbers published in advertising or otherwise known never to be assigned.
_INVALID_SSNS = frozenset({"078051120", "219099999", "457555462", "123456789"})


def ssn_ranges(value: str) -> bool:
    """A US SSN: area not 000/666/900-999, group not 00, serial not 0000, not a known fake,
    and not a form-filler dummy whose every group repeats one digit (111-22-3333)."""
    if _has_foreign_chars(value):
        return False
    d = _digits(value)
    if len(d) != 9 or _all_same(d) or d in _INVALID_SSNS:
        return False
    area, group, serial = d[:3], d[3:5], d[5:]
    if _all_same(area) and _all_same(group) and _all_same(serial):
        return False
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


# --- UK NHS ------------------------------------------------------------------------------


def nhs_mod11(value: str) -> bool:
    """A UK NHS number: 10 digits whose last is the mod-11 check digit (10 is invalid)."""
    if _has_foreign_chars(value):
        return False
    d = _digits(value)
    if len(d) != 10 or _all_same(d):
        return False
    total = sum(int(ch) * w for ch, w in zip(d[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(d[9])


# --- ABA routing -------------------------------------------------------------------------


def _aba_prefix_ok(prefix: int) -> bool:
    return 0 <= prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80


def aba_routing(value: str) -> bool:
    """A US ABA routing number: 9 digits, valid Federal Reserve prefix, 3-7-1 checksum."""
    if _has_foreign_chars(value):
        return False
    d = _digits(value)
    if len(d) != 9 or _all_same(d) or not _aba_prefix_ok(int(d[:2])):
        return False
    weights = (3, 7, 1) * 3
    return sum(int(ch) * w for ch, w in zip(d, weights, strict=True)) % 10 == 0


# --- JWT ---------------------------------------------------------------------------------

_B64URL = re.compile(r"[A-Za-z0-9_\-]+")


def _b64url_json(part: str) -> object:
    if not _B64URL.fullmatch(part):
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        return json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None


def jwt_structure(value: str) -> bool:
    """A JWT: three base64url parts; header a JSON object with an "alg" string; payload a
    JSON object. (An unsigned token with an empty signature still counts.)"""
    parts = value.strip().split(".")
    if len(parts) != 3 or len(value) > 65_536:
        return False
    header = _b64url_json(parts[0])
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        return False
    if "typ" in header and not isinstance(header["typ"], str):
        return False
    payload = _b64url_json(parts[1])
    if not isinstance(payload, dict):
        return False
    return parts[2] == "" or bool(_B64URL.fullmatch(parts[2]))


# --- base64-wrapped credentials ----------------------------------------------------------

_B64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


def _b64_decode(value: str, limit: int) -> bytes | None:
    """The first bytes of standard base64 ``value`` (None when it is not base64)."""
    v = value.strip()
    if not _B64.fullmatch(v):
        return None
    head = v[: (limit // 3 + 1) * 4]
    try:
        return base64.b64decode(head + "=" * (-len(head) % 4))[:limit]
    except (binascii.Error, ValueError):
        return None


def base64_private_key(value: str) -> bool:
    """Base64 of a PEM private key (kubeconfig ``client-key-data``, Helm values, CI
    variables): it decodes to ``-----BEGIN ... PRIVATE KEY-----``, not a certificate or a
    public key."""
    head = _b64_decode(value, 64)
    if head is None or not head.startswith(b"-----BEGIN "):
        return False
    first_line = head.split(b"\n", 1)[0]
    return b"PRIVATE KEY-----" in first_line


_BASIC_AUTH = re.compile(r"[\x21-\x7e]{1,128}:[\x20-\x7e]{4,256}")


def basic_auth_b64(value: str) -> bool:
    """Base64 of ``user:password`` as Docker's config.json ``auth`` and HTTP Basic keep it:
    printable ASCII, a colon, and a password of at least 4 characters."""
    raw = _b64_decode(value, 400)
    if raw is None:
        return False
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return False
    return bool(_BASIC_AUTH.fullmatch(text))


# --- UK NINO -----------------------------------------------------------------------------

_NINO = re.compile(r"([A-Z])([A-Z])([0-9]{6})([A-D])")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def uk_nino(value: str) -> bool:
    """A UK National Insurance number: two prefix letters, six digits, suffix A-D."""
    compact = re.sub(r"[\s\-]", "", value).upper()
    m = _NINO.fullmatch(compact)
    if not m:
        return False
    first, second = m.group(1), m.group(2)
    if first in "DFIQUV" or second in "DFIOQUV":
        return False
    return first + second not in _NINO_BAD_PREFIXES and not _all_same(m.group(3))


# --- IP addresses ------------------------------------------------------------------------


def _v4_block(cidr: str) -> tuple[int, int]:
    net = ipaddress.IPv4Network(cidr)
    return int(net.network_address), int(net.broadcast_address)


# IANA special-purpose IPv4 blocks that are not globally reachable (RFC 6890 and updates).
_V4_NOT_GLOBAL = sorted(
    _v4_block(c)
    for c in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    )
)  # fmt: skip


def _public_ipv4(text: str) -> bool | None:
    """Fast path for dotted-quad IPv4 (most values): None when ``text`` is not one."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    number = 0
    for part in parts:
        if not (part.isdigit() and part.isascii() and len(part) <= 3) or (
            len(part) > 1 and part[0] == "0"
        ):
            return None
        octet = int(part)
        if octet > 255:
            return False
        number = number * 256 + octet
    return not any(low <= number <= high for low, high in _V4_NOT_GLOBAL)


# IPv6 blocks that Python 3.11's ipaddress still calls global: 3fff::/20 is the second
# documentation prefix (RFC 9637, 2024) and 3ffe::/16 was the 6bone test network, returned
# to IANA in 2006 (RFC 3701): addresses in both appear in docs and tests, never on hosts.
_V6_NOT_GLOBAL = (
    ipaddress.IPv6Network("3fff::/20"),
    ipaddress.IPv6Network("3ffe::/16"),
)


def public_ip(value: str) -> bool:
    """A globally routable IPv4/IPv6 address (not loopback, private, link-local,
    documentation (2001:db8::/32, 3fff::/20), the former 6bone 3ffe::/16, multicast,
    unspecified or reserved)."""
    text = value.strip().strip("[]")
    fast = _public_ipv4(text)
    if fast is not None:
        return fast
    if "%" in text:  # a zone id only exists on link-local addresses
        return False
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif any(ip in net for net in _V6_NOT_GLOBAL):
            return False
    return ip.is_global and not (
        ip.is_multicast
        or ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
    )


# --- dates -------------------------------------------------------------------------------

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        )
    )
    for name in names
}  # fmt: skip
# French, Spanish, Portuguese, Italian and German month names (accents as written).
_MONTHS.update({
    name: i + 1
    for i, names in enumerate(
        (
            ("janvier", "enero", "janeiro", "gennaio", "januar", "jänner"),
            ("février", "fevrier", "febrero", "fevereiro", "febbraio", "februar"),
            ("mars", "marzo", "março", "marco", "märz", "maerz"),
            ("avril", "abril", "aprile"),
            ("mai", "mayo", "maio", "maggio"),
            ("juin", "junio", "junho", "giugno", "juni"),
            ("juillet", "julio", "julho", "luglio", "juli"),
            ("août", "aout", "agosto"),
            ("septembre", "septiembre", "setembro", "settembre", "setiembre"),
            ("octobre", "octubre", "outubro", "ottobre", "oktober"),
            ("novembre", "noviembre", "novembro"),
            ("décembre", "decembre", "diciembre", "dezembro", "dicembre", "dezember"),
        )
    )
    for name in names
})  # fmt: skip

_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUM_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})")
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s+(?:(?:of|de)\s+)?([^\W\d_]+)\.?,?\s+(?:de\s+)?(\d{4})"
)
# 15-Jul-1954, 15/Jul/1954, 15-JUL-54: the form of clinical and government systems
_DAY_MON_YEAR_DASHED = re.compile(r"(\d{1,2})([-/])([A-Za-z]{3,9})\2(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")

_MIN_YEAR, _MAX_YEAR = 1900, 2030


def _real_date(year: int, month: int, day: int) -> bool:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return False
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _two_digit_year(y: str) -> int:
    year = int(y)
    if len(y) == 2:
        year += 1900 if year > 30 else 2000
    return year


def plausible_date(value: str) -> bool:
    """A real calendar date in a common written form with a year in 1900..2030.

    Accepts ISO (1985-03-12), day/month/year and month/day/year (either order that gives
    a real date), "12 March 1985", "March 12, 1985", "15-Jul-1954", and month names in
    French, Spanish, Portuguese, Italian and German ("7 de março de 1993", "12. März 1990").
    """
    text = value.strip()
    if len(text) > 40:
        return False
    if m := _ISO_DATE.fullmatch(text):
        return _real_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _NUM_DATE.fullmatch(text):
        a, b, year = int(m.group(1)), int(m.group(2)), _two_digit_year(m.group(3))
        return _real_date(year, b, a) or _real_date(year, a, b)
    if m := _DAY_MON_YEAR_DASHED.fullmatch(text):
        month = _MONTHS.get(m.group(3).lower())
        year = _two_digit_year(m.group(4))
        return month is not None and _real_date(year, month, int(m.group(1)))
    if m := _DAY_MONTH_YEAR.fullmatch(text):
        month = _MONTHS.get(m.group(2).lower())
        return month is not None and _real_date(int(m.group(3)), month, int(m.group(1)))
    if m := _MONTH_DAY_YEAR.fullmatch(text):
        month = _MONTHS.get(m.group(1).lower())
        return month is not None and _real_date(int(m.group(3)), month, int(m.group(2)))
    return False


# --- repetition --------------------------------------------------------------------------


def is_simple_run(value: str) -> bool:
    """True for one repeated character or a run of consecutive code points (abcd, 4321)."""
    if len(value) < 2:
        return True
    step = ord(value[1]) - ord(value[0])
    if step not in (-1, 0, 1):
        return False
    return all(ord(b) - ord(a) == step for a, b in zip(value, value[1:], strict=False))


def not_repetitive(value: str) -> bool:
    """False for values that are one repeated character or a simple ascending/descending
    run, ignoring separators (0000-0000, 1234 5678 9, abcdef)."""
    compact = _SEPARATORS.sub("", value)
    return bool(compact) and not is_simple_run(compact)


# Card numbers that card networks and payment processors publish for testing (Visa,
# Mastercard, Amex, Discover, JCB, Diners, UnionPay test numbers as listed in the public
# test-card pages of Stripe, Braintree/PayPal, Adyen, Authorize.net, Worldpay and
# Checkout.com). No issuer gives them to a cardholder: the rule credit-card leaves them
# out (filter), and credit-card-test-number reports them unless the text says test.
_PUBLISHED_TEST_CARDS = frozenset(
    """
    4111111111111111 4242424242424242 4012888888881881 4222222222222 4000056655665556
    4000000000000002 4000000000000010 4000000000000036 4000000000000044 4000000000000069
    4000000000000077 4000000000000101 4000000000000119 4000000000000127 4000000000000259
    4000000000000341 4000000000003055 4000000000003063 4000000000003220 4000000000003238
    4000000000004954 4000000000006975 4000000000009979 4000000000009987 4000000000009995
    4000002500003155 4000002760003184 4000008400001629 4100000000000019 4005519200000004
    4009348888881881 4012000033330026 4012000077777777 4217651111111119 4500600000000061
    4111111145551142 4007000000027 4012888818888 4444333322221111 4917610000000000
    4543474002249996 4988438843884305 4166676667666746
    5555555555554444 5105105105105100 5200828282828210 2223003122003222 2223000048400011
    5555341244441115 2222400070000005 5424000000000015 2223000010309703 5436031030606378
    5101180000000007
    378282246310005 371449635398431 378734493671000 370000000000002 345678901234564
    6011111111111117 6011000990139424 6011981111111113 6011601160116611 6011000000000012
    3566002020360505 3530111333300000 6200000000000005
    30569309025904 38520000023237 3056930009020004 36227206271667 36006666333344
    38000000000006
    """.split()
)  # fmt: skip
_CARD_SEPARATORS = re.compile(r"[\s\-.]")


def published_test_card(value: str) -> bool:
    """A payment card number from the networks' and processors' published test lists
    (4242 4242 4242 4242, 5555 5555 5555 4444, 4000 0000 0000 0002, ...)."""
    return _CARD_SEPARATORS.sub("", value) in _PUBLISHED_TEST_CARDS


_PASSWORD_SYMBOLS = frozenset("!@#$%^&*?~+=")


def password_shape(value: str) -> bool:
    """A token typed as a password: 8 to 64 ASCII characters (the rule takes 40 at most), letters and digits or
    symbols, and a capital letter or a symbol among them (a version, a host name or a
    lower-case identifier is not); not an e-mail address or a URL."""
    if not 8 <= len(value) <= 64 or not value.isascii() or "://" in value:
        return False
    if "@" in value and "." in value.rsplit("@", 1)[1]:
        return False  # an e-mail address
    has_letter = any(c.isalpha() for c in value)
    has_digit_or_symbol = any(c.isdigit() or c in _PASSWORD_SYMBOLS for c in value)
    has_capital_or_symbol = any(c.isupper() or c in _PASSWORD_SYMBOLS for c in value)
    return has_letter and has_digit_or_symbol and has_capital_or_symbol


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "luhn": luhn,
    "iban_mod97": iban_mod97,
    "ssn_ranges": ssn_ranges,
    "nhs_mod11": nhs_mod11,
    "aba_routing": aba_routing,
    "jwt_structure": jwt_structure,
    "uk_nino": uk_nino,
    "public_ip": public_ip,
    "plausible_date": plausible_date,
    "not_repetitive": not_repetitive,
    "base64_private_key": base64_private_key,
    "basic_auth_b64": basic_auth_b64,
    "published_test_card": published_test_card,
    "password_shape": password_shape,
}
