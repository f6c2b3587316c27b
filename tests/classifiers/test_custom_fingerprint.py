from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.custom.fingerprint import FingerprintError, FingerprintSet

DOC = (
    "Project Heron will acquire the logistics arm of Northwind Freight in the third quarter. "
    "The board approved a price range between forty and fifty-two million euros. "
    "Negotiations are led by the corporate development team in Rotterdam. "
    "No announcement may be made before the regulator has been informed. "
    "Staff of the target company must not learn of the plan before signing. "
    "Integration planning starts two weeks after signing with a dedicated office. "
    "All documents about the deal are stored in the restricted data room."
)


def _set() -> FingerprintSet:
    return FingerprintSet.empty(salt=b"s" * 16).with_document("memo-7", DOC)


def test_three_consecutive_sentences_reformatted_are_found() -> None:
    part = (
        "FYI -- the board APPROVED a price range between forty and fifty two\n"
        "million euros;   negotiations are led by the Corporate Development team\n"
        "in Rotterdam!! no announcement may be made before the regulator has been informed\n"
    )
    text = "Can you polish this?\n\n" + part + "\nThanks"
    matches = list(_set().find(text))
    assert matches, "reformatted copy of three sentences must match"
    m = max(matches, key=lambda m: m.sentences)
    assert m.document == "memo-7" and m.sentences >= 3
    assert text[m.start : m.end].startswith("the board") or text[m.start : m.end].startswith(
        "board"
    )
    assert text[m.start : m.end].endswith("informed")


def test_two_sentences_alone_are_not_enough() -> None:
    text = (
        "The board approved a price range between forty and fifty-two million euros. "
        "Negotiations are led by the corporate development team in Rotterdam."
    )
    assert list(_set().find(text)) == []


def test_unrelated_text_with_shared_words_does_not_match() -> None:
    text = (
        "The board approved the budget for the third quarter. Negotiations with the "
        "union are led by HR in Rotterdam. No announcement was made. All documents are "
        "stored in the shared drive."
    )
    assert list(_set().find(text)) == []


def test_copy_with_a_changed_word_still_matches() -> None:
    text = DOC.replace("Rotterdam", "Amsterdam").replace("third", "fourth")
    assert any(m.sentences >= 3 for m in _set().find(text))


def test_large_share_of_a_short_document_matches_by_share() -> None:
    short = "Alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike."
    fps = FingerprintSet.empty(salt=b"k" * 16).with_document("codes", short)
    fps = FingerprintSet(fps.salt, fps.documents, min_shared_shingles=5)
    text = "note: alpha bravo charlie delta echo foxtrot golf hotel india juliet, ok"
    assert any(m.share >= 0.3 for m in fps.find(text))


def test_file_stores_only_hashes_and_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "docs.fp"
    _set().save(path)
    data = path.read_bytes().lower()
    for word in (b"heron", b"northwind", b"rotterdam", b"regulator"):
        assert word not in data
    loaded = FingerprintSet.load(path)
    assert [d.name for d in loaded.documents] == ["memo-7"]
    assert any(m.sentences >= 3 for m in loaded.find(DOC))


def test_registering_a_same_named_document_replaces_it() -> None:
    fps = _set().with_document("memo-7", "Completely different text about lunch menus today.")
    assert len(fps.documents) == 1 and list(fps.find(DOC)) == []


def test_damaged_fingerprint_file_is_refused() -> None:
    with pytest.raises(FingerprintError, match="register the documents again"):
        FingerprintSet.from_bytes(_set().to_bytes()[:-9])
