"""Detection on hand-written, realistic text (tests/data/realistic/): the figures stay above
their targets, and each class of real-world mistake found there stays fixed."""

from __future__ import annotations

import pytest

from benchmarks.realistic import DATA_DIR, Report, load_docs, presend_predictor, score
from classifiers import nlp
from classifiers.detectors.names import NameDetector
from classifiers.detectors.pattern import PatternDetector
from classifiers.detectors.presidio import PhoneDetector
from classifiers.engine import Engine
from classifiers.model import Finding
from classifiers.rules import load_builtin_packs
from classifiers.taxonomy import category_of

needs_model = pytest.mark.skipif(not nlp.model_installed(),
                                 reason="the offline name model is not installed")


# --- the evaluation set -------------------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> Report:
    if not nlp.model_installed():
        pytest.skip("the offline name model is not installed")
    return score(load_docs(), presend_predictor())


def test_the_set_is_large_enough_and_its_labels_match_the_text() -> None:
    docs = load_docs(DATA_DIR)  # raises when a label's span does not hold its value
    assert len(docs) >= 150
    assert sum(d.clean for d in docs) >= 50
    assert sum(len(d.labels) for d in docs) >= 300


@needs_model
def test_micro_f1_stays_at_or_above_0_95(report: Report) -> None:
    assert report.micro.f1() >= 0.95, report.micro


@needs_model
def test_person_f1_stays_at_or_above_0_85(report: Report) -> None:
    assert report.per_type["PERSON"].f1() >= 0.85


@needs_model
def test_every_secret_type_keeps_recall_of_0_95(report: Report) -> None:
    secret_types = [t for t, c in report.per_type.items()
                    if c.labels and category_of(t).value == "secret"]
    assert len(secret_types) >= 10
    for entity_type in secret_types:
        assert report.per_type[entity_type].recall() >= 0.95, entity_type


@needs_model
def test_findings_scored_0_8_or_more_are_right_at_least_nine_times_in_ten(
        report: Report) -> None:
    assert report.high_total >= 200
    assert report.calibration >= 0.9


@needs_model
def test_few_clean_documents_are_flagged(report: Report) -> None:
    # Target 2%. What is left (docs/detection.md): organisations' phone lines and role
    # mailboxes under the reporting threshold, which count here too (4 of 205 with batch 9).
    assert report.clean_flagged_rate <= 0.03, report.clean_flagged


def test_no_clean_document_gets_a_rule_finding_at_the_reporting_threshold() -> None:
    # Mock data at reserved domains, published test cards, role mailboxes, section numbers,
    # GNU licence headers...: no built-in rule reports anything at 0.5 or more in a
    # document with nothing sensitive in it.
    engine = Engine([PatternDetector(load_builtin_packs(None))])
    flagged = {d.id: [f.recognizer for f in engine.scan(d.text).findings if f.score >= 0.5]
               for d in load_docs() if d.clean}
    assert not {k: v for k, v in flagged.items() if v}


# Rule-pack types: everything but names and phones, which other detectors find.
_RULE_TYPES_SKIPPED = {"PERSON", "PHONE_NUMBER"}


def test_every_rule_pack_value_of_the_first_person_requests_and_code_files_is_found() -> None:
    # Batch 9: "Hi, I'm ..., my SSN is ..." requests to an assistant in seven languages, KYC
    # records and secrets in code of many languages; each labelled value of a rule-pack type
    # must come out of the rule packs alone, with its type.
    engine = Engine([PatternDetector(load_builtin_packs(None))])
    missed = []
    for doc in load_docs():
        if not doc.id.startswith("b9-") or doc.clean:
            continue
        findings = engine.scan(doc.text).findings
        for lab in doc.labels:
            if lab.entity_type in _RULE_TYPES_SKIPPED:
                continue
            if not any(f.entity_type == lab.entity_type and f.start < lab.end and lab.start < f.end
                       for f in findings):
                missed.append((doc.id, lab.entity_type))
    assert not missed


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def patterns() -> PatternDetector:
    return PatternDetector(load_builtin_packs(("pii", "financial", "health")))


def _found(findings: list[Finding], entity_type: str) -> dict[str, float]:
    return {f.value: f.score for f in findings if f.entity_type == entity_type}


# --- dates of birth -----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("Her name should be Margaret Doyle and her date of birth is 15-Jul-1954, not 1955.",
     "15-Jul-1954"),
    ("DOB 02/JAN/61 (per ID)", "02/JAN/61"),
    ("Data de nascimento: 7 de março de 1993", "7 de março de 1993"),
    ("Fecha de nacimiento: 3 de agosto de 1975", "3 de agosto de 1975"),
    ("geboren am 12. März 1990 in Köln", "12. März 1990"),
    ("Date de naissance : 1er janvier 1980", "1er janvier 1980"),
])
def test_birth_dates_in_the_forms_people_write_are_found(
        patterns: PatternDetector, text: str, value: str) -> None:
    assert value in _found(list(patterns.detect(text)), "DATE_OF_BIRTH")


def test_an_admission_date_under_the_dob_line_is_not_a_birth_date(
        patterns: PatternDetector) -> None:
    text = "Patient: W. Kowalski    MRN: 00482913    DOB: 03/11/1947\nAdmitted: 11/28/2024"
    assert set(_found(list(patterns.detect(text)), "DATE_OF_BIRTH")) == {"03/11/1947"}


# --- IP addresses -------------------------------------------------------------------------


def test_the_client_address_after_a_user_agent_line_is_found(patterns: PatternDetector) -> None:
    text = ('172.16.0.12 - - [03/Dec/2024:10:01:44 +0000] "GET / HTTP/1.1" 200 512 "-" '
            '"Mozilla/5.0 (X11) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36"\n'
            '94.142.241.111 - - [03/Dec/2024:10:01:45 +0000] "POST /login HTTP/1.1" 401 87')
    assert set(_found(list(patterns.detect(text)), "IP_ADDRESS")) == {"94.142.241.111"}


@pytest.mark.parametrize("text", [
    "$ ping -c 3 8.8.8.8\nPING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.\n"
    "64 bytes from 8.8.8.8: icmp_seq=1 ttl=117 time=12.4 ms",
    "nameserver 1.1.1.1",
    "Chrome 131.0.0.0 on Windows",
    "route 81.2.69.0 via the VPN",
])
def test_network_tools_versions_and_network_addresses_are_not_ip_findings(
        patterns: PatternDetector, text: str) -> None:
    assert not _found(list(patterns.detect(text)), "IP_ADDRESS")


def test_server_in_the_window_is_not_the_word_ver(patterns: PatternDetector) -> None:
    text = ("timed out, client: 110.222.247.211, server: api.vantage-retail.es\n"
            "2021-10-11T21:20:00Z kernel: [UFW BLOCK] IN=eth0 SRC=57.149.55.199 DST=127.0.0.1")
    assert _found(list(patterns.detect(text)), "IP_ADDRESS").get("57.149.55.199", 0) >= 0.8


# --- e-mail addresses ---------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "From: noreply@github.com\nSubject: Run failed",
    "SENDGRID_FROM=no-reply@acme-mail.com",
    "bounce to mailer-daemon@mx.example.org",
])
def test_machine_senders_are_not_email_findings(patterns: PatternDetector, text: str) -> None:
    assert not _found(list(patterns.detect(text)), "EMAIL_ADDRESS")


@pytest.mark.parametrize("address", ["support@shipfast.app", "bereavement@northbank.co.uk",
                                     "billing@acme.io"])
def test_function_mailboxes_stay_below_the_reporting_threshold(
        patterns: PatternDetector, address: str) -> None:
    found = _found(list(patterns.detect(f"please write to {address} today")), "EMAIL_ADDRESS")
    assert found[address] < 0.5


def test_a_person_mailbox_keeps_high_confidence(patterns: PatternDetector) -> None:
    found = _found(list(patterns.detect("write to d.okafor@brightlane.io")), "EMAIL_ADDRESS")
    assert found["d.okafor@brightlane.io"] >= 0.9


def test_a_shared_login_after_an_address_and_a_slash_is_a_password() -> None:
    from classifiers.build import EngineOptions, make_engine

    engine = make_engine(EngineOptions(names=False))
    text = "> is the demo account still alive?\nyes — demo@tryacme.com / Demo2024!x (nightly)"
    found = {f.entity_type: f.value for f in engine.scan(text).findings}
    assert found == {"EMAIL_ADDRESS": "demo@tryacme.com", "PASSWORD": "Demo2024!x"}


def test_the_password_in_a_url_is_a_password_not_an_email() -> None:
    from classifiers.build import EngineOptions, make_engine

    engine = make_engine(EngineOptions(names=False))
    result = engine.scan("DATABASE_URL=mysql://app:Xk29vLq7Ts4p@10.0.2.15:3306/app")
    assert {f.entity_type for f in result.findings} == {"PASSWORD"}


# --- phone numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("Customer called in ((312) 555-0198), name Robert", "(312) 555-0198"),
    ("Finance Manager\n+44 (0)20 7946 0112", "+44 (0)20 7946 0112"),
    ("Tel. +49 (0)30 901820 17", "+49 (0)30 901820 17"),
    ("My number is +61 412 345 678 if easier", "+61 412 345 678"),
    ("ring me on 087 123 4567.", "087 123 4567"),
])
def test_phone_numbers_written_by_people_are_found(text: str, value: str) -> None:
    assert value in {f.value for f in PhoneDetector().detect(text)}


@pytest.mark.parametrize("text", [
    "For support call 0800 123 4567 (free from UK landlines)",
    "Support line: 1-800-555-0199",
])
def test_freephone_and_shared_cost_lines_are_reported_with_low_confidence(text: str) -> None:
    scores = [f.score for f in PhoneDetector().detect(text)]
    assert scores and all(s < 0.6 for s in scores)


@pytest.mark.parametrize("text", [
    "UPS 1Z 204 E2A 03 1234 5678",
    "Receipt number 004417-22.",
    "Voucher no. 0161 496 0742",
    "One tap mobile: +16465588656,,86422910037#,,,,*4417# US (New York)",
])
def test_tracking_codes_receipt_numbers_and_dial_strings_are_not_phones(text: str) -> None:
    assert not list(PhoneDetector().detect(text))


# --- payment cards ------------------------------------------------------------------------


def test_published_test_card_numbers_are_reported_below_0_8_where_nothing_says_test(
        patterns: PatternDetector) -> None:
    # the issue: test numbers are dropped "only where context says test"
    text = "customer card 4242424242424242 was declined"
    assert 0.5 <= _found(list(patterns.detect(text)), "CREDIT_CARD")["4242424242424242"] < 0.8


def test_a_card_pasted_by_a_customer_scores_0_9(patterns: PatternDetector) -> None:
    text = "please charge my Amex 3707 728378 32662, exp 09/27"
    assert _found(list(patterns.detect(text)), "CREDIT_CARD")["3707 728378 32662"] >= 0.9


@pytest.mark.parametrize("text", [
    "Cards for QA (sandbox only):\n- Visa: 4242 4242 4242 4242",
    "@pytest.fixture\ndef card(): return {\"number\": \"4242424242424242\"}",
    "Stripe test cards for QA (sandbox only):\n- Visa: 4242 4242 4242 4242\n"
    "- Mastercard: 5555 5555 5555 4444\n- Declined: 4000 0000 0000 0002",
    "@pytest.fixture\ndef card():\n    return {\"number\": \"4242424242424242\", \"exp\": \"12/34\"}",
])
def test_test_card_numbers_in_qa_notes_and_fixtures_are_dropped(
        patterns: PatternDetector, text: str) -> None:
    assert not _found(list(patterns.detect(text)), "CREDIT_CARD")


# --- medical record numbers ---------------------------------------------------------------


def test_a_hospital_number_written_hosp_no_is_found(patterns: PatternDetector) -> None:
    text = "Pt: Mrs Aileen McBride, 79F. Hosp no. K4471093."
    assert "K4471093" in _found(list(patterns.detect(text)), "MEDICAL_RECORD_NUMBER")


# --- names (cues only: no model needed) ---------------------------------------------------


def _names(text: str) -> set[str]:
    return {f.value for f in NameDetector(use_model=False).detect(text)}


@pytest.mark.parametrize(("text", "expected"), [
    ("- Dan: finishing the OAuth refactor\n- Wei: on call\n- Amara: out tomorrow",
     {"Dan", "Wei", "Amara"}),
    ("Ellie: did you get the contract back?\nRavi: not yet\nEllie: ok lmk", {"Ellie", "Ravi"}),
    ("<kai> lol the build broke\n<jess> which one", {"kai", "jess"}),
    ("Thanks!\n\n— Chris", {"Chris"}),
    ("Bien cordialement,\nÉtienne Marchand", {"Étienne Marchand"}),
    ("Cumprimentos,\nInês Carvalho", {"Inês Carvalho"}),
    ("Present: E. Vasquez (Chair), R. Thompson, K. Adeyemi",
     {"E. Vasquez", "R. Thompson", "K. Adeyemi"}),
    (">>> Marta wrote: can we move the retro?", {"Marta"}),
    ("Salut Mathilde,\n\nLe plombier passe jeudi.\n\nBises,\nSophie", {"Mathilde", "Sophie"}),
    ("Ingrid 09:12\nmorning! who's on call?\nPavel 09:13\nme, until 5pm", {"Ingrid", "Pavel"}),
    ("**Jonah Feldstein** — today at 3:41 PM\npushed the fix", {"Jonah Feldstein"}),
    ("Hey team, Lorenzo here. I'll be OOO Thu–Fri", {"Lorenzo"}),
    ("1. SCHULZ/ANNA MS  seat 14C\n2. OKAFOR/EMEKA MR  seat 14D", {"SCHULZ/ANNA", "OKAFOR/EMEKA"}),
    ("Traveller 1: Jónsdóttir/Åsa MS", {"Jónsdóttir/Åsa"}),
    ("NOK: wife Elena, 07700 900 733", {"Elena"}),
    ("They want sensors; his daughter Emily prefers e-mail.", {"Emily"}),
    ("Client bloqué, déverrouillé manuellement par Chloé.", {"Chloé"}),
    ("Notes from agent Kwame: customer says she was charged twice", {"Kwame"}),
    ("Signed: Victoria Hale, CEO      Signed: Graham Ellis, COO",
     {"Victoria Hale", "Graham Ellis"}),
    ("Hey Chloé — following up on the invoice", {"Chloé"}),
    ("Vorname;Nachname;Geburtsdatum\nSakura;Inoue;28.11.1939\nKamau;Mwangi;02/03/1981\n",
     {"Sakura", "Inoue", "Kamau", "Mwangi"}),
    ("Gonçalo Conceição, 18:45\nCan someone rotate this?\n\nSofía Alexiou, 15:45\non it.",
     {"Gonçalo Conceição", "Sofía Alexiou"}),
    ("Patient ID: PT-944023     Name: Zhou, Yuting     DOB: September 18, 1979",
     {"Zhou, Yuting"}),
    ("Traveller 2: Min-jun Haddad\n  Passport 658738862", {"Min-jun Haddad"}),
])
def test_names_in_real_chat_signature_and_minutes_layouts_are_found(
        text: str, expected: set[str]) -> None:
    assert expected <= _names(text)


@pytest.mark.parametrize("text", [
    "Beneficiary: Lindqvist Design AB\nIBAN: SE45 5000 0000 0583 9825 7466",
    "Bill to: Harlow Pike Ltd",
    "Reports are generated by Jasper Reports every night.",
    "Kind regards,\nReception\nRiverside Dental Practice",
    "Name: Jane Doe\nEmail: jane@example.com",
    "Il passe jeudi matin au 27 avenue Jean Jaurès, 69007 Lyon.",
    "Johnson & Johnson and Morgan Stanley reported earnings.",
    "We ship from Jordan and Egypt; trains leave by Victoria Station.",
    "Payment is due by Grace period end.",
])
def test_firms_products_desks_and_placeholder_people_are_not_names(text: str) -> None:
    assert not _names(text)


@needs_model
@pytest.mark.parametrize("text", [
    "Die Rechnung Nr. 2024-0931 wurde bezahlt. Vielen Dank für Ihren Auftrag! Bei Fragen "
    "erreichen Sie unseren Kundenservice werktags.",
    "Hola, quiero cambiar mi número de teléfono de la cuenta.",
    "Experiência: Analista Financeira, Banco Atlântico (2016–2023)",
    "Steps: 1. Go to /settings 2. Click Save and wait",
])
def test_non_english_sentences_and_ui_steps_give_no_names(text: str) -> None:
    found = {f.value for f in NameDetector().detect(text)}
    assert not found, found
