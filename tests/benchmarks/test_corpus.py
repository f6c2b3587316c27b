"""The benchmark corpus: labels are exact, disjoint, balanced, valid and reproducible."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from benchmarks.corpus import DEFAULT_SEED, generate_corpus
from benchmarks.corpus import negatives as neg
from benchmarks.corpus import values as val
from benchmarks.corpus.checksums import aba_valid, iban_valid, luhn_valid, nhs_valid
from benchmarks.corpus.template import Ctx, assemble, render
from classifiers.taxonomy import ENTITY_TYPES

LABELED_TYPES = set(ENTITY_TYPES) - {"PROMPT_INJECTION"}


@pytest.fixture(scope="module")
def corpus():
    return generate_corpus()


def test_every_label_span_holds_exactly_the_inserted_value(corpus):
    for doc in corpus:
        for label in doc.labels:
            assert doc.text[label.start:label.end] == label.value, (doc.doc_id, label)
            assert label.value.strip() == label.value, (doc.doc_id, label.entity_type)


def test_labels_are_sorted_disjoint_and_inside_the_text(corpus):
    for doc in corpus:
        end = 0
        for label in doc.labels:
            assert end <= label.start < label.end <= len(doc.text), doc.doc_id
            end = label.end


def test_same_seed_gives_the_same_corpus_and_another_seed_a_different_one(corpus):
    again = generate_corpus(DEFAULT_SEED)
    assert [(d.text, d.labels) for d in again] == [(d.text, d.labels) for d in corpus]
    other = generate_corpus(DEFAULT_SEED + 1, 50)
    assert [d.text for d in other] != [d.text for d in corpus[:50]]


def test_corpus_has_a_thousand_documents_of_many_kinds_a_third_clean(corpus):
    assert len(corpus) >= 1000
    kinds = Counter(d.kind for d in corpus)
    assert len(kinds) >= 12 and min(kinds.values()) >= 20
    clean_share = sum(d.clean for d in corpus) / len(corpus)
    assert 0.25 <= clean_share <= 0.42


def test_every_entity_type_but_injection_has_at_least_40_examples(corpus):
    counts = Counter(lb.entity_type for d in corpus for lb in d.labels)
    assert set(counts) == LABELED_TYPES
    assert {t: n for t, n in counts.items() if n < 40} == {}


def test_labeled_values_pass_their_checksums(corpus):
    checks = {"CREDIT_CARD": luhn_valid, "IBAN_CODE": iban_valid, "UK_NHS": nhs_valid}
    for doc in corpus:
        for label in doc.labels:
            check = checks.get(label.entity_type)
            if check is not None:
                assert check(label.value), (doc.doc_id, label.entity_type)


def test_ssns_avoid_the_invalid_area_group_and_serial_numbers(corpus):
    for doc in corpus:
        for label in doc.labels:
            if label.entity_type == "US_SSN":
                digits = label.value.replace("-", "")
                area, group, serial = digits[:3], digits[3:5], digits[5:]
                assert area not in ("000", "666") and area < "900"
                assert group != "00" and serial != "0000"


def test_checksums_accept_published_examples_and_reject_one_digit_changes():
    assert luhn_valid("4111 1111 1111 1111") and not luhn_valid("4111 1111 1111 1112")
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB82 WEST 1234 5698 7654 33")
    assert nhs_valid("943 476 5919") and not nhs_valid("943 476 5918")
    assert aba_valid("011000015") and not aba_valid("011000016")


def test_generated_routing_numbers_and_keys_have_the_right_structure():
    import random

    rng = random.Random(7)
    for _ in range(200):
        routing = val.aba_routing(rng)
        assert aba_valid(routing)
        assert 1 <= int(routing[:2]) <= 12 or 21 <= int(routing[:2]) <= 32 \
            or 61 <= int(routing[:2]) <= 72 or routing[:2] == "80"
        assert len(val.aws_access_key(rng)) == 20
        token = val.github_token(rng)
        assert token.startswith(("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"))
        assert val.google_api_key(rng).startswith("AIza") and len(val.google_api_key(rng)) == 39
        assert val.jwt(rng).count(".") == 2
        assert not luhn_valid(neg.non_luhn_16(rng))


def test_clean_documents_hold_hard_negatives_and_no_template_markup(corpus):
    clean_text = "\n".join(d.text for d in corpus if d.clean)
    for needle in ("AKIAIOSFODNN7EXAMPLE", "your-api-key-here", "<TOKEN>", "password",
                   "confidential", "-----BEGIN "):
        assert needle in clean_text, needle
    assert not any("«" in d.text or "»" in d.text for d in corpus)


def test_private_and_documentation_ips_are_never_labeled(corpus):
    for doc in corpus:
        for label in doc.labels:
            if label.entity_type == "IP_ADDRESS":
                assert not label.value.startswith(("10.", "192.168.", "127.", "192.0.2.",
                                                   "198.51.100.", "203.0.113.", "2001:db8"))


def test_template_alternatives_may_hold_labeled_slots():
    import random

    ctx = Ctx(rng=random.Random(1), counts=Counter())
    text, labels = assemble(render("x «a «ssn» b|a «ssn» b» y", ctx), Counter())
    assert text.startswith("x a ") and text.endswith(" b y")
    assert [lb.entity_type for lb in labels] == ["US_SSN"]


def test_generation_takes_seconds_not_minutes():
    start = time.perf_counter()
    generate_corpus(123, 1200)
    assert time.perf_counter() - start < 3.0


def test_the_holdout_variant_uses_other_templates_with_the_same_guarantees():
    holdout = generate_corpus(DEFAULT_SEED, 300, "holdout")
    main_texts = {d.text for d in generate_corpus(DEFAULT_SEED, 300)}
    assert not main_texts & {d.text for d in holdout}
    assert 0.2 <= sum(d.clean for d in holdout) / len(holdout) <= 0.45
    for doc in holdout:
        end = 0
        for label in doc.labels:
            assert doc.text[label.start:label.end] == label.value
            assert end <= label.start
            end = label.end
        assert "«" not in doc.text and "»" not in doc.text


def test_an_unknown_corpus_variant_is_refused():
    with pytest.raises(ValueError, match="unknown corpus variant"):
        generate_corpus(1, 5, "dev")


def test_generated_phone_numbers_are_mostly_valid_numbers_of_their_country():
    phonenumbers = pytest.importorskip("phonenumbers")
    import random

    rng = random.Random(3)
    valid = 0
    for _ in range(400):
        number = val.phone(rng)
        region = None if number.startswith("+") else {"06": "FR", "04": "AU"}.get(
            number[:2], "GB" if number.startswith("0") else "US")
        valid += phonenumbers.is_valid_number(phonenumbers.parse(number, region))
    assert valid / 400 >= 0.9
