"""PERSON in forms, introductions and running text, and what in software documentation and
code is not a person (classifiers/detectors/names.py, cue tier only: no model)."""

from __future__ import annotations

import pytest

from classifiers.detectors.names import NameDetector, looks_like_name


@pytest.fixture(scope="module")
def cues() -> NameDetector:
    return NameDetector(use_model=False)


def _people(detector: NameDetector, text: str) -> list[str]:
    return [f.value for f in detector.detect(text) if f.entity_type == "PERSON"]


def test_vertical_key_value_form_reports_the_applicant_not_the_labels(
        cues: NameDetector) -> None:
    text = ("Applicant\tHannah Kowalczyk\nPhone\t+1 312 448 9021\n"
            "E-mail\thkowalczyk@gmail.com\nSSN\t259-73-5826\nEmployer\tLakeshore Logistics\n")
    assert _people(cues, text) == ["Hannah Kowalczyk"]


def test_vertical_form_value_beside_a_person_label_is_a_name_without_a_given_name_list(
        cues: NameDetector) -> None:
    text = "Tenant\tOkwuosa Nwachukwu\nRent\t1,200\nPhone\t+44 20 7946 0018\n"
    assert _people(cues, text) == ["Okwuosa Nwachukwu"]


def test_a_real_name_table_still_reports_every_row(cues: NameDetector) -> None:
    text = "first_name,last_name,email\nTomás,Ferreira,t@logisul.pt\nAiko,Matsumoto,a@kiyora.jp\n"
    assert _people(cues, text) == ["Tomás", "Ferreira", "Aiko", "Matsumoto"]


def test_code_with_a_name_field_is_not_a_table_of_names(cues: NameDetector) -> None:
    text = ('        class Person(Structure):\n'
            '            _fields_ = [("name", c_char*6),\n'
            '                        ("age", c_int)]\n'
            '        self.assertRaises(ValueError, Person, b"asldkjaslkdj")\n')
    assert _people(cues, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nom : Dubois   Prénom : Élise\nDate de naissance : 08/11/1954", ["Dubois", "Élise"]),
        ("Last name: Okafor\nFirst name: Chidinma", ["Okafor", "Chidinma"]),
        ("Vorname: Jürgen, Nachname: Schmidt", ["Jürgen", "Schmidt"]),
    ],
)
def test_surname_labels_take_one_word_and_other_languages_labels_count(
        cues: NameDetector, text: str, expected: list[str]) -> None:
    assert _people(cues, text) == expected


def test_a_one_word_value_after_a_generic_label_still_needs_a_given_name(
        cues: NameDetector) -> None:
    assert _people(cues, "Name: Starter\nSeats: 3") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoi! Ik ben Sanne de Vries, geboren op 12-05-1991.", ["Sanne de Vries"]),
        ("Hi, my name is Tunde Bakare and I need help with a refund", ["Tunde Bakare"]),
        ("My name is Okafor, I called yesterday about the invoice", ["Okafor"]),
        ("Bonjour, je m'appelle Élise Dubois.", ["Élise Dubois"]),
        ("This is Priya from accounts, quick question", ["Priya"]),
    ],
)
def test_writers_introducing_themselves_are_found(cues: NameDetector, text: str,
                                                  expected: list[str]) -> None:
    assert _people(cues, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm Canadian, so the form confused me",
        "Ich bin Berliner und wohne hier seit 2010.",
        "This is Visual Studio Code with the Python extension",
        "I am Sorry about the delay",
    ],
)
def test_introductions_of_a_nationality_or_a_product_are_not_names(
        cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


def test_given_name_as_the_subject_of_a_verb_is_found(cues: NameDetector) -> None:
    text = "sure, 3pm works. also Hiroshi is joining from Tokyo so keep it to 45 min"
    assert _people(cues, text) == ["Hiroshi"]


@pytest.mark.parametrize(
    "text",
    [
        "Mark is the default. Max was exceeded twice.",
        "Julia is a language for numerical computing; Florence is lovely in May.",
        "Santa Maria is a church.",
    ],
)
def test_given_names_that_are_words_programs_or_places_before_a_verb_are_not_names(
        cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


def test_a_bullet_list_of_features_is_not_a_signature(cues: NameDetector) -> None:
    text = ("- Multi-part File Uploads\n- SOCKS Proxy Support\n- Connection Timeouts\n"
            "- Streaming Downloads\n- Automatic honoring of .netrc\n")
    assert _people(cues, text) == []


def test_a_dash_signature_after_prose_is_still_a_signature(cues: NameDetector) -> None:
    assert _people(cues, "Thanks for the help\n- Maria Lopez") == ["Maria Lopez"]


@pytest.mark.parametrize(
    "name", ["NumPy Developers", "DocTest Finder", "GitHub Actions", "DrivenData Labs"]
)
def test_camel_case_product_and_code_words_are_not_names(name: str) -> None:
    assert not looks_like_name(name)


@pytest.mark.parametrize(
    "name", ["Ronan McKenzie", "Leonardo DiCaprio", "LaToya Jackson", "Anne-Marie DeWitt",
             "MacKenzie Scott", "JoAnn Smith"]
)
def test_names_with_an_inner_capital_after_a_name_prefix_are_names(name: str) -> None:
    assert looks_like_name(name)


def test_one_word_of_a_name_inside_a_firm_name_is_not_another_mention(
        cues: NameDetector) -> None:
    text = ("first_name,last_name,company\nBernd,Hollmann,Hollmann Bau\n"
            "Aiko,Matsumoto,Kiyora\n")
    assert _people(cues, text) == ["Bernd", "Hollmann", "Aiko", "Matsumoto"]


def test_author_metadata_of_a_project_team_is_not_a_person(cues: NameDetector) -> None:
    text = ("Author-email: NumPy Developers <numpy-discussion@python.org>\n"
            "NumPy is the fundamental package for scientific computing.\n")
    assert _people(cues, text) == []


def test_characters_discussed_in_book_club_notes_are_not_reported(cues: NameDetector) -> None:
    text = ("Book club – notes for 9 January\n\nWe finished the novel. Most of us agreed that "
            "Elizabeth Bennet's first impression of Mr. Darcy drives the plot, and that the "
            "proposal in chapter 19 is still the funniest scene.\n")
    assert _people(cues, text) == []


def test_a_greeting_in_a_text_about_a_story_still_names_a_person(cues: NameDetector) -> None:
    text = ("Hi Priya,\n\nfor the book club: the novel's plot drags after chapter 3, and the "
            "last scene is rushed.\n")
    assert _people(cues, text) == ["Priya"]


def test_a_possessive_is_not_part_of_the_name(cues: NameDetector) -> None:
    assert _people(cues, "    # Gary Bishp's readline module is tested too") == ["Gary Bishp"]


@pytest.mark.parametrize(
    "name", ["GObject Introspection", "IPython Notebook", "Kungliga Tekniska Högskolan",
             "Necessary Claims"]
)
def test_library_institution_and_licence_words_are_not_names(name: str) -> None:
    assert not looks_like_name(name)


def test_a_capitalised_relation_word_inside_a_title_is_no_relation(cues: NameDetector) -> None:
    text = ("The following command creates a new Partner Assured Workloads, with the "
            "following settings.\n")
    assert _people(cues, text) == []


def test_a_relation_word_that_opens_a_chat_line_still_points_at_a_person(
        cues: NameDetector) -> None:
    assert _people(cues, "[14:02] Agent Priya: Sorry about that!") == ["Priya"]


@pytest.mark.parametrize("name", ["Foo Bar", "Anonymous Coward", "Person McPherson"])
def test_placeholder_people_of_examples_are_not_names(name: str) -> None:
    assert not looks_like_name(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("did you get the contract back from Johnson?", ["Johnson"]),
        ("ask Nguyen about the rota", ["Nguyen"]),
        ("thanks Okafor!", ["Okafor"]),
    ],
)
def test_a_lone_common_surname_after_a_word_pointing_at_a_person_is_found(
        cues: NameDetector, text: str, expected: list[str]) -> None:
    assert _people(cues, text) == expected


@pytest.mark.parametrize(
    "text",
    ["We bought the sensors from Johnson Controls", "It was printed by Smith & Co",
     "a loan with Morgan Stanley", "per Johnson & Johnson policy"],
)
def test_a_surname_that_begins_a_firm_name_is_not_a_person(cues: NameDetector,
                                                             text: str) -> None:
    assert _people(cues, text) == []


def test_a_range_between_two_surnames_is_not_a_person(cues: NameDetector) -> None:
    assert _people(cues, "don't transform from Edwards to Montgomery form") == []


def test_an_acronym_joined_to_a_word_is_no_name_word(cues: NameDetector) -> None:
    assert _people(cues, "doc/find-maint.texi: Remove README-alpha here, too.") == []


def test_whatsapp_export_speakers_are_found(cues: NameDetector) -> None:
    text = ("3/28/2023, 07:42 - Maximilian: did you get the keys?\n"
            "12/31/21, 9:41 PM - Ana Souza: yes, at the desk\n")
    assert _people(cues, text) == ["Maximilian", "Ana Souza"]


def test_a_dated_log_line_with_a_component_name_is_not_a_chat(cues: NameDetector) -> None:
    assert _people(cues, "2024-01-02, 10:00 - Scheduler: job started\n") == []


def test_one_word_after_a_family_word_is_a_name_even_outside_the_given_name_list(
        cues: NameDetector) -> None:
    text = "P: review in clinic; pt's daughter Dimitris to call (512) 781-4652"
    assert _people(cues, text) == ["Dimitris"]


def test_one_word_after_a_role_word_still_needs_a_given_name(cues: NameDetector) -> None:
    assert _people(cues, "escalated to the agent Smith queue") == []


def test_names_printed_beside_signature_lines_are_found(cues: NameDetector) -> None:
    text = "IN WITNESS WHEREOF: ____________ Zawadi Kariuki   ____________ Søren Peña\n"
    assert _people(cues, text) == ["Zawadi Kariuki", "Søren Peña"]


@pytest.mark.parametrize("text", ["Signed: __________ Date: ________\n", "______ Print Name\n",
                                  "def __init__ Method docs\n"])
def test_blank_signature_lines_and_dunders_name_nobody(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


def test_a_whatsapp_speaker_outside_the_given_name_list_is_found(cues: NameDetector) -> None:
    assert _people(cues, "9/7/2020, 15:42 - Dimitris: see also #31546\n") == ["Dimitris"]


@pytest.mark.parametrize("text", ["2024-01-02 10:00 - Gateway: up\n",
                                  "2024-01-02, 10:00 - Service: up\n"])
def test_a_program_part_in_a_dated_line_is_not_a_speaker(cues: NameDetector,
                                                         text: str) -> None:
    assert _people(cues, text) == []
