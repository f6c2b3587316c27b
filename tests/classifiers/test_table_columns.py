"""Table headers found by one search over the whole text
(classifiers/detectors/table_columns.py)."""

from __future__ import annotations

from classifiers.detectors.table_columns import split_cells, table_cells

WANTED = frozenset({"phone", "dob", "nhs_number"})


def _cells(text: str) -> list[tuple[str, str]]:
    return [(key, text[s:e]) for key, s, e in table_cells(text, WANTED)]


def test_cells_under_a_header_deep_in_the_text_are_found() -> None:
    text = "intro line\n" * 500 + "name,phone\nAda,020 7946 0958\nBo,07700 900123\n"
    assert _cells(text) == [("phone", "020 7946 0958"), ("phone", "07700 900123")]


def test_offsets_are_character_offsets_after_non_ascii_text() -> None:
    text = "Übersicht — 患者\nname;DOB\nJosé;14/07/1962\n"
    assert _cells(text) == [("dob", "14/07/1962")]


def test_a_table_ends_at_a_blank_line_or_a_short_row() -> None:
    text = "name,phone\nAda,1\n\nnot a row\nname,phone\nBo,2\nshort\nCy,3\n"
    assert _cells(text) == [("phone", "1"), ("phone", "2")]


def test_the_line_that_ends_a_table_can_start_the_next_one() -> None:
    text = "name,phone\nAda,1\nx|dob|nhs_number\nBo|1962-07-14|943 476 5919\n"
    assert _cells(text) == [("phone", "1"), ("dob", "1962-07-14"),
                            ("nhs_number", "943 476 5919")]


def test_a_header_word_inside_a_row_does_not_restart_the_table() -> None:
    text = "name,phone\nphone,020 7946 0958\nAda,07700 900123\n"
    assert _cells(text) == [("phone", "020 7946 0958"), ("phone", "07700 900123")]


def test_header_words_in_prose_are_not_tables() -> None:
    text = "Please phone me. My DOB is on file.\nThe phone, the dob\n"
    assert _cells(text) == []


def test_windows_line_endings_and_markdown_rules() -> None:
    text = "| Name | Phone |\r\n|---|---|\r\n| Ada | 020 7946 0958 |\r\n"
    assert _cells(text) == [("phone", "020 7946 0958")]


def test_header_on_the_last_line_without_a_newline_yields_nothing() -> None:
    assert _cells("text\nname,phone") == []


def test_split_cells_keeps_quoted_delimiters_together() -> None:
    line = 'Ada,"1,250.00",x'
    assert [line[s:e] for s, e in split_cells(line, ",")] == ["Ada", '"1,250.00"', "x"]
    assert split_cells("a,,b", ",") == [(0, 1), (2, 2), (3, 4)]


def test_text_without_a_utf8_form_is_still_read() -> None:
    text = "bad \ud800\nname,phone\nAda,020 7946 0958\n"
    assert _cells(text) == [("phone", "020 7946 0958")]


def _bank_numbers(text: str) -> list[str]:
    from classifiers.detectors.phones import PhoneDetector
    from classifiers.detectors.table_columns import ColumnDetector

    found = ColumnDetector(PhoneDetector()).detect(text)
    return [text[f.start:f.end] for f in found if f.entity_type == "US_BANK_NUMBER"]


def test_a_bare_account_column_beside_a_routing_column_holds_bank_accounts() -> None:
    text = ("Employee\tRouting\tAccount\tNet pay\n"
            "Carla Mendoza\t021000021\t4432189067\t2,914.55\n"
            "Tyrone Brooks\t011000015\t7781045923\t3,102.10\n")
    assert _bank_numbers(text) == ["021000021", "4432189067", "011000015", "7781045923"]


def test_a_bare_account_column_without_a_routing_column_is_not_a_bank_account() -> None:
    text = "Customer,Account,Plan,Balance\nAcme Ltd,1002345,Pro,120.00\nBeta,1002346,Free,0\n"
    assert _bank_numbers(text) == []
