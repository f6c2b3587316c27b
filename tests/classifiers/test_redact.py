"""Masked previews, redaction styles and keyed fingerprints."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classifiers.detectors.base import make_finding
from classifiers.model import Category
from classifiers.redact import (
    fingerprint,
    mask_value,
    redact_text,
    replacement,
)

KEY = b"k" * 32


def _revealed(value: str, preview: str) -> int:
    """Letters and digits of ``value`` that the preview shows (in place, before any cut)."""
    if "…[" in preview:
        head, _, rest = preview.partition("…[")
        tail = rest.split("]…", 1)[1]
        shown = sum(1 for a, b in zip(value, head, strict=False) if a == b and a.isalnum())
        shown += sum(1 for a, b in zip(reversed(value), reversed(tail), strict=False)
                     if a == b and a.isalnum())
        return shown
    return sum(1 for a, b in zip(value, preview, strict=True) if a == b and a.isalnum())


@settings(max_examples=400, deadline=None)
@given(st.text(min_size=0, max_size=200), st.sampled_from(list(Category)))
def test_masks_reveal_at_most_a_quarter_of_a_value(value: str, category: Category) -> None:
    preview = mask_value(value, category)
    alnum = sum(1 for ch in value if ch.isalnum())
    assert _revealed(value, preview) <= alnum // 4
    assert "\n" not in preview


@pytest.mark.parametrize(
    ("value", "category", "expected"),
    [
        ("4111 1111 1111 1111", Category.FINANCIAL, "**** **** **** 1111"),
        ("secret7", Category.SECRET, "*******"),  # short values are masked whole
        ("AKIAZ3MPLQ4RSTUVWX7Y", Category.SECRET, "AK***************X7Y"),
    ],
)
def test_mask_examples(value: str, category: Category, expected: str) -> None:
    assert mask_value(value, category) == expected


def test_long_values_are_shortened() -> None:
    value = "-----BEGIN PRIVATE KEY-----" + "A" * 3000
    preview = mask_value(value, Category.SECRET)
    assert len(preview) < 60 and "[3027 chars]" in preview


def test_fingerprints_are_keyed_and_ignore_case_and_width() -> None:
    assert fingerprint("Jo.Bloggs@Example.NET", KEY) == fingerprint("jo.bloggs@example.net", KEY)
    assert fingerprint("ＡＢＣ-123", KEY) == fingerprint("abc-123", KEY)
    assert fingerprint("abc-123", KEY) != fingerprint("abc-123", b"x" * 32)
    assert "abc" not in fingerprint("abc-123", KEY)


def test_redaction_styles() -> None:
    text = "mail jo@example.net now"
    f = make_finding("EMAIL_ADDRESS", text, 5, 19, 0.9, "pii/email")
    assert replacement(f, "label", KEY) == "[EMAIL_ADDRESS]"
    assert replacement(f, "remove", KEY) == ""
    hashed = replacement(f, "hash", KEY)
    assert hashed.startswith("[EMAIL_ADDRESS:") and hashed == replacement(f, "hash", KEY)
    assert "jo" not in replacement(f, "mask", KEY).split("@")[0][2:]
    with pytest.raises(ValueError):
        replacement(f, "shout", KEY)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.lists(st.tuples(st.integers(0, 120), st.integers(1, 20)),
                                       max_size=6))
def test_redact_text_removes_every_redacted_span(text: str, spans: list[tuple[int, int]]) -> None:
    findings = []
    pos = 0
    for start, length in sorted(spans):
        start = max(start, pos)
        end = min(len(text), start + length)
        if start >= end:
            continue
        findings.append(make_finding("PASSWORD", text, start, end, 0.9, "t"))
        pos = end
    out = redact_text(text, findings, lambda f: "label", KEY)
    assert out.count("[PASSWORD]") == len(findings)
    # what lies between the findings is kept as it was
    kept = []
    pos = 0
    for f in findings:
        kept.append(text[pos:f.start])
        pos = f.end
    kept.append(text[pos:])
    assert out.replace("[PASSWORD]", "") == "".join(kept)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=3000))
def test_the_default_engine_never_raises_and_keeps_spans_in_bounds(text: str) -> None:
    from classifiers.build import EngineOptions, make_engine

    engine = _engine_cache.setdefault("e", make_engine(EngineOptions(names=False)))
    result = engine.scan(text)
    assert result.complete
    for f in result.findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.value


_engine_cache: dict[str, object] = {}
