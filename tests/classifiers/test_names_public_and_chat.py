"""PERSON: public figures named by their office in news text are not reported; e-mail
headers, sign-offs in other languages, Slack/Teams speaker lines and lower-case names
after a name label are (classifiers/detectors/names.py)."""

from __future__ import annotations

import pytest

from classifiers import nlp
from classifiers.detectors.names import NameDetector

needs_model = pytest.mark.skipif(not nlp.model_installed(),
                                 reason="the offline name model is not installed")


@pytest.fixture(scope="module")
def cues() -> NameDetector:
    return NameDetector(use_model=False)


@pytest.fixture(scope="module")
def full() -> NameDetector:
    return NameDetector()


def _people(detector: NameDetector, text: str, minimum: float = 0.5) -> list[str]:
    return [f.value for f in detector.detect(text)
            if f.entity_type == "PERSON" and f.score >= minimum]


# --- public figures ---------------------------------------------------------------------

PUBLIC = [
    "Microsoft chief executive Satya Nadella said the cloud unit grew 30 percent.",
    "Shares fell after Nvidia CEO Jensen Huang warned of supply limits.",
    "German Chancellor Friedrich Merz will visit Warsaw next week.",
    "Former President Barack Obama endorsed the candidate on Friday.",
    "Senator Elizabeth Warren asked the regulator for answers.",
    "London Mayor Sadiq Khan opened the new line.",
    "The meeting between Pope Leo and King Charles lasted an hour.",
    "Amazon founder Jeff Bezos sold more shares this week.",
    "US Secretary of State Antony Blinken landed in Cairo.",
    "La présidente de la Commission européenne Ursula von der Leyen a présenté le plan.",
    "Le Premier ministre britannique, Keir Starmer, a répondu aux questions.",
    "Bundeskanzler Friedrich Merz traf am Montag Ministerpräsident Markus Söder.",
    "Tesla-Chef Elon Musk kündigte ein neues Modell an.",
    "El presidente del Gobierno, Pedro Sánchez, visitó Valencia.",
    "La presidenta mexicana Claudia Sheinbaum habló con la prensa.",
    "Il presidente della Repubblica Sergio Mattarella ha firmato la legge.",
    "De minister-president Mark Rutte sprak met koning Willem-Alexander.",
]


@needs_model
@pytest.mark.parametrize("text", PUBLIC)
def test_names_after_a_public_office_or_a_firms_leader_are_not_reported(
        full: NameDetector, text: str) -> None:
    assert _people(full, text) == []


@needs_model
def test_later_mentions_of_a_public_figure_are_not_reported_either(full: NameDetector) -> None:
    text = ("Prime Minister Mark Carney met Finance Minister Dominic LeBlanc. "
            "Later Mark Carney told reporters that Carney's plan was ready.")
    assert _people(full, text) == []


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a possessive: the writer's own firm; its CEO is a colleague (reported)
        ("Our CEO Dana Whitfield will join the all-hands on Friday.", ["Dana Whitfield"]),
        ("Notre président Julien Marchand signera le contrat.", ["Julien Marchand"]),
        # private titles and roles
        ("Please book Dr Anna Kowalski for the follow-up on Tuesday.", ["Anna Kowalski"]),
        ("The patient was seen by nurse Kelly Brennan at 14:00.", ["Kelly Brennan"]),
        ("Escalate to the store manager Tomasz Nowak if the refund fails.", ["Tomasz Nowak"]),
        # a library patron is a customer, not the French "patron"
        ("The library patron Helen Marsh returned the books late.", ["Helen Marsh"]),
    ],
)
def test_names_after_private_titles_are_still_reported(full: NameDetector, text: str,
                                                       expected: list[str]) -> None:
    assert _people(full, text) == expected


# --- e-mail headers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("From: Owen Hart <owen.hart@brightline.co.uk>\nSent: Monday\n"
         "To: Megan Price <megan.price@brightline.co.uk>\nSubject: budget",
         ["Owen Hart", "Megan Price"]),
        ("Cc: Rhys Page <rpage@harbour.io>", ["Rhys Page"]),
        ("An: Jonas Weber <jonas.weber@firma.de>\nÀ : Camille Roux <camille.roux@societe.fr>\n"
         "Para: Lucía Gómez <lgomez@empresa.es>", ["Jonas Weber", "Camille Roux", "Lucía Gómez"]),
    ],
)
def test_recipients_of_forwarded_mail_are_found_like_the_sender(
        cues: NameDetector, text: str, expected: list[str]) -> None:
    assert _people(cues, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "To: Unit Price <unit.price@shop-example.co>",  # a mailbox named after two words
        "Reply-To: Sales Team <sales.team@vendor.io>",
    ],
)
def test_mailboxes_named_after_words_are_not_people(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


# --- sign-offs in other languages -------------------------------------------------------------


@pytest.mark.parametrize(
    ("closing", "name"),
    [
        ("Muchas gracias,", "Inés"),
        ("Merci,", "Thibault"),
        ("Merci beaucoup !", "Margaux"),
        ("Vielen Dank,", "Lukas"),
        ("Herzliche Grüße,", "Annika"),
        ("Obrigada,", "Beatriz"),
        ("Bedankt!", "Pieter"),
        ("Groetjes,", "Femke"),
        ("Grazie mille,", "Giulia"),
        ("Un saludo,", "Álvaro"),
    ],
)
def test_a_given_name_after_a_closing_of_another_language_is_a_signature(
        cues: NameDetector, closing: str, name: str) -> None:
    text = f"Te envío el documento que pediste.\n\n{closing}\n{name}"
    assert _people(cues, text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Merci,\nL'équipe Support",
        "Gracias,\nEquipo de Ventas",
        "Danke,\nIhr Kundenservice",
    ],
)
def test_a_team_after_a_closing_is_no_person(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


# --- Slack / Teams speaker lines ---------------------------------------------------------------


def test_display_names_with_a_time_above_messages_are_speakers(cues: NameDetector) -> None:
    text = ("#billing-alerts\n"
            "**hannah okoro** 2:14 PM\n"
            "stripe webhook failing since noon\n"
            "**luis ferreira** 2:16 PM\n"
            "on it\n"
            "ravi k  2:31 PM\n"
            "fixed, was the signing secret\n"
            "Mette Larsen 14:40\n"
            "thanks all\n")
    assert _people(cues, text) == ["hannah okoro", "luis ferreira", "ravi k", "Mette Larsen"]


def test_one_bold_lower_case_display_name_is_a_speaker(cues: NameDetector) -> None:
    assert _people(cues, "**amira haddad** 08:05\nmorning, VPN is down again") == [
        "amira haddad"]


@pytest.mark.parametrize(
    "text",
    [
        # a schedule: words and times, no given names
        "standup 9:30 AM\nretro 4:00 PM\nlunch 12:30\nplanning 14:00\n",
        # given names that are words ("mark", "june") are a note, not a speaker
        "mark 10:00\njune 11:00\ndeploy window 22:00\nbuild started\n",
        "**kickoff** 9:00 AM\nintro and goals\n**break** 10:30 AM\ncoffee\n",
        # one plain lower-case line with a time is not enough
        "nina 9:41 AM\nstill waiting",
    ],
)
def test_times_after_words_are_no_speakers(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


# --- a lower-case name after a name label ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund please, the name on the card is omar haddad and it ends 4421", ["omar haddad"]),
        ("hi my name is priya nair, i ordered twice by mistake", ["priya nair"]),
        ("cardholder name: li wei", ["li wei"]),
        ("Account holder: daniel okafor", ["daniel okafor"]),
        ("hola, me llamo lucía gómez y tengo un problema con el pedido", ["lucía gómez"]),
        ("name: anna schmidt\nemail: a.schmidt@firm.de", ["anna schmidt"]),
        ("my name is sam btw", ["sam"]),
    ],
)
def test_a_lower_case_name_after_a_name_label_is_found(cues: NameDetector, text: str,
                                                      expected: list[str]) -> None:
    assert _people(cues, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my name is not important here",
        "the file name is report final.pdf",
        "name: string\nname: web server\n",
        "the name on the card is different from my account",
        "my name is mark and i need help",  # "mark" alone is as often a word
        "host name: grace-db-01",
        "mike from accounting said the invoice name is wrong",
    ],
)
def test_lower_case_words_after_name_labels_that_are_no_names(cues: NameDetector,
                                                              text: str) -> None:
    assert _people(cues, text) == []
