"""Scoring: overlap and strict matching, clean-document rate, calibration, tables."""

from __future__ import annotations

import pytest

from benchmarks.corpus.model import Document, Label
from benchmarks.report_table import accuracy_table, examples_text
from benchmarks.scoring import Prediction, score

TEXT = "Call Ana Lopez on +44 20 7946 0958, card 4111 1111 1111 1111."
NAME = Label(5, 14, "PERSON", "Ana Lopez")
PHONE = Label(18, 34, "PHONE_NUMBER", "+44 20 7946 0958")
CARD = Label(41, 60, "CREDIT_CARD", "4111 1111 1111 1111")
SENSITIVE = Document("d1", "chat", TEXT, (NAME, PHONE, CARD))
CLEAN = Document("d2", "readme", "Build v1.2.3 on 10.0.0.1", ())


def test_a_name_found_as_two_tokens_is_one_found_label_and_two_right_predictions():
    preds = [Prediction("PERSON", 5, 8, 0.85), Prediction("PERSON", 9, 14, 0.85)]
    report = score([SENSITIVE], [preds])
    person = report.per_type["PERSON"]
    assert (person.labels, person.found, person.predictions, person.correct) == (1, 1, 2, 2)
    assert person.recall() == 1.0 and person.precision() == 1.0
    assert person.recall(strict=True) == 0.0  # neither token is the exact span


def test_a_prediction_of_the_wrong_type_is_wrong_for_the_type_but_right_for_the_category():
    preds = [Prediction("US_SSN", 18, 34, 0.9)]  # the phone reported as an SSN: both pii
    report = score([SENSITIVE], [preds])
    assert report.per_type["US_SSN"].precision() == 0.0
    assert report.per_type["PHONE_NUMBER"].recall() == 0.0
    assert report.per_category["pii"].precision() == 1.0
    assert report.false_positives["US_SSN"][0].snippet == "+44 20 7946 0958"


def test_exact_spans_count_in_the_strict_variant_and_misses_are_listed():
    preds = [Prediction("CREDIT_CARD", 41, 60, 0.98), Prediction("PHONE_NUMBER", 21, 34, 0.6)]
    report = score([SENSITIVE], [preds])
    assert report.per_type["CREDIT_CARD"].f1(strict=True) == 1.0
    assert report.per_type["PHONE_NUMBER"].recall() == 1.0
    assert report.per_type["PHONE_NUMBER"].recall(strict=True) == 0.0
    assert [e.snippet for e in report.misses["PERSON"]] == ["Ana Lopez"]
    assert report.micro.labels == 3 and report.micro.found == 2


def test_clean_documents_with_any_finding_count_as_flagged_and_low_scores_separately():
    report = score([SENSITIVE, CLEAN], [[], [Prediction("IP_ADDRESS", 16, 24, 0.4)]])
    assert report.clean_documents == 1 and report.clean_flagged_share == 1.0
    assert report.clean_flagged_05 == 0
    assert report.sensitive_documents == 1 and report.sensitive_recall == 0.0


def test_calibration_counts_the_share_right_among_high_scores():
    preds = [Prediction("CREDIT_CARD", 41, 60, 0.95), Prediction("PERSON", 0, 4, 0.85),
             Prediction("PHONE_NUMBER", 18, 34, 0.55)]
    report = score([SENSITIVE], [preds])
    precision, n = report.high_confidence_precision()
    assert n == 2 and precision == 0.5
    by_bucket = {(lo, n): right for lo, _, n, right in report.buckets if n}
    assert by_bucket == {(0.5, 1): 1, (0.8, 1): 0, (0.9, 1): 1}


def test_types_without_labels_or_predictions_have_no_precision_and_no_f1():
    report = score([CLEAN], [[]])
    tally = report.per_type["JWT"]
    assert tally.precision() is None and tally.recall() is None and tally.f1() is None
    assert "JWT" in report.to_dict()["per_type"]  # type: ignore[operator]


def test_one_prediction_list_per_document_is_required():
    with pytest.raises(ValueError, match="one prediction list per document"):
        score([SENSITIVE, CLEAN], [[]])


def test_the_table_shows_each_tool_side_by_side_with_the_summary_rows():
    good = score([SENSITIVE, CLEAN], [[Prediction("CREDIT_CARD", 41, 60, 0.98)], []])
    noisy = score([SENSITIVE, CLEAN], [[], [Prediction("PERSON", 0, 5, 0.85)]])
    table = accuracy_table([("fake-a", good), ("fake-b", noisy)])
    assert "fake-a" in table and "fake-b" in table
    card_row = next(line for line in table.splitlines() if line.startswith("CREDIT_CARD"))
    assert "1.00 1.00 1.00" in card_row
    assert "clean docs flagged" in table and "100.0% of 1" in table
    assert "PERSON" in examples_text("fake-b", noisy)


def test_a_fake_engine_run_end_to_end_scores_perfectly_on_its_own_labels():
    from benchmarks.accuracy import run_tool
    from benchmarks.corpus import generate_corpus
    from benchmarks.tools import Tool

    docs = generate_corpus(5, 60)
    by_text = {d.text: d for d in docs}

    def oracle(text: str) -> list[Prediction]:
        return [Prediction(lb.entity_type, lb.start, lb.end, 0.9) for lb in by_text[text].labels]

    report, _ = run_tool(Tool("oracle", oracle), docs, progress=False)
    assert report.micro.f1() == 1.0 and report.micro.f1(strict=True) == 1.0
    assert report.clean_flagged_share == 0.0 and report.sensitive_recall == 1.0


def test_scores_are_also_broken_down_by_document_kind():
    from benchmarks.report_table import kind_table

    report = score([SENSITIVE, CLEAN], [[Prediction("CREDIT_CARD", 41, 60, 0.98)],
                                        [Prediction("PERSON", 0, 5, 0.85)]])
    assert report.per_kind["chat"].labels == 3 and report.per_kind["chat"].found == 1
    assert report.per_kind["readme"].predictions == 1 and report.per_kind["readme"].correct == 0
    assert sum(t.labels for t in report.per_type.values()) == report.micro.labels == 3
    assert "readme" in kind_table([("fake", report)])


def test_a_minimum_score_drops_weaker_predictions_before_scoring():
    from benchmarks.accuracy import run_tool
    from benchmarks.tools import Tool

    def weak(text: str) -> list[Prediction]:
        return [Prediction("IP_ADDRESS", 0, 5, 0.3)]

    kept, _ = run_tool(Tool("weak", weak), [CLEAN], progress=False)
    dropped, _ = run_tool(Tool("weak", weak), [CLEAN], progress=False, min_score=0.5)
    assert kept.clean_flagged == 1 and dropped.clean_flagged == 0
