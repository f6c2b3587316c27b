from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.custom.edm import EdmError, EdmIndex, normalise_value

ROWS = [
    ["C-100234", "jane.doe@example.com", "+1 (555) 201-7788", "Jane Doe"],
    ["C-100235", "Ray.Kowalski@Example.org", "555.201.9911", "Raymond Kowalski"],
]
COLUMNS = ["customer_id", "email", "phone", "name"]


def _index() -> EdmIndex:
    index, skipped = EdmIndex.build(ROWS, COLUMNS, salt=b"0123456789abcdef")
    assert skipped == 0
    return index


def _found(index: EdmIndex, text: str) -> list[tuple[str, str]]:
    return [(text[m.start : m.end], m.column) for m in index.find(text)]


def test_listed_id_is_found_in_other_formatting() -> None:
    index = _index()
    assert _found(index, "refund for c100234 today") == [("c100234", "customer_id")]
    assert _found(index, "refund for C-100234.") == [("C-100234", "customer_id")]
    assert _found(index, "refund for c 100234") == [("c 100234", "customer_id")]


def test_listed_email_is_found_case_insensitively() -> None:
    assert _found(_index(), "mail RAY.KOWALSKI@example.ORG now") == [
        ("RAY.KOWALSKI@example.ORG", "email")
    ]


def test_listed_phone_is_found_with_other_separators() -> None:
    index = _index()
    assert _found(index, "call 555-201-9911") == [("555-201-9911", "phone")]
    assert _found(index, "call +1 555 201 7788") == [("1 555 201 7788", "phone")]


def test_phone_column_values_are_found_without_their_country_code() -> None:
    index, _ = EdmIndex.build([["+33 6 12 34 56 78", "+1 (555) 201-7788"]],
                              ["mobile", "Telefon"], salt=b"p" * 16)
    assert index.phone_suffixes
    text = "appelez le 06 12 34 56 78 ou 555.201.7788; pas 06 12 34 56 79"
    assert _found(index, text) == [("06 12 34 56 78", "mobile"), ("555.201.7788", "Telefon")]


def test_id_columns_do_not_match_on_a_shared_suffix() -> None:
    index, _ = EdmIndex.build([["4401234567890"]], ["account"], salt=b"q" * 16)
    assert not index.phone_suffixes
    assert _found(index, "account 991234567890") == []


def test_multi_word_name_is_found_as_an_ngram() -> None:
    assert _found(_index(), "Dear JANE  doe, thanks") == [("JANE  doe", "name")]


def test_near_misses_are_not_found() -> None:
    index = _index()
    text = "c100233 jane.roe@example.com 555-201-9912 Jane Doering John Doe Jane\nDoe"
    assert _found(index, text) == []


def test_built_file_never_contains_raw_values(tmp_path: Path) -> None:
    path = tmp_path / "customers.edm"
    _index().save(path)
    data = path.read_bytes().lower()
    for row in ROWS:
        for value in row:
            norm = normalise_value(value)
            assert value.lower().encode() not in data
            assert norm is not None and norm[0].encode() not in data
    assert b"100234" not in data and b"kowalski" not in data


def test_file_round_trip_keeps_matching(tmp_path: Path) -> None:
    path = tmp_path / "c.edm"
    _index().save(path)
    loaded = EdmIndex.load(path)
    assert len(loaded) == 10  # 8 values + 2 phone suffixes
    assert loaded.phone_suffixes
    assert loaded.columns == tuple(COLUMNS)
    assert loaded.contains("jane doe") and not loaded.contains("jane roe")


def test_build_from_csv_picks_named_columns_and_skips_short_values(tmp_path: Path) -> None:
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("ID,Email,Note\nAB-9981,a.b@example.com,x\n12,,hello world\n",
                        encoding="utf-8")
    index, rows, skipped = EdmIndex.build_from_csv(csv_path, ["id", "email"])
    assert rows == 2 and skipped == 1  # "12" is too short to be evidence
    assert index.contains("ab9981") and index.contains("A.B@example.com")
    assert not index.contains("hello world")


def test_unknown_column_error_names_the_columns(tmp_path: Path) -> None:
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("ID,Email\n1,2\n", encoding="utf-8")
    with pytest.raises(EdmError, match="its columns are: ID, Email"):
        EdmIndex.build_from_csv(csv_path, ["iban"])


def test_damaged_file_is_refused_with_what_to_do() -> None:
    data = _index().to_bytes()
    with pytest.raises(EdmError, match="build it again"):
        EdmIndex.from_bytes(data[:-5])
    with pytest.raises(EdmError, match="edm build"):
        EdmIndex.from_bytes(b"hello")


def test_same_values_with_different_salts_give_different_files() -> None:
    a, _ = EdmIndex.build(ROWS, COLUMNS)
    b, _ = EdmIndex.build(ROWS, COLUMNS)
    assert a.salt != b.salt and list(a.digests) != list(b.digests)
