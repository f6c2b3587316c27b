"""Validators: tables of valid and invalid values, check digits computed here."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.validators import VALIDATORS, luhn_ok


def luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    """A Luhn-valid number of ``length`` digits starting with ``prefix``."""
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        if luhn_ok(body + check):
            return body + check
    raise AssertionError("unreachable")


def iban_complete(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{country}{98 - number % 97:02d}{bban}"


def nhs_complete(nine: str) -> str:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    assert check != 10, "pick another body"
    return nine + str(check)


def aba_complete(eight: str) -> str:
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(eight, weights, strict=True))
    return eight + str((10 - total % 10) % 10)


RNG = random.Random(1234)
CARD_SHAPES = [
    ("4", 16), ("4", 13), ("4", 19), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16),
    ("34", 15), ("37", 15), ("6011", 16), ("644", 16), ("65", 19), ("300", 14), ("36", 14),
    ("38", 16), ("3528", 16), ("3589", 19), ("62", 16), ("6304", 18), ("50", 16),
]  # fmt: skip


@pytest.mark.parametrize(("prefix", "length"), CARD_SHAPES)
def test_luhn_accepts_valid_cards_of_every_known_network(prefix: str, length: int) -> None:
    from classifiers.validators import gs1_check_ok

    number = luhn_complete(prefix, length, RNG)
    while length in (12, 13, 14, 18) and gs1_check_ok(number):
        # one compact number in ten of these lengths is also a valid barcode: see below
        number = luhn_complete(prefix, length, RNG)
    assert VALIDATORS["luhn"](number)


def test_a_card_that_is_also_a_valid_barcode_counts_only_when_grouped() -> None:
    from classifiers.validators import gs1_check_ok

    number = luhn_complete("36", 14, RNG)
    while not gs1_check_ok(number):
        number = luhn_complete("36", 14, RNG)
    assert not VALIDATORS["luhn"](number)
    assert VALIDATORS["luhn"](f"{number[:4]} {number[4:10]} {number[10:]}")


def test_luhn_accepts_grouped_card_numbers() -> None:
    number = luhn_complete("4", 16, RNG)
    grouped = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    assert VALIDATORS["luhn"](grouped)
    assert VALIDATORS["luhn"](grouped.replace(" ", "-"))


@pytest.mark.parametrize(
    ("prefix", "length"),
    [("1", 16), ("9", 16), ("2220", 16), ("2721", 16), ("56", 16), ("34", 16), ("4", 15),
     ("51", 15), ("7", 16), ("8", 16)],
)  # fmt: skip
def test_luhn_rejects_unknown_ranges_and_wrong_lengths(prefix: str, length: int) -> None:
    number = luhn_complete(prefix, length, RNG)
    if prefix == "56":  # Maestro 56-58 exists: use a length Maestro does not have
        number = luhn_complete(prefix, 20, RNG)
    assert not VALIDATORS["luhn"](number)


@pytest.mark.parametrize(
    "value", ["4111111111111112", "0000000000000000", "4444444444444444", "4111 1111 1111 111x",
              "", "41111111111111111111111", "4111.1111.1111.111a"],
)  # fmt: skip
def test_luhn_rejects_bad_checksums_and_non_numbers(value: str) -> None:
    assert not VALIDATORS["luhn"](value)


@pytest.mark.parametrize(
    ("country", "bban"),
    [("DE", "370400440532013000"), ("GB", "NWBK60161331926819"), ("FR", "20041010050500013M02606"),
     ("NL", "ABNA0417164300"), ("NO", "86011117947"), ("MT", "MALT011000012345MTLCAST001S")],
)  # fmt: skip
def test_iban_accepts_computed_check_digits(country: str, bban: str) -> None:
    iban = iban_complete(country, bban)
    assert VALIDATORS["iban_mod97"](iban)
    spaced = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    assert VALIDATORS["iban_mod97"](spaced)
    assert VALIDATORS["iban_mod97"](spaced.lower())


def test_iban_rejects_wrong_check_digits_length_and_country() -> None:
    good = iban_complete("DE", "370400440532013000")
    wrong_check = good[:2] + f"{(int(good[2:4]) + 1) % 100:02d}" + good[4:]
    assert not VALIDATORS["iban_mod97"](wrong_check)
    assert not VALIDATORS["iban_mod97"](iban_complete("DE", "3704004405320130001"))  # length
    assert not VALIDATORS["iban_mod97"](iban_complete("QQ", "370400440532013000"))  # country
    assert not VALIDATORS["iban_mod97"]("not an iban at all")


@pytest.mark.parametrize("value", ["4001092815905", "4273537990755", "5080729022274",
                                   "303816431019743797"])
def test_product_and_shipping_barcodes_are_not_cards(value: str) -> None:
    # each passes Luhn with a card prefix, and is a valid EAN-13 / SSCC
    assert VALIDATORS["luhn"](value) is False


@pytest.mark.parametrize("value", ["4001 0928 1590 5", "3056 930902 5904", "4539148803436467"])
def test_grouped_numbers_and_16_digit_cards_are_not_taken_for_barcodes(value: str) -> None:
    assert VALIDATORS["luhn"](value)


@pytest.mark.parametrize("value", ["123-45-6780", "536-22-1234", "772 10 4521", "001010001",
                                   "111-22-3334", "333-22-1112"])
def test_ssn_accepts_assignable_numbers(value: str) -> None:
    assert VALIDATORS["ssn_ranges"](value)


@pytest.mark.parametrize(
    "value",
    ["000-12-3456", "666-12-3456", "900-12-3456", "999-99-9999", "123-00-4567", "123-45-0000",
     "078-05-1120", "219-09-9999", "111-11-1111", "123-45-678", "12a-45-6789",
     "111-22-3333", "222-33-4444", "555-44-3333"],
)  # fmt: skip
def test_ssn_rejects_impossible_and_advertising_numbers(value: str) -> None:
    assert not VALIDATORS["ssn_ranges"](value)


@pytest.mark.parametrize("nine", ["943476591", "401023213", "450557710", "485777345"])
def test_nhs_accepts_computed_check_digit(nine: str) -> None:
    number = nhs_complete(nine)
    assert VALIDATORS["nhs_mod11"](number)
    assert VALIDATORS["nhs_mod11"](f"{number[:3]} {number[3:6]} {number[6:]}")


def test_nhs_rejects_wrong_check_digit_and_check_ten_and_repeats() -> None:
    number = nhs_complete("943476591")
    assert not VALIDATORS["nhs_mod11"](number[:9] + str((int(number[9]) + 1) % 10))
    # body whose check digit would be 10: never issued
    body = next(
        b for b in (f"{i:09d}" for i in range(100000000, 100001000))
        if (11 - sum(int(d) * w for d, w in zip(b, range(10, 1, -1), strict=True)) % 11) == 10
    )
    assert not any(VALIDATORS["nhs_mod11"](body + str(d)) for d in range(10))
    assert not VALIDATORS["nhs_mod11"]("0000000000")
    assert not VALIDATORS["nhs_mod11"]("123456789")


@pytest.mark.parametrize("eight", ["02100002", "11100061", "26107397", "32227419", "80000000"])
def test_aba_accepts_valid_prefix_and_checksum(eight: str) -> None:
    assert VALIDATORS["aba_routing"](aba_complete(eight))


@pytest.mark.parametrize("eight", ["13000000", "45000001", "99000002", "75123456"])
def test_aba_rejects_unassigned_prefixes(eight: str) -> None:
    assert not VALIDATORS["aba_routing"](aba_complete(eight))


def test_aba_rejects_bad_checksum() -> None:
    good = aba_complete("02100002")
    assert not VALIDATORS["aba_routing"](good[:8] + str((int(good[8]) + 1) % 10))


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_jwt_accepts_three_part_token_with_alg_header() -> None:
    token = ".".join([_b64(b'{"alg":"HS256","typ":"JWT"}'), _b64(b'{"sub":"42"}'), _b64(b"sig")])
    assert VALIDATORS["jwt_structure"](token)
    unsigned = _b64(b'{"alg":"none"}') + "." + _b64(b'{"a":1}') + "."
    assert VALIDATORS["jwt_structure"](unsigned)


@pytest.mark.parametrize(
    "token",
    [
        "a.b.c",
        _b64(b'{"typ":"JWT"}') + "." + _b64(b'{"sub":"1"}') + ".sig",  # no alg
        _b64(b'["alg"]') + "." + _b64(b'{"sub":"1"}') + ".sig",  # header not an object
        _b64(b'{"alg":"HS256"}') + "." + _b64(b"[1,2]") + ".sig",  # payload not an object
        _b64(b'{"alg":"HS256"}') + "." + _b64(b'{"a":1}'),  # two parts
        "com.example.package",
        "1.2.3",
    ],
)
def test_jwt_rejects_dotted_strings_that_are_not_tokens(token: str) -> None:
    assert not VALIDATORS["jwt_structure"](token)


@pytest.mark.parametrize("value", ["AB123456C", "ab 12 34 56 c", "JG103759A", "CE-12-34-56-D"])
def test_nino_accepts_valid_prefixes_and_suffixes(value: str) -> None:
    assert VALIDATORS["uk_nino"](value)


@pytest.mark.parametrize(
    "value",
    ["DA123456A", "FA123456A", "AD123456A", "AO123456A", "BG123456A", "GB123456A",
     "NK123456A", "TN123456A", "ZZ123456A", "AB123456E", "AB12345C", "AB000000A"],
)  # fmt: skip
def test_nino_rejects_invalid_prefixes_suffixes_and_shapes(value: str) -> None:
    assert not VALIDATORS["uk_nino"](value)


@pytest.mark.parametrize("value", ["8.8.8.8", "1.1.1.1", "151.101.1.69", "2606:4700:4700::1111"])
def test_public_ip_accepts_global_addresses(value: str) -> None:
    assert VALIDATORS["public_ip"](value)


@pytest.mark.parametrize(
    "value",
    ["127.0.0.1", "10.1.2.3", "172.16.5.4", "192.168.1.1", "169.254.1.1", "0.0.0.0",
     "192.0.2.10", "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1",
     "255.255.255.255", "100.64.0.1", "::1", "fe80::1", "2001:db8::1", "ff02::1", "::",
     "fd00::1", "::ffff:10.0.0.1", "1.2.3", "999.1.1.1", "v1.2.3.4"],
)  # fmt: skip
def test_public_ip_rejects_non_global_and_malformed(value: str) -> None:
    assert not VALIDATORS["public_ip"](value)


@pytest.mark.parametrize(
    "value",
    ["1985-03-12", "12/03/1985", "03/12/1985", "31/12/1999", "12/31/1999", "12.03.85",
     "12 March 1985", "12th of March 1985", "March 12, 1985", "Mar 12 1985", "1 Jan 2030"],
)  # fmt: skip
def test_plausible_date_accepts_common_forms(value: str) -> None:
    assert VALIDATORS["plausible_date"](value)


@pytest.mark.parametrize(
    "value",
    ["1985-13-12", "31/02/1985", "32/01/1985", "12 Smarch 1985", "1899-12-31", "2031-01-01",
     "1.2.3", "v2.10.2024", "12/12/2120"],
)  # fmt: skip
def test_plausible_date_rejects_impossible_dates_and_versions(value: str) -> None:
    assert not VALIDATORS["plausible_date"](value)


@pytest.mark.parametrize("value", ["0000000000", "1111-1111", "123456789", "987654321", "abcdef"])
def test_not_repetitive_rejects_runs(value: str) -> None:
    assert not VALIDATORS["not_repetitive"](value)


@pytest.mark.parametrize("value", ["4929123456781234", "536-22-1234", "a8Fk2"])
def test_not_repetitive_accepts_ordinary_values(value: str) -> None:
    assert VALIDATORS["not_repetitive"](value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_validator_raises_on_any_text(value: str) -> None:
    for name, check in VALIDATORS.items():
        assert isinstance(check(value), bool), name


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[0-9 .\-/A-Za-z]{0,40}", fullmatch=True))
def test_no_validator_raises_on_near_miss_shapes(value: str) -> None:
    for name, check in VALIDATORS.items():
        assert isinstance(check(value), bool), name


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_public_ip_fast_ipv4_path_agrees_with_the_standard_library(number: int) -> None:
    import ipaddress

    ip = ipaddress.IPv4Address(number)
    if ip in ipaddress.IPv4Network("192.0.0.0/24"):  # a few /32s there are global
        return
    expected = ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private)
    assert VALIDATORS["public_ip"](str(ip)) is expected


def test_base64_private_key_accepts_pem_private_keys_only() -> None:
    import base64

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    body = "\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "A" * 64 + "\n"
    for kind in ("RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY"):
        assert VALIDATORS["base64_private_key"](b64(f"-----BEGIN {kind}-----{body}"))
    for kind in ("CERTIFICATE", "PUBLIC KEY", "CERTIFICATE REQUEST"):
        assert not VALIDATORS["base64_private_key"](b64(f"-----BEGIN {kind}-----{body}"))
    assert not VALIDATORS["base64_private_key"]("LS0tLS1CRUdJTi!!not base64")


def test_basic_auth_b64_wants_a_user_a_colon_and_a_password() -> None:
    import base64

    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    assert VALIDATORS["basic_auth_b64"](b64("ci-robot:Vq7#mZ2pLx9k"))
    assert VALIDATORS["basic_auth_b64"](b64("_json_key:secret value"))
    assert not VALIDATORS["basic_auth_b64"](b64("user:"))
    assert not VALIDATORS["basic_auth_b64"](b64("hello world"))
    assert not VALIDATORS["basic_auth_b64"](base64.b64encode(bytes(range(200, 230))).decode())


@pytest.mark.parametrize("value", ["3ffe::1", "3ffe:831f::5", "3fff:12:34::5", "3fff::1"])
def test_public_ip_rejects_the_6bone_and_the_new_documentation_prefix(value: str) -> None:
    assert not VALIDATORS["public_ip"](value)


@pytest.mark.parametrize("value", ["2a00:1450:4001:82a::200e", "3001:4860::1", "2600:1f18::7"])
def test_public_ip_keeps_global_unicast_addresses_outside_those_blocks(value: str) -> None:
    assert VALIDATORS["public_ip"](value)


@pytest.mark.parametrize(("value", "ok"), [
    ("Gr@fana-Nov24!", True), ("Harbour#Light77", True), ("Verte-Prairie42", True),
    ("correcthorsebattery", False),  # letters only
    ("v2.14.3-rc1", False),  # a version: no capital, no symbol
    ("web-01.internal", False), ("counter2_total", False),  # host, identifier
    ("ops@acme.co.uk", False), ("https://x.io/Ab1", False),  # address, URL
    ("Ab1!", False), ("A" * 30 + "1" * 40, False),  # too short, too long
    ("Straße2024!", False),  # not ASCII: not typed as a password here
])
def test_password_shape(value: str, ok: bool) -> None:
    from classifiers.validators import password_shape

    assert password_shape(value) is ok
