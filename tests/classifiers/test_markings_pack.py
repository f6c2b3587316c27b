"""The markings rule pack on realistic documents: classification labels are found as
labels (banners, labelled fields, caveats, TLP, sensitivity-label metadata), and the same
words used in prose produce nothing."""

from __future__ import annotations

from functools import cache

import pytest

from classifiers.detectors.pattern import PatternDetector
from classifiers.engine import Engine
from classifiers.model import Category
from classifiers.rules import load_builtin_packs


@cache
def _engine() -> Engine:
    return Engine([PatternDetector(load_builtin_packs(["markings"]))])


def found(text: str) -> list[str]:
    """Values of the findings the engine keeps, in document order."""
    findings = _engine().scan(text).findings
    assert all(f.entity_type == "CLASSIFICATION_MARKING" for f in findings)
    assert all(f.category is Category.MARKING for f in findings)
    return [f.value for f in findings]


MEMO = """\
*** CONFIDENTIAL ***

MEMORANDUM
To:      Executive Leadership Team
From:    Office of the CFO
Date:    12 March 2026
Re:      Q3 restructuring options

Classification: Strictly Confidential

1. Background
The restricted area on floor 3 will be repurposed. Please keep the numbers below
confidential until the board meets; the confidentiality clause in section 4 of the
works-council agreement applies.

2. Options
We looked at Confidential Computing for the payroll enclave (out of scope here).

Acme Corp | COMPANY CONFIDENTIAL | Page 1 of 4
"""


def test_memo_reports_banner_field_and_footer_but_not_prose() -> None:
    assert found(MEMO) == [
        "CONFIDENTIAL",
        "Strictly Confidential",  # a labelled field reports the label's value
        "COMPANY CONFIDENTIAL",
    ]


CHAT = """\
[10:02] priya: can you keep this confidential? we're not announcing the reorg yet
[10:03] tom: sure, top secret recipe (joke). our secret sauce stays secret 🤐
[10:03] tom: is the Confidential Computing pilot still restricted to the EU region?
[10:04] priya: yes — restricted area, need-to-know. see the confidentiality clause in section 4
[10:05] tom: Secret Santa list is internal only btw
"""


def test_chat_using_marking_words_in_prose_yields_nothing() -> None:
    assert found(CHAT) == []


LEGAL_EMAIL = """\
From: Maria Ortiz <maria.ortiz@ortiz-law.example>
To: Legal Team <legal@acme.example>
Subject: [Privileged & Confidential] Globex dispute - draft response
Date: Tue, 10 Mar 2026 09:12:44 +0100

PRIVILEGED & CONFIDENTIAL
ATTORNEY WORK PRODUCT

Team, attached is the draft. This communication is protected by attorney-client privilege.
Please DO NOT FORWARD.
"""


def test_legal_email_reports_subject_banners_and_handling_instruction() -> None:
    assert found(LEGAL_EMAIL) == [
        "[Privileged & Confidential]",
        "PRIVILEGED & CONFIDENTIAL",
        "ATTORNEY WORK PRODUCT",
        "DO NOT FORWARD",
    ]


GOV_CABLE = """\
TOP SECRET//SI//NOFORN

(U) This paragraph is unclassified.
(S//NF) The facility was relocated in March.
(C) 2026 is the copyright line of an attachment, not a portion mark.
UNCLASSIFIED//REL TO USA is not sensitive; UNCLASSIFIED//FOUO is.
"""


def test_government_caveats_and_portion_marks() -> None:
    assert found(GOV_CABLE) == ["TOP SECRET//SI//NOFORN", "(S//NF)", "UNCLASSIFIED//FOUO"]


THREAT_REPORT = """\
TLP:AMBER+STRICT
Indicators for the March phishing wave. The TLP standard has four labels;
TLP:CLEAR material may be published, TLP:GREEN may go to the community.
"""


def test_tlp_reports_only_restrictive_colours() -> None:
    assert found(THREAT_REPORT) == ["TLP:AMBER+STRICT"]


GUID = "3f2b9c1e-7d4a-4b8e-9a61-0c5e2f7d8b43"
OTHER_GUID = "a1c4e7f0-2b5d-4e8a-9c3f-6d9b0e1a4c72"

DOCX_PROPERTIES = f"""\
Title = Payroll export 2026
Company = Acme Corp
MSIP_Label_{GUID}_Enabled = true
MSIP_Label_{GUID}_Method = Standard
MSIP_Label_{GUID}_Name = Highly Confidential
MSIP_Label_{GUID}_SiteId = {OTHER_GUID}
"""


def test_sensitivity_label_metadata_is_reported() -> None:
    assert found(DOCX_PROPERTIES) == [
        f"MSIP_Label_{GUID}_Enabled = true",
        f"MSIP_Label_{GUID}_Name = Highly Confidential",
    ]


def test_public_sensitivity_label_name_is_not_a_marking() -> None:
    assert found(f"MSIP_Label_{GUID}_Name = Public\nMSIP_Label_{GUID}_Name = General\n") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-- INTERNAL USE ONLY --\nOnboarding checklist", "INTERNAL USE ONLY"),
        ("Internal Use Only\r\nOnboarding checklist", "Internal Use Only"),
        ("[RESTRICTED]\nIncident 2231 post-mortem", "RESTRICTED"),
        ("HIGHLY RESTRICTED\n", "HIGHLY RESTRICTED"),
        ("NOT FOR DISTRIBUTION", "NOT FOR DISTRIBUTION"),
        ("OFFICIAL-SENSITIVE\nSupplier risk register", "OFFICIAL-SENSITIVE"),
        ("SECRET//NOFORN", "SECRET//NOFORN"),
        ("Sensitivity: Highly Confidential", "Highly Confidential"),
        ("Data classification: Restricted", "Restricted"),
        ("RESTRICTED - INTERNAL\nKYC check", "RESTRICTED - INTERNAL"),
        ("CONFIDENTIAL - DO NOT DISTRIBUTE", "CONFIDENTIAL - DO NOT DISTRIBUTE"),
        ("Invoice CHG2350420 (CONFIDENTIAL)", "CONFIDENTIAL"),
        ("Board minutes 2026-05-24 — Confidential – Internal Only", "Confidential – Internal Only"),
        ("CONFIDENTIAL: Q3 revenue by region", "CONFIDENTIAL"),
        ("Slide 12 · Company Confidential · Acme", "Company Confidential"),
        ("TLP:RED", "TLP:RED"),
        ("Private & Confidential\n\nMr Daniel Osei\n22 Larch Avenue", "Private & Confidential"),
        ("Strictly Private and Confidential\nTo be opened by the addressee only",
         "Strictly Private and Confidential"),
        ("PRIVATE AND CONFIDENTIAL\nOffer of employment", "PRIVATE AND CONFIDENTIAL"),
        ("Letter marked Personal & Confidential, addressee only.", "Personal & Confidential"),
    ],
)
def test_each_marking_form_is_found_with_its_exact_value(text: str, expected: str) -> None:
    assert found(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "Please keep this confidential between us.",
        "the restricted area behind the loading dock",
        "our secret sauce is the retry logic",
        "top secret recipe (joke)",
        "We evaluated Confidential Computing for the enclave.",
        "See the confidentiality clause in section 4.",
        "CONFIDENTIALITY AGREEMENT",
        "Classification: Public",
        "Sensitivity: General",
        "UNCLASSIFIED",
        "Restricted Stock Units vest quarterly.",
        "(C) 2026 Acme Corp. All rights reserved.",
        "TLP:GREEN",
        "Top Secret clearance required (job advert)",
        "Your answers are private and confidential and only seen by HR.",
    ],
)
def test_marking_words_in_ordinary_text_produce_no_finding(text: str) -> None:
    assert found(text) == []


# --- "internal use only" in code is a remark, not a label --------------------------------


@pytest.mark.parametrize("text", [
    'def collect_fields():\n    """Collect the fields.\n\n    For internal use only.\n    """',
    '"""Rules of the validation step.\n\nFor internal use only.\n"""',
    "    terboundary   : terminating multipart boundary\n            (for internal use only)",
    "# for internal use only\nimport os",
    "This page is for internal use only and must not be shared.",
])
def test_internal_use_only_inside_code_or_a_sentence_is_not_a_marking(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("text", "value"), [
    ("Q4 pricing deck\nFor internal use only\n\nSlide 1", "For internal use only"),
    ("Onboarding checklist\n-- Internal use only --", "Internal use only"),
    ("Q4 roadmap\nInternal Use Only", "Internal Use Only"),
    ("    INTERNAL USE ONLY    \nBoard pack", "INTERNAL USE ONLY"),
])
def test_internal_use_only_as_a_label_line_is_a_marking(text: str, value: str) -> None:
    assert value in found(text)
