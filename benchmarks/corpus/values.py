"""Generators of synthetic sensitive values with the right structure.

Every value is random; the structure (prefix, length, alphabet, check digits) follows the
public definitions so that a validating detector has something real to validate.
"""

from __future__ import annotations

import base64
import json
import random
import string

from benchmarks.corpus.checksums import (
    aba_check_digit,
    iban_check_digits,
    luhn_check_digit,
    nhs_check_digit,
)
from benchmarks.corpus.people import Person

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"


def rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


# --- financial -----------------------------------------------------------------------

_CARD_PREFIXES = (
    ("4", 16), ("4", 16), ("51", 16), ("53", 16), ("55", 16), ("2221", 16), ("2500", 16),
    ("2720", 16), ("34", 15), ("37", 15), ("6011", 16), ("65", 16), ("3528", 16),
    ("3566", 16), ("3589", 16),
)


def credit_card(rng: random.Random) -> str:
    prefix, length = rng.choice(_CARD_PREFIXES)
    payload = prefix + digits(rng, length - len(prefix) - 1)
    number = payload + luhn_check_digit(payload)
    style = rng.random()
    if length == 15:
        groups = [number[:4], number[4:10], number[10:]]
    else:
        groups = [number[i:i + 4] for i in range(0, 16, 4)]
    if style < 0.45:
        return " ".join(groups)
    if style < 0.7:
        return "-".join(groups)
    return number


# country -> list of (kind, length) for the BBAN: "n" digits, "a" upper letters, "c" alnum
_IBAN_FORMATS: dict[str, tuple[tuple[str, int], ...]] = {
    "DE": (("n", 18),),
    "GB": (("a", 4), ("n", 14)),
    "IE": (("a", 4), ("n", 14)),
    "FR": (("n", 10), ("c", 11), ("n", 2)),
    "ES": (("n", 20),),
    "IT": (("a", 1), ("n", 10), ("c", 12)),
    "NL": (("a", 4), ("n", 10)),
    "BE": (("n", 12),),
    "CH": (("n", 5), ("c", 12)),
    "AT": (("n", 16),),
    "PL": (("n", 24),),
    "SE": (("n", 20),),
    "NO": (("n", 11),),
    "DK": (("n", 14),),
    "PT": (("n", 21),),
    "FI": (("n", 14),),
}


def iban(rng: random.Random) -> str:
    country = rng.choice(list(_IBAN_FORMATS))
    bban = ""
    for kind, n in _IBAN_FORMATS[country]:
        alphabet = {"n": string.digits, "a": string.ascii_uppercase, "c": UPPER_DIGITS}[kind]
        bban += rand(rng, alphabet, n)
    compact = country + iban_check_digits(country, bban) + bban
    if rng.random() < 0.6:
        return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
    return compact


# The first two digits of a routing number are a Federal Reserve district (01-12), a
# thrift (21-32), an electronic (61-72) or a traveller's cheque (80) prefix.
_ABA_PREFIXES = tuple(f"{n:02d}" for n in (*range(1, 13), *range(21, 33), *range(61, 73), 80))


def aba_routing(rng: random.Random) -> str:
    first = rng.choice(_ABA_PREFIXES) + digits(rng, 6)
    return first + aba_check_digit(first)


def bank_account(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + digits(rng, rng.randint(7, 13))


# --- US / UK identifiers -------------------------------------------------------------


def us_ssn(rng: random.Random, dashed: bool = True) -> str:
    area = rng.randint(1, 899)
    while area == 666:
        area = rng.randint(1, 899)
    value = f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
    return value if dashed else value.replace("-", "")


def us_passport(rng: random.Random) -> str:
    if rng.random() < 0.35:
        return rng.choice("ACEFGHJKLMNPRSTUVWXYZ") + digits(rng, 8)
    return str(rng.randint(1, 9)) + digits(rng, 8)


# state -> generator of a licence number of that state's shape
def us_driver_license(rng: random.Random) -> tuple[str, str]:
    state = rng.choice(("CA", "NY", "FL", "TX", "IL", "WA", "PA", "NJ", "OH", "MI"))
    letter = rng.choice(string.ascii_uppercase)
    if state == "CA":
        number = letter + digits(rng, 7)
    elif state == "NY":
        number = " ".join((digits(rng, 3), digits(rng, 3), digits(rng, 3)))
    elif state == "FL":
        number = f"{letter}{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 2)}-{digits(rng, 3)}-0"
    elif state == "TX":
        number = digits(rng, 8)
    elif state == "IL":
        number = f"{letter}{digits(rng, 3)}-{digits(rng, 4)}-{digits(rng, 4)}"
    elif state == "WA":
        number = "WDL" + rand(rng, UPPER_DIGITS, 9)
    elif state == "PA":
        number = f"{digits(rng, 2)} {digits(rng, 3)} {digits(rng, 3)}"
    elif state == "NJ":
        number = letter + digits(rng, 14)
    elif state == "OH":
        number = rand(rng, string.ascii_uppercase, 2) + digits(rng, 6)
    else:
        number = letter + digits(rng, 12)
    return state, number


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def uk_nino(rng: random.Random) -> str:
    prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
    while prefix in _NINO_BAD:
        prefix = rng.choice(_NINO_FIRST) + rng.choice(_NINO_SECOND)
    d = digits(rng, 6)
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix} {d[:2]} {d[2:4]} {d[4:]} {suffix}"
    return f"{prefix}{d}{suffix}"


def uk_nhs(rng: random.Random) -> str:
    while True:
        first = str(rng.randint(4, 9)) + digits(rng, 8)
        check = nhs_check_digit(first)
        if check is not None:
            break
    number = first + str(check)
    style = rng.random()
    if style < 0.6:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    if style < 0.75:
        return f"{number[:3]}-{number[3:6]}-{number[6:]}"
    return number


def mrn(rng: random.Random) -> str:
    style = rng.randrange(6)
    if style == 0:
        return digits(rng, 8)
    if style == 1:
        return "MRN" + digits(rng, 7)
    if style == 2:
        return f"{rng.choice('ABCDEFGHKM')}{digits(rng, 7)}"
    if style == 3:
        return f"{digits(rng, 3)}-{digits(rng, 3)}-{digits(rng, 3)}"
    if style == 4:
        return "PT-" + digits(rng, 6)
    return f"{rand(rng, string.ascii_uppercase, 2)}{digits(rng, 6)}"


# --- contact details -----------------------------------------------------------------

_PHONE_SHAPES = (
    "+1 ({a3}) {n3}-{n4}", "({a3}) {n3}-{n4}", "{a3}-{n3}-{n4}", "{a3}.{n3}.{n4}",
    "+1-{a3}-{n3}-{n4}", "+44 20 7{n3} {n4}", "+44 7{n3} {n6}", "020 8{n3} {n4}",
    "07{n3} {n6}", "+44 (0)161 {n3} {n4}", "+49 30 {n8}", "+49 (0)89 {n4} {n4}",
    "+49 151 {n4}{n4}", "+33 1 {n2} {n2} {n2} {n2}", "06 {n2} {n2} {n2} {n2}",
    "+33 6 {n2} {n2} {n2} {n2}", "+91 98{n3} {n5}", "+91-80-{n4}-{n4}",
    "+81 3-{n4}-{n4}", "+81 90-{n4}-{n4}", "+55 11 9{n4}-{n4}", "+61 2 {n4} {n4}",
    "04{n2} {n3} {n3}", "+34 6{n2} {n3} {n3}", "+31 6 {n8}", "+52 55 {n4} {n4}",
    "+27 21 {n3} {n4}", "+234 803 {n3} {n4}", "+86 138 {n4} {n4}", "+82 10-{n4}-{n4}",
    "+353 87 {n3} {n4}", "+46 70 {n3} {n2} {n2}", "+48 {n3} {n3} {n3}",
    "+971 50 {n3} {n4}", "+65 9{n3} {n4}", "+39 06 {n4} {n4}", "+41 44 {n3} {n2} {n2}",
)


# US/Canadian area codes in use (a sample of real ones, so number validators accept them)
_US_AREAS = ("212", "213", "310", "312", "415", "617", "646", "702", "713", "206", "303",
             "404", "503", "512", "602", "718", "773", "305", "469", "614", "416", "604")


def phone(rng: random.Random) -> str:
    shape = rng.choice(_PHONE_SHAPES)
    out = shape.replace("{a3}", rng.choice(_US_AREAS))
    for n in (8, 6, 5, 4, 3, 2):
        field_name = f"{{n{n}}}"
        while field_name in out:
            chunk = str(rng.randint(2, 9)) + digits(rng, n - 1)
            out = out.replace(field_name, chunk, 1)
    return out


_COMPANY_DOMAINS = (
    "northwind-logistics.com", "acmecorp.io", "fabrikam.co.uk", "contoso-health.org",
    "brightline.de", "kestrel-energy.fr", "lumen-analytics.com", "tidewater.com.au",
    "osprey-legal.ie", "vantage-retail.es", "harbourview.nl", "qinetix.co.jp",
)
_MAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.co.uk", "gmx.de", "proton.me",
                 "icloud.com", "hotmail.fr", "web.de")


def email_for(rng: random.Random, person: Person, domain: str | None = None) -> str:
    g, f = person.ascii_given.replace(" ", ""), person.ascii_family.replace(" ", "")
    dom = domain or rng.choice(_COMPANY_DOMAINS + _MAIL_DOMAINS)
    local = rng.choice((f"{g}.{f}", f"{g[0]}{f}", f"{g}{rng.randint(1, 99)}", f"{g}_{f}",
                        f"{f}.{g[0]}", g))
    return f"{local}@{dom}"


def company_domain(rng: random.Random) -> str:
    return rng.choice(_COMPANY_DOMAINS)


def public_ipv4(rng: random.Random) -> str:
    while True:
        a = rng.randint(1, 223)
        if a in (10, 127, 0, 100, 169, 172, 192, 198, 203, 224):
            continue
        return f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def public_ipv6(rng: random.Random) -> str:
    head = rng.choice(("2a00:1450", "2606:4700", "2a02:c7f", "2604:a880", "2a01:4f8"))
    tail = ":".join(f"{rng.randint(0, 0xffff):x}" for _ in range(rng.randint(2, 4)))
    return f"{head}:{tail}::{rng.randint(1, 0xfff):x}" if rng.random() < 0.4 else f"{head}:{tail}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def date_of_birth(rng: random.Random) -> str:
    y, m, d = rng.randint(1938, 2006), rng.randint(1, 12), rng.randint(1, 28)
    style = rng.randrange(7)
    if style == 0:
        return f"{y:04d}-{m:02d}-{d:02d}"
    if style == 1:
        return f"{d:02d}/{m:02d}/{y:04d}"
    if style == 2:
        return f"{m:02d}/{d:02d}/{y:04d}"
    if style == 3:
        return f"{d} {_MONTHS[m - 1]} {y}"
    if style == 4:
        return f"{_MONTHS[m - 1]} {d}, {y}"
    if style == 5:
        return f"{d:02d}.{m:02d}.{y:04d}"
    return f"{d:02d}-{_MONTHS[m - 1][:3]}-{y}"


_STREETS = ("Elm Street", "Maple Avenue", "Baker Street", "Harbour Road", "Kingsway",
            "Sunset Boulevard", "Willow Lane", "Queen's Drive", "Mill Road", "Oak Court")


def street_address(rng: random.Random) -> str:
    style = rng.randrange(8)
    n = rng.randint(1, 2400)
    if style == 0:
        return (f"{n} {rng.choice(_STREETS)}, {rng.choice(('Springfield, IL 62704', 'Austin, TX 78701', 'Portland, OR 97205', 'Columbus, OH 43215'))}")
    if style == 1:
        return (f"{rng.randint(1, 300)} {rng.choice(_STREETS)}, "
                f"{rng.choice(('London NW1 6XE', 'Manchester M1 4BT', 'Leeds LS1 5AB', 'Bristol BS1 6QF'))}")
    if style == 2:
        return (f"{rng.choice(('Hauptstraße', 'Lindenallee', 'Schillerstraße', 'Am Markt'))} "
                f"{rng.randint(1, 150)}, {rng.randint(10115, 99998)} {rng.choice(('Berlin', 'München', 'Köln', 'Hamburg'))}")
    if style == 3:
        return (f"{rng.randint(1, 120)} {rng.choice(('rue de la Paix', 'avenue Jean-Jaurès', 'boulevard Saint-Michel', 'rue des Écoles'))}, "
                f"{rng.randint(10, 95)}{digits(rng, 3)} {rng.choice(('Paris', 'Lyon', 'Nantes', 'Lille'))}")
    if style == 4:
        return (f"Calle {rng.choice(('Mayor', 'de Alcalá', 'Gran Vía', 'del Prado'))} {rng.randint(1, 200)}, "
                f"{rng.randint(28001, 28099)} Madrid")
    if style == 5:
        return f"Apt {rng.randint(1, 40)}B, {n} {rng.choice(_STREETS)}, Brooklyn, NY 112{digits(rng, 2)}"
    if style == 6:
        return (f"{rng.choice(('Flat 3', 'Unit 12', 'Suite 400'))}, {rng.randint(1, 99)} "
                f"{rng.choice(_STREETS)}\n{rng.choice(('Dublin 2, D02 X285', 'Cambridge CB2 1TN', 'Seattle, WA 98101'))}")
    return f"{n} {rng.choice(_STREETS)}, Toronto, ON M5V {digits(rng, 1)}A{digits(rng, 1)}"


# --- secrets -------------------------------------------------------------------------


def aws_access_key(rng: random.Random) -> str:
    return rng.choice(("AKIA", "AKIA", "ASIA")) + rand(rng, string.ascii_uppercase + "234567", 16)


def aws_secret_key(rng: random.Random) -> str:
    return rand(rng, B64, 40)


def github_token(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return "github_pat_" + rand(rng, ALNUM, 22) + "_" + rand(rng, ALNUM, 59)
    return rng.choice(("ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_")) + rand(rng, ALNUM, 36)


def slack_token(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return f"xoxb-{digits(rng, 12)}-{digits(rng, 13)}-{rand(rng, ALNUM, 24)}"
    if style == 1:
        return f"xoxp-{digits(rng, 12)}-{digits(rng, 12)}-{digits(rng, 13)}-{rand(rng, 'abcdef0123456789', 32)}"
    if style == 2:
        return f"xapp-1-A{rand(rng, UPPER_DIGITS, 10)}-{digits(rng, 13)}-{rand(rng, 'abcdef0123456789', 64)}"
    return (f"https://hooks.slack.com/services/T{rand(rng, UPPER_DIGITS, 8)}/"
            f"B{rand(rng, UPPER_DIGITS, 10)}/{rand(rng, ALNUM, 24)}")


def stripe_key(rng: random.Random) -> str:
    prefix = rng.choice(("sk_live_", "sk_live_", "rk_live_", "sk_test_"))
    return prefix + rand(rng, ALNUM, rng.choice((24, 34, 99)))


def google_api_key(rng: random.Random) -> str:
    return "AIza" + rand(rng, B64URL, 35)


def openai_key(rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return "sk-" + rand(rng, ALNUM, 20) + "T3BlbkFJ" + rand(rng, ALNUM, 20)
    if style == 1:
        return "sk-proj-" + rand(rng, B64URL, 74) + "T3BlbkFJ" + rand(rng, B64URL, 74)
    return "sk-svcacct-" + rand(rng, B64URL, 74) + "T3BlbkFJ" + rand(rng, B64URL, 74)


def anthropic_key(rng: random.Random) -> str:
    kind = rng.choice(("api03", "api03", "admin01"))
    return f"sk-ant-{kind}-" + rand(rng, B64URL, 93) + "AA"


def private_key(rng: random.Random) -> str:
    label = rng.choice(("RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY",
                        "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"))
    n_lines = rng.randint(4, 12)
    body = "b3BlbnNzaC1rZXktdjEAAAAA" if label.startswith("OPENSSH") else "MII"
    raw = body + rand(rng, B64, 64 * n_lines - len(body) - rng.randint(0, 40))
    lines = [raw[i:i + (70 if label.startswith("OPENSSH") else 64)] for i in range(0, len(raw), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


def _b64url_json(obj: object) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(rng: random.Random, person: Person | None = None) -> str:
    header = {"alg": rng.choice(("HS256", "RS256", "ES256")), "typ": "JWT"}
    if rng.random() < 0.4:
        header["kid"] = rand(rng, ALNUM, 12)
    payload: dict[str, object] = {
        "sub": rng.choice((digits(rng, 10), "usr_" + rand(rng, ALNUM, 12))),
        "iat": rng.randint(1_650_000_000, 1_760_000_000),
    }
    payload["exp"] = int(payload["iat"]) + 3600  # type: ignore[call-overload]
    if person is not None and rng.random() < 0.5:
        payload["name"] = person.ascii_given.title()
    if rng.random() < 0.5:
        payload["scope"] = rng.choice(("read:orders", "admin", "openid profile email"))
    sig_len = 43 if header["alg"] == "HS256" else rng.choice((86, 342))
    return f"{_b64url_json(header)}.{_b64url_json(payload)}.{rand(rng, B64URL, sig_len)}"


_PW_WORDS = ("Summer", "Falcon", "Winter", "Purple", "Monkey", "Dragon", "Coffee", "Harbor",
             "Tiger", "Rocket", "Sunset", "Maple", "Orion", "Pepper")


def password(rng: random.Random) -> str:
    style = rng.randrange(5)
    if style == 0:
        return f"{rng.choice(_PW_WORDS)}{rng.randint(1, 2025)}{rng.choice('!@#$%&*?')}"
    if style == 1:
        return rand(rng, ALNUM + "!@#%^&*-_=+", rng.randint(12, 24))
    if style == 2:
        return "-".join(rng.choice(("correct", "horse", "staple", "lantern", "quartz",
                                    "violet", "gravel", "pickle", "meadow")) for _ in range(4))
    if style == 3:
        w = rng.choice(_PW_WORDS)
        return w.replace("o", "0").replace("a", "@").replace("e", "3") + digits(rng, 2) + "!"
    return rand(rng, ALNUM, rng.randint(10, 16))


def generic_secret(rng: random.Random) -> str:
    style = rng.randrange(5)
    if style == 0:
        return rand(rng, "0123456789abcdef", 32)
    if style == 1:
        return rand(rng, ALNUM, 40)
    if style == 2:
        return rand(rng, B64URL, 43)
    if style == 3:
        return "SG." + rand(rng, B64URL, 22) + "." + rand(rng, B64URL, 43)
    return rand(rng, "0123456789abcdef", 64)
