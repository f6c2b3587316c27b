"""Hard negatives: values that look sensitive but are not, and must not be flagged."""

from __future__ import annotations

import base64
import random
import string
import uuid

from benchmarks.corpus.checksums import luhn_valid
from benchmarks.corpus.people import JOB_TITLES, PRODUCTS, TEAMS
from benchmarks.corpus.values import ALNUM, digits, rand

HEX = "0123456789abcdef"

PLACEHOLDERS = (
    "your-api-key-here", "<TOKEN>", "xxxx", "xxxxxxxxxxxxxxxxxxxx", "sk-...REDACTED",
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "<your-token>",
    "${API_KEY}", "{{ secrets.API_TOKEN }}", "<set-in-vault>", "REDACTED", "********",
    "<redacted>", "$(cat /run/secrets/db_password)", "os.environ['STRIPE_KEY']",
    "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "YOUR_SECRET_HERE", "<insert key>", "TODO", "process.env.OPENAI_API_KEY", "null",
    "sk-ant-...", "xoxb-your-bot-token", "AIza...", "<PASSWORD>", "%(db_password)s",
)


def placeholder(rng: random.Random) -> str:
    return rng.choice(PLACEHOLDERS)


def uuid4(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def git_sha(rng: random.Random, short: bool = False) -> str:
    return rand(rng, HEX, 7 if short else 40)


def sha256(rng: random.Random) -> str:
    return rand(rng, HEX, 64)


def base64_blob(rng: random.Random, n: int = 48) -> str:
    return base64.b64encode(rng.randbytes(n)).decode()


def version(rng: random.Random) -> str:
    v = f"{rng.randint(0, 12)}.{rng.randint(0, 40)}.{rng.randint(0, 30)}"
    return rng.choice((v, "v" + v, v + "-rc." + str(rng.randint(1, 5)), v + "+build." + digits(rng, 4)))


def order_number(rng: random.Random) -> str:
    return rng.choice((
        "#" + digits(rng, 9), "INC" + digits(rng, 7), "PLAT-" + str(rng.randint(100, 9999)),
        "Case " + digits(rng, 8), "PO-" + digits(rng, 6), "ORD-" + digits(rng, 4) + "-" + digits(rng, 4),
        "RMA " + digits(rng, 10), "CHG" + digits(rng, 7), "#" + str(rng.randint(1000, 99999)),
    ))


def non_luhn_16(rng: random.Random) -> str:
    while True:
        n = str(rng.randint(1, 9)) + digits(rng, 15)
        if not luhn_valid(n):
            break
    if rng.random() < 0.5:
        return " ".join(n[i:i + 4] for i in range(0, 16, 4))
    return n


def private_ip(rng: random.Random) -> str:
    return rng.choice((
        f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "127.0.0.1", "0.0.0.0", "::1", f"169.254.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        f"192.0.2.{rng.randint(1, 254)}", f"198.51.100.{rng.randint(1, 254)}",
        f"203.0.113.{rng.randint(1, 254)}", "fe80::1", "2001:db8::" + f"{rng.randint(1, 999)}",
    ))


def other_date(rng: random.Random) -> str:
    y, m, d = rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice((f"{y}-{m:02d}-{d:02d}", f"{d:02d}/{m:02d}/{y}", f"{m}/{d}/{y}",
                       f"{y}-{m:02d}-{d:02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"))


def job_title(rng: random.Random) -> str:
    return rng.choice(JOB_TITLES)


def product(rng: random.Random) -> str:
    return rng.choice(PRODUCTS)


def team(rng: random.Random) -> str:
    return rng.choice(TEAMS)


def pod_name(rng: random.Random) -> str:
    svc = rng.choice(("api", "checkout", "worker", "billing-sync", "ingest"))
    return f"{svc}-{rand(rng, HEX[:10] + 'bcdf', 9)}-{rand(rng, string.ascii_lowercase + '0123456789', 5)}"


def amount(rng: random.Random) -> str:
    return rng.choice(("$", "€", "£", "")) + f"{rng.randint(1, 999_999):,}.{rng.randint(0, 99):02d}"


def epoch(rng: random.Random) -> str:
    return str(rng.randint(1_600_000_000, 1_780_000_000))


def tracking_id(rng: random.Random) -> str:
    return rng.choice(("1Z" + rand(rng, string.ascii_uppercase + string.digits, 16),
                       digits(rng, 12), "JD" + digits(rng, 18)))


def request_id(rng: random.Random) -> str:
    return rng.choice(("req_" + rand(rng, ALNUM, 14), rand(rng, HEX, 16), uuid4(rng)))


_PROSE = (
    "Please keep the rollout plan confidential until the press release goes out.",
    "Never paste a password into a ticket; use the vault link instead.",
    "The secret to a calm on-call week is good runbooks.",
    "Password resets are handled by the self-service portal.",
    "Rotate secrets every 90 days as the policy says.",
    "We treat all customer data as confidential by default.",
    "Reminder: the team offsite is not a secret any more.",
    "If you forgot your password, click 'Forgot password' on the login page.",
    "Tokens expire after one hour; the client refreshes them automatically.",
    "The API key field is optional when running against the local mock.",
    "Our privacy notice explains what we do with personal data.",
    "The secret sauce is the caching layer, not the database.",
)


def prose(rng: random.Random) -> str:
    return rng.choice(_PROSE)


def negative_value(rng: random.Random) -> str:
    """Any one hard negative, chosen at random."""
    fn = rng.choice((uuid4, git_sha, sha256, base64_blob, version, order_number, non_luhn_16,
                     private_ip, other_date, pod_name, amount, epoch, tracking_id, request_id,
                     placeholder))
    return fn(rng)
