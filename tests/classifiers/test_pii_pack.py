"""The pii and health rule packs on realistic text: what they report and what they must not."""

from __future__ import annotations

import pytest

from classifiers.detectors.pattern import PatternDetector
from classifiers.rules import load_builtin_packs


@pytest.fixture(scope="module")
def detector() -> PatternDetector:
    return PatternDetector(load_builtin_packs(["pii", "financial", "health"]))


def _found(detector: PatternDetector, text: str, entity_type: str) -> list[str]:
    return [f.value for f in detector.detect(text) if f.entity_type == entity_type]


POSITIVES = [
    # (entity type, text, expected value)
    ("EMAIL_ADDRESS", "From: Maria Lopez <maria.lopez@acme-corp.com>", "maria.lopez@acme-corp.com"),
    ("EMAIL_ADDRESS", "Ticket #4411 reporter=dev.ops+alerts@contoso.io", "dev.ops+alerts@contoso.io"),
    ("EMAIL_ADDRESS", "name,email\nAna Souza,ana.souza@example.de", "ana.souza@example.de"),
    ("EMAIL_ADDRESS", "AD account: r.mensah@corp.local", "r.mensah@corp.local"),
    ("EMAIL_ADDRESS", "<a href=\"mailto:help@contoso.org\">mail us</a>", "help@contoso.org"),
    ("IP_ADDRESS", "2024-06-11T10:02:33Z sshd: Failed password from 81.2.69.142 port 22",
     "81.2.69.142"),
    ("IP_ADDRESS", "X-Forwarded-For: 81.2.69.160, 10.0.0.4", "81.2.69.160"),
    ("IP_ADDRESS", "blocked 11.2.27.20 after 5 failed logins", "11.2.27.20"),
    ("IP_ADDRESS", "remote addr 2a00:1450:4001:82a::200e accepted", "2a00:1450:4001:82a::200e"),
    ("US_SSN", "Employee: Jane Roe\nSSN: 536-90-4399\nStart date: 2021-03-01", "536-90-4399"),
    ("US_SSN", "applicant social security number 536904399 on file", "536904399"),
    ("US_PASSPORT", "Traveller passport no. 912803456, issued 2019", "912803456"),
    ("US_PASSPORT", "Passport Number: A12345678", "A12345678"),
    # US forms (DS-11, DS-82, I-9) ask for the "passport book number" and "passport card number"
    ("US_PASSPORT", "Section 3: passport book number 480213377, issue date 04/2016", "480213377"),
    ("US_PASSPORT", "Passport Card No.: C07719204", "C07719204"),
    ("US_PASSPORT", "traveller:\n  passport_no: '553019284'", "553019284"),
    ("US_DRIVER_LICENSE", "Driver's License #: D1234567 (CA), exp 2027", "D1234567"),
    ("US_DRIVER_LICENSE", "DL: 480921736", "480921736"),
    ("UK_NINO", "Your National Insurance number is AB 12 34 56 C.", "AB 12 34 56 C"),
    ("UK_NINO", "nino=JG103759A", "JG103759A"),
    ("UK_NHS", "NHS No: 943 476 5919", "943 476 5919"),
    ("UK_NHS", "Patient NHS number 9434765870, GP surgery Leeds", "9434765870"),
    ("DATE_OF_BIRTH", "Name: Maria Lopez\nDOB: 03/12/1985", "03/12/1985"),
    ("DATE_OF_BIRTH", "Patient (born 12 March 1990) presented with chest pain", "12 March 1990"),
    ("DATE_OF_BIRTH", "date_of_birth: 1979-11-02", "1979-11-02"),
    ("STREET_ADDRESS", "Shipping address: 742 Evergreen Terrace, Springfield, OR 97403",
     "742 Evergreen Terrace, Springfield, OR 97403"),
    ("STREET_ADDRESS", "Flat 2, 12 High Street, Oxford OX1 4AH", "12 High Street, Oxford OX1 4AH"),
    ("STREET_ADDRESS", "Lieferadresse: Hauptstraße 5, 10115 Berlin", "Hauptstraße 5, 10115 Berlin"),
    ("STREET_ADDRESS", "Adresse : 8 rue de Rivoli, 75004 Paris", "8 rue de Rivoli, 75004 Paris"),
    # Italian street types and Roman numerals in a street's name
    ("STREET_ADDRESS", "Destinatario: Corso Re Umberto I 88, 10128 Torino",
     "Corso Re Umberto I 88, 10128 Torino"),
    ("STREET_ADDRESS", "sede legale in Largo Augusto 7, 20122 Milano", "Largo Augusto 7, 20122 Milano"),
    ("STREET_ADDRESS", "abita in Vicolo del Cinque 14", "Vicolo del Cinque 14"),
    ("STREET_ADDRESS", "Piazzale degli Eroi 3, 00136 Roma", "Piazzale degli Eroi 3, 00136 Roma"),
    ("STREET_ADDRESS", "Strada Comunale San Vito 21", "Strada Comunale San Vito 21"),
    ("STREET_ADDRESS", "consegna in Via Pio XI 40, 20900 Monza", "Via Pio XI 40, 20900 Monza"),
    ("STREET_ADDRESS", "Viale Papa Giovanni XXIII 102, Bergamo", "Viale Papa Giovanni XXIII 102"),
    ("MEDICAL_RECORD_NUMBER", "Pt: F, 54y. MRN: 00482913. Admitted for chest pain.", "00482913"),
    ("MEDICAL_RECORD_NUMBER", "Patient ID: PT-88213 | Ward 4B", "PT-88213"),
]


@pytest.mark.parametrize(("entity_type", "text", "value"), POSITIVES)
def test_pii_value_is_reported(detector: PatternDetector, entity_type: str, text: str,
                               value: str) -> None:
    assert value in _found(detector, text, entity_type)


HARD_NEGATIVES = [
    # credentials in URLs are not e-mail addresses
    ("EMAIL_ADDRESS", "DATABASE_URL=postgres://admin:s3cr3tPass@db.internal.net:5432/app"),
    ("EMAIL_ADDRESS", "git clone https://ghp_abcdefghijklmnop@github.com/org/repo.git"),
    ("EMAIL_ADDRESS", "git clone git@github.com:org/repo.git"),
    ("EMAIL_ADDRESS", "background: url(img/logo@2x.png)"),
    ("EMAIL_ADDRESS", "npm install react@18.2.0 lodash@4.17.21"),
    ("EMAIL_ADDRESS", "Enter your e-mail address, e.g. user@example.com"),
    # private, loopback, documentation addresses and version numbers are not PII
    ("IP_ADDRESS", "server listening on 127.0.0.1:8080 and 0.0.0.0:9090"),
    ("IP_ADDRESS", "db=10.0.3.17 cache=192.168.1.20 vpn=172.16.4.1"),
    ("IP_ADDRESS", "see RFC 5737: 192.0.2.10, 198.51.100.7, 203.0.113.9"),
    ("IP_ADDRESS", "Upgraded agent to version 4.2.1.3 on all hosts"),
    ("IP_ADDRESS", "User-Agent: Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36"),
    ("IP_ADDRESS", "snmpwalk OID 1.3.6.1.4.1.2021.10"),
    ("IP_ADDRESS", "7.1.1.1 SHA256\n7.1.1.2 SHA224\n7.1.2.1 STREEBOG512"),
    ("IP_ADDRESS", "as described in [Section 22.1.4.1][] of the ECMAScript spec"),
    ("IP_ADDRESS", "This was fixed in 1.5.4.1."),
    ("IP_ADDRESS", "Under clause 12.4.33.2 the supplier bears the cost."),
    ("IP_ADDRESS", "time 10:02:33 and std::vector<int>"),
    # 9 digit numbers without their label are not SSNs, passports or licences
    ("US_SSN", "kubectl logs web-536904399-x7k2p"),
    ("US_SSN", "Order 536-90-4399 shipped via UPS"),
    ("US_SSN", "ISBN 978-3-16-148410-0"),
    ("US_PASSPORT", "reference 912803456 was closed"),
    ("US_PASSPORT", "passport photo upload v1 failed at p95 latency"),
    ("US_PASSPORT", "passport book ordered; card 912803456 on file"),
    ("US_DRIVER_LICENSE", "driver v1 supports x64; p95 in Q3; s3 bucket h1"),
    ("US_DRIVER_LICENSE", "duplicate license key 7723419 for the installer"),
    ("US_DRIVER_LICENSE", "Updated the NVIDIA GPU driver to 5512345"),
    ("UK_NHS", "Call 943 476 5919 for support"),
    ("UK_NHS", "invoice 9434765919 paid"),
    ("UK_NINO", "QQ123456C is the format shown on the form"),
    ("DATE_OF_BIRTH", "Admitted 2024-01-05, discharged 2024-01-09"),
    ("DATE_OF_BIRTH", "The release of 12 March 1990 was version 2"),
    ("STREET_ADDRESS", "We shipped 3 Docker images on the way home"),
    ("STREET_ADDRESS", "Step 2 Dr Smith reviews the chart"),
    ("STREET_ADDRESS", "Spring 2024 release, via the API 2 times"),
    ("STREET_ADDRESS", "the corso 2 times a week, largo 3 bars"),
    ("MEDICAL_RECORD_NUMBER", "The patient waited 45 minutes; record 1234567 updated"),
    ("MEDICAL_RECORD_NUMBER", "order id 4455667 shipped"),
]


@pytest.mark.parametrize(("entity_type", "text"), HARD_NEGATIVES)
def test_hard_negative_is_not_reported(detector: PatternDetector, entity_type: str,
                                       text: str) -> None:
    assert _found(detector, text, entity_type) == []


def test_context_words_match_whole_words_only(detector: PatternDetector) -> None:
    # "dl" inside "handler" or "lic" inside "duplicate" is no driver-licence context
    assert _found(detector, "handler 480921736 retried", "US_DRIVER_LICENSE") == []
    assert _found(detector, "nhsx 9434765870", "UK_NHS") == []


@pytest.mark.parametrize("text", [
    "cc: jane.roe@example.com",
    '{ id: 2, name: "John Smith", email: "john@example.com", role: "viewer" }',
    "Reply-To: billing-team@mail.example.org",
    "SMTP_FROM=ci-bot@runner.test",
    "assert not is_valid('bob@nowhere.invalid')",
    "dev mail goes to admin@app.localhost",
    "login as user@example.com",
])
def test_addresses_at_reserved_documentation_domains_are_not_reported(
        detector: PatternDetector, text: str) -> None:
    # Decision (docs/detection.md): RFC 2606 / RFC 6761 reserve these domains; no mailbox
    # can exist there, so mock data, fixtures and docs are not flagged.
    assert _found(detector, text, "EMAIL_ADDRESS") == []


def test_lookalikes_of_reserved_domains_are_still_addresses(detector: PatternDetector) -> None:
    text = "cc jane.roe@example.co.uk, li.wei@examples.com and k.berg@test-labs.io"
    assert _found(detector, text, "EMAIL_ADDRESS") == [
        "jane.roe@example.co.uk", "li.wei@examples.com", "k.berg@test-labs.io"]


def test_a_role_mailbox_alone_stays_below_the_reporting_threshold(
        detector: PatternDetector) -> None:
    from app.services.decide import Channel, Verdict, decide
    from app.services.policy import load_builtin_policy
    from classifiers.engine import Engine

    result = Engine([detector]).scan("Questions? Write to support@shipfast.app any time.")
    assert [f.score < 0.5 for f in result.findings] == [True]
    decision = decide(load_builtin_policy(), result, Channel.CLIPBOARD)
    assert decision.verdict is Verdict.ALLOW and decision.reported == ()


def test_a_role_mailbox_never_hides_a_personal_address(detector: PatternDetector) -> None:
    text = "To: Support <support@shipfast.app>; cc: tomasz.wojcik@kraftwerk-logistik.de"
    scores = {f.value: f.score for f in detector.detect(text) if f.entity_type == "EMAIL_ADDRESS"}
    assert scores["tomasz.wojcik@kraftwerk-logistik.de"] >= 0.9
    assert scores["support@shipfast.app"] < 0.5


def test_ssh_login_is_not_reported_as_an_address(detector: PatternDetector) -> None:
    assert _found(detector, "ssh deploy@build01.corp.net", "EMAIL_ADDRESS") == []


def test_clinical_note_yields_each_identifier_once(detector: PatternDetector) -> None:
    note = (
        "Patient: Fatima Al-Sayed\n"
        "MRN: 00482913   NHS No: 943 476 5919\n"
        "DOB: 14/07/1962\n"
        "Address: 12 High Street, Oxford OX1 4AH\n"
        "Seen in clinic on 2024-06-11 for follow-up.\n"
    )
    types = sorted(f.entity_type for f in detector.detect(note))
    assert types == ["DATE_OF_BIRTH", "MEDICAL_RECORD_NUMBER", "STREET_ADDRESS", "UK_NHS"]


def test_server_log_reports_only_the_public_client(detector: PatternDetector) -> None:
    log = (
        "10.0.0.5 - - [11/Jun/2024:10:02:33 +0000] \"GET /health HTTP/1.1\" 200 2\n"
        "81.2.69.142 - - [11/Jun/2024:10:02:34 +0000] \"POST /login HTTP/1.1\" 401 17\n"
        "127.0.0.1 - - [11/Jun/2024:10:02:35 +0000] \"GET /metrics HTTP/1.1\" 200 912\n"
    )
    assert [(f.entity_type, f.value) for f in detector.detect(log)] == [
        ("IP_ADDRESS", "81.2.69.142")
    ]


@pytest.mark.parametrize("address", ["support.jane@shipfast.app", "jane.support@shipfast.app",
                                     "hr-maria.lopez@acme.io", "admin.k.berg@northbank.co.uk"])
def test_a_personal_address_that_contains_a_role_word_keeps_full_confidence(
        detector: PatternDetector, address: str) -> None:
    scores = [f.score for f in detector.detect(f"mail {address} today")
              if f.entity_type == "EMAIL_ADDRESS"]
    assert scores == [0.9]


@pytest.mark.parametrize("address", [
    "kontakt@hollmann-bau.de", "kundenservice@bueromoebel-schreiner.de", "facturation@paris-meubles.fr",
    "ventas@grupo-iberia.es", "segreteria@studio-rossi.it", "atendimento@lojas-faria.pt",
    "klantenservice@fietsenwinkel.nl", "bezpieczenstwo@bank-przyklad.pl", "it-helpdesk@northbank.co.uk",
    "customer.service@shipfast.app",
])
def test_function_mailboxes_in_other_languages_and_joined_forms_stay_below_the_threshold(
        detector: PatternDetector, address: str) -> None:
    scores = [f.score for f in detector.detect(f"Fragen? {address}") if f.entity_type == "EMAIL_ADDRESS"]
    assert len(scores) == 1 and scores[0] < 0.5


def test_a_personal_address_after_a_role_word_is_not_a_function_mailbox(
        detector: PatternDetector) -> None:
    assert _found(detector, "mail customer.jane@shipfast.app", "EMAIL_ADDRESS") == [
        "customer.jane@shipfast.app"]
    scores = [f.score for f in detector.detect("mail customer.jane@shipfast.app")]
    assert scores == [0.9]


@pytest.mark.parametrize("text", [
    "# along with this program; if not, write to the Free Software Foundation, Inc.,\n"
    "# 51 Franklin Street, Fifth Floor, Boston, MA 02110-1301 USA.",
    " * License along with this library; if not, write to the Free Software\n"
    " * Foundation, Inc., 59 Temple Place - Suite 330, Boston, MA 02111-1307, USA.",
    "Foundation, Inc., 675 Mass Ave, Cambridge, MA 02139, USA.",
])
def test_the_address_in_a_gnu_licence_header_is_not_reported(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "STREET_ADDRESS") == []


def test_a_home_on_a_street_of_the_same_name_is_still_an_address(
        detector: PatternDetector) -> None:
    text = "New tenant: 51 Franklin Street, Annapolis, MD 21401"
    assert _found(detector, text, "STREET_ADDRESS") == ["51 Franklin Street, Annapolis, MD 21401"]


@pytest.mark.parametrize("text", [
    "the field accepts xxxx.xxxx@xxxx.xxx shapes",
    "git config --global user.email alice@foo.com",
    "DEFAULT_FROM_EMAIL = 'webmaster@mydomain.com'",
    "sent a reset link to j***@gmail.com",
])
def test_shape_only_masked_and_placeholder_domain_addresses_are_not_reported(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "EMAIL_ADDRESS") == []


def test_a_vcard_gives_its_address_and_birthday(detector: PatternDetector) -> None:
    card = ("BEGIN:VCARD\nFN:Helena Sørlie\nTEL;TYPE=CELL:+47 412 58 903\n"
            "EMAIL;TYPE=INTERNET:helena.sorlie@fjordline-consulting.no\nBDAY:1986-09-14\nEND:VCARD")
    assert _found(detector, card, "EMAIL_ADDRESS") == ["helena.sorlie@fjordline-consulting.no"]
    assert _found(detector, card, "DATE_OF_BIRTH") == ["1986-09-14"]


def test_a_password_after_a_colon_in_a_url_is_still_not_an_address(
        detector: PatternDetector) -> None:
    assert _found(detector, "smtp://email:Xk82pLq0z@smtp.internal.net:587", "EMAIL_ADDRESS") == []


@pytest.mark.parametrize(("entity_type", "text", "values"), [
    ("IP_ADDRESS", "allow 81.2.69.160 81.2.69.161,81.2.69.162",
     ["81.2.69.160", "81.2.69.161", "81.2.69.162"]),
    ("US_SSN", "SSNs: 536-90-4399 412-56-7788 531-72-8840",
     ["536-90-4399", "412-56-7788", "531-72-8840"]),
])
def test_every_value_of_a_one_separator_list_is_found(
        detector: PatternDetector, entity_type: str, text: str, values: list[str]) -> None:
    assert _found(detector, text, entity_type) == values


@pytest.mark.parametrize("text", [
    "   Foundation, Inc., 51 Franklin Street - Fifth Floor, Boston,\n   MA 02110-1301",
    "This software is copyright (C) 1991-1998, Thomas G. Lane.",
    "Copyright: 2021 Iain Lane <iain@orangesquash.org.uk>",
])
def test_licence_boilerplate_and_copyright_lines_are_not_addresses(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "STREET_ADDRESS") == []


# --- third-party text: copyright lines, versions, OIDs and prefixes ------------------------

DEBIAN_COPYRIGHT = """\
Files: gio/*
Copyright:
 2006-2008 Hans Breuer
 2001 Hidetoshi Tajima
 2010 Ryan Lortie
 2021 Iain Lane
 2018-2021 Igalia S.L
License: LGPL-2.1+
"""

ICON_CREDITS = """\
 © 2003 Paul Duffy
 © 2005 Philibert Ndandali
 © 2014 Piotr Drąg
 © 2008 Praveen A
"""


@pytest.mark.parametrize("text", [DEBIAN_COPYRIGHT, ICON_CREDITS])
def test_a_copyright_year_and_a_name_are_not_a_street_address(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "STREET_ADDRESS") == []


@pytest.mark.parametrize(("text", "value"), [
    ("Please update my address to 2014 Maple Lane.", "2014 Maple Lane"),
    ("Ship to: 1999 Oak Street, Springfield, IL 62701", "1999 Oak Street, Springfield, IL 62701"),
    ("billing address 2000 Pennsylvania Avenue", "2000 Pennsylvania Avenue"),
])
def test_a_year_shaped_house_number_is_an_address_next_to_an_address_word(
        detector: PatternDetector, text: str, value: str) -> None:
    assert value in _found(detector, text, "STREET_ADDRESS")


def test_a_street_suffix_must_end_its_word_in_any_script(detector: PatternDetector) -> None:
    # RE2's \b only knows ASCII: "Dr" of "Drąg" used to end a street name.
    assert _found(detector, "met 12 Oak Drâguignan", "STREET_ADDRESS") == []
    assert _found(detector, "lives at 12 Oak Dr. now", "STREET_ADDRESS") == ["12 Oak Dr."]


@pytest.mark.parametrize("text", [
    "    Return a Tuple[str, int] e.g., ['7.1.4.34', 1806]",
    'KEY_USAGE = ObjectIdentifier("2.5.29.15")',
    "commonName OID 2.5.4.3 in the subject",
    "dpkg (1.16.4.3) unstable; urgency=low",
])
def test_versions_oids_and_changelog_headings_are_not_ip_addresses(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "IP_ADDRESS") == []


@pytest.mark.parametrize("text", [
    '_ALLOWED = (\n    "2002::/16",\n    "2620:4f:8000::/48",\n)',
    "gcloud compute networks subnets create --internal-ipv6-prefix 2600:1901:0:0:0:0:0:0/64",
    "conn = client.HTTPConnection('[2001:102A::]')",
    "assertBadAddressPart('3ffe::1.net')",
    "the new documentation prefix: 3fff:12:34::5",
])
def test_ipv6_prefixes_and_documentation_ranges_are_not_ip_addresses(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "IP_ADDRESS") == []


def test_a_client_address_is_still_found_next_to_prefixes(detector: PatternDetector) -> None:
    text = "blocked 2a00:1450:4001:82a::200e and 81.2.69.160 (rule 2002::/16)"
    assert set(_found(detector, text, "IP_ADDRESS")) == {"2a00:1450:4001:82a::200e",
                                                         "81.2.69.160"}


def test_a_surname_that_means_birth_is_not_a_birth_date_word(detector: PatternDetector) -> None:
    text = "2022-05-18  Victor Do Nascimento  <victor.donascimento@arm.com>"
    assert _found(detector, text, "DATE_OF_BIRTH") == []
    assert _found(detector, "Data de nascimento: 22/09/1976", "DATE_OF_BIRTH") == ["22/09/1976"]


@pytest.mark.parametrize("text", [
    "The prime minister met the union leaders at 10 Downing Street on Monday.",
    "Budget papers left 11 Downing Street, London SW1A 2AB, at noon.",
    "Crowds gathered outside 1600 Pennsylvania Avenue NW after the speech.",
    "Letters to the White House, 1600 Pennsylvania Ave., Washington, DC 20500",
    "The governor general dined at 24 Sussex Drive, Ottawa.",
    "Le président a reçu le chancelier au palais de l'Élysée, 55 rue du Faubourg-Saint-Honoré.",
    "Conferenza stampa a Palazzo Chigi, Piazza Colonna 370, Roma",
])
def test_famous_official_addresses_in_the_news_are_not_personal_addresses(
        detector: PatternDetector, text: str) -> None:
    assert _found(detector, text, "STREET_ADDRESS") == []


@pytest.mark.parametrize(("text", "value"), [
    # the same street names elsewhere, or another number on them, are someone's address
    ("Ship to: 10 Downing Street, Cambridge CB2 3DY", "10 Downing Street, Cambridge CB2 3DY"),
    ("Billing: 1600 Pennsylvania Avenue, Baltimore, MD 21217",
     "1600 Pennsylvania Avenue, Baltimore, MD 21217"),
    ("She moved to 14 Downing Street, Farnham", "14 Downing Street, Farnham"),
    ("Adresse : 57 rue du Faubourg-Saint-Honoré, 75008 Paris",
     "57 rue du Faubourg-Saint-Honoré, 75008 Paris"),
])
def test_a_home_near_a_famous_address_is_still_an_address(
        detector: PatternDetector, text: str, value: str) -> None:
    assert value in _found(detector, text, "STREET_ADDRESS")
