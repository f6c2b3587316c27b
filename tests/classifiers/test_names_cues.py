"""PERSON cues for short messages and notes, and what is sample data or a brand, not a person
(classifiers/detectors/names.py, cue tier only: no model)."""

from __future__ import annotations

import pytest

from classifiers.detectors.names import NameDetector


@pytest.fixture(scope="module")
def cues() -> NameDetector:
    return NameDetector(use_model=False)


def _people(detector: NameDetector, text: str) -> list[str]:
    return [f.value for f in detector.detect(text) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1:1 Jordan / Casey — 2024-11-29\n- Jordan wants to move teams", ["Jordan", "Casey",
                                                                          "Jordan"]),
        ("## 1-on-1 with Priya\n- growth plan", ["Priya"]),
        ("Hey Mo — following up on the invoice.", ["Mo"]),
        ("New number: +44 7700 900 862. Save it — Bea", ["Bea"]),
        ("- next: talk to Priscilla about the transfer", ["Priscilla"]),
        ("Hoi Sanne,\n\nHierbij mijn declaratie.", ["Sanne"]),
        ("Dzień dobry Pani Katarzyno,\n\nproszę o zwrot kaucji.", ["Katarzyno"]),
        ("PRIYA NAIR\npriya.nair@mail.com | +1 646 555 0187\n\nEXPERIENCE", ["PRIYA NAIR"]),
    ],
)
def test_people_of_notes_chats_and_letters_are_found(cues: NameDetector, text: str,
                                                      expected: list[str]) -> None:
    assert _people(cues, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # mock data: an address at a domain reserved for examples
        'const users = [\n  { id: 2, name: "John Smith", email: "john@example.com" },\n];',
        "INSERT INTO users VALUES (1001, 'demo.viewer@example.com', 'Demo Viewer');",
        # brands in a trademark notice
        "Dr. Pepper and Mr. Clean are trademarks of their respective owners. Mrs. Baird's "
        "bread is sold in Texas.",
        # a plan's name in a generic name column
        "INSERT INTO plans (id, code, name, seats) VALUES\n  (1, 'starter', 'Starter', 3),\n"
        "  (2, 'business', 'Business', 50);",
        # salutations to nobody in particular, departments that sign
        "Dear Sirs,\n\nRe: our client",
        "Un saludo,\nDepartamento de Administración",
        # a capitalised first line that is a heading, not a name with contact details
        "MARIA CALLAS\nThe life of a soprano, in three acts.",
        # a dash and a word that is no given name, or one that is as often a word
        "We ship it next week — Python\nWhat we wait for — Grace",
    ],
)
def test_sample_data_brands_and_headings_are_not_people(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


def test_a_real_address_next_to_a_name_is_not_sample_data(cues: NameDetector) -> None:
    text = '{ id: 2, name: "John Smith", email: "john.smith@acme-corp.com" }'
    assert _people(cues, text) == ["John Smith"]


def test_a_person_in_a_generic_name_column_still_counts_with_two_words(
        cues: NameDetector) -> None:
    csv = "id,name,plan\n1,Ana Souza,starter\n2,Kwame,business\n3,Starter,team\n"
    assert _people(cues, csv) == ["Ana Souza", "Kwame"]


@pytest.mark.parametrize(
    ("address", "sample"),
    [("js@example.org", True), ("js@mail.example.com", True), ("js@build.test", True),
     ("js@example.company.com", False), ("js@myexample.com", False)],
)
def test_only_domains_reserved_for_examples_make_a_record_sample_data(
        cues: NameDetector, address: str, sample: bool) -> None:
    assert _people(cues, f"John Smith <{address}>") == ([] if sample else ["John Smith"])


def test_a_long_run_of_domain_labels_is_read_in_one_pass(cues: NameDetector) -> None:
    hostile = "From: Maria Lopez <m@x.com>\n@" + "a." * 100_000 + "exampl"
    assert _people(cues, hostile) == ["Maria Lopez"]  # returns at once (no backtracking)


@pytest.mark.parametrize(
    ("text", "value"),
    [("Guten Tag Herr Schmitt,\n\nanbei die Unterlagen.", "Schmitt"),
     ("Kunde: Herr Matthias Becker, Tel. +49 89 1234 5678", "Matthias Becker")],
)
def test_a_german_form_of_address_marks_the_name_after_it(cues: NameDetector, text: str,
                                                          value: str) -> None:
    assert _people(cues, text) == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [("07:31 badge 112 — host Quenby Farrow — lobby B", "Quenby Farrow"),
     ("The webinar is hosted by Quenby Farrow.", "Quenby Farrow")],
)
def test_the_host_of_a_visit_or_event_is_a_person(cues: NameDetector, text: str,
                                                   value: str) -> None:
    assert _people(cues, text) == [value]


def test_a_host_that_is_a_machine_is_not_a_person(cues: NameDetector) -> None:
    assert _people(cues, "ssh to host Web Server 2, then host Apache") == []


def test_a_family_word_heading_a_chat_line_is_not_a_name(cues: NameDetector) -> None:
    chat = "[03/12/2024, 19:42] Mum: did you send Gran the photos?\n[19:45] Chidi: yes!"
    assert _people(cues, chat) == ["Chidi"]
