"""Check digits the generator computes so that structured values are really valid.

Definitions are the public ones: Luhn (ISO/IEC 7812), IBAN mod-97 (ISO 13616), NHS
number mod-11 (NHS Data Dictionary) and the ABA routing-number checksum (weights 3-7-1).
"""

from __future__ import annotations


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(payload)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    digits = [c for c in number if c.isdigit()]
    if len(digits) < 2:
        return False
    return luhn_check_digit("".join(digits[:-1])) == digits[-1]


def _iban_numeric(text: str) -> int:
    return int("".join(str(int(c, 36)) for c in text))


def iban_check_digits(country: str, bban: str) -> str:
    remainder = _iban_numeric(bban + country + "00") % 97
    return f"{98 - remainder:02d}"


def iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "").upper()
    return len(compact) > 4 and _iban_numeric(compact[4:] + compact[:4]) % 97 == 1


def nhs_check_digit(first_nine: str) -> int | None:
    """The NHS mod-11 check digit, or None when the nine digits cannot be completed."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_valid(number: str) -> bool:
    digits = "".join(c for c in number if c.isdigit())
    if len(digits) != 10:
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def aba_check_digit(first_eight: str) -> str:
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(first_eight, weights, strict=True))
    return str((10 - total % 10) % 10)


def aba_valid(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    weights = (3, 7, 1, 3, 7, 1, 3, 7, 1)
    return sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 10 == 0
