"""Masked previews, redaction styles and keyed fingerprints.

A preview never reveals more than a quarter of a value's letters and digits; values
shorter than eight letters and digits are masked whole. Fingerprints are HMAC-SHA256
under a key the caller supplies (kept in the OS keyring by the app), so the same value
can be recognised again without being stored.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Callable, Sequence

from classifiers.model import Category, Finding

REDACTION_STYLES = ("label", "mask", "hash", "remove")
MASK_CHAR = "*"
_MAX_PREVIEW = 32


def mask_value(value: str, category: Category | None = None) -> str:
    """A preview of ``value`` that reveals at most a quarter of its letters and digits.

    Separators (spaces, dashes, dots, @) stay, so a person recognises the shape:
    ``4111 1111 1111 1111`` -> ``**** **** **** 1111``. Long values are shortened.
    """
    alnum = [i for i, ch in enumerate(value) if ch.isalnum()]
    budget = len(alnum) // 4
    if len(alnum) < 8:
        budget = 0
    if category in (Category.FINANCIAL,):
        head, tail = 0, budget
    else:
        head = budget // 2
        tail = budget - head
    reveal = set(alnum[:head]) | (set(alnum[len(alnum) - tail :]) if tail else set())
    chars = [ch if (i in reveal or not ch.isalnum()) else MASK_CHAR for i, ch in enumerate(value)]
    masked = "".join(chars).replace("\n", " ").replace("\r", " ")
    if len(masked) > _MAX_PREVIEW:
        front = masked[: _MAX_PREVIEW // 2]
        back = masked[-(_MAX_PREVIEW // 2) :]
        # keep the revealed characters; the middle of a long value is all masks anyway
        masked = f"{front}…[{len(value)} chars]…{back}"
    return masked


def preview(finding: Finding) -> str:
    return mask_value(finding.value, finding.category)


def normalise_for_fingerprint(value: str) -> str:
    """Case, width and separator differences do not change a fingerprint."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in folded if ch.isalnum() or ch in "@._-+/=")


def fingerprint(value: str, key: bytes) -> str:
    """Keyed fingerprint of a value: hex HMAC-SHA256 of its normalised form."""
    data = normalise_for_fingerprint(value).encode("utf-8")
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def replacement(finding: Finding, style: str, key: bytes) -> str:
    if style == "label":
        return f"[{finding.entity_type}]"
    if style == "mask":
        return mask_value(finding.value, finding.category)
    if style == "hash":
        return f"[{finding.entity_type}:{fingerprint(finding.value, key)[:10]}]"
    if style == "remove":
        return ""
    raise ValueError(f"unknown redaction style {style!r}; use one of {REDACTION_STYLES}")


def redact_text(
    text: str,
    findings: Sequence[Finding],
    style_for: Callable[[Finding], str],
    key: bytes,
) -> str:
    """``text`` with every finding replaced as ``style_for(finding)`` says.

    Findings must have disjoint spans (the engine's output does).
    """
    out: list[str] = []
    pos = 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < pos:
            continue
        out.append(text[pos : f.start])
        out.append(replacement(f, style_for(f), key))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
