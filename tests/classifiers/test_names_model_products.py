"""What the name model calls a person in software documentation, and drops (needs the
offline model; skipped without it)."""

from __future__ import annotations

import pytest

from classifiers import nlp
from classifiers.detectors.names import NameDetector

pytestmark = pytest.mark.skipif(not nlp.model_installed(), reason="name model not installed")


@pytest.fixture(scope="module")
def detector() -> NameDetector:
    return NameDetector()


def _people(detector: NameDetector, text: str) -> list[str]:
    return [f.value for f in detector.detect(text) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    "text",
    [
        "### Decoding Map\n\nThe table below maps bytes to characters.\n",
        "gcloud assured workloads create - create a new Assured Workloads environment\n",
        "(ALPHA) List Apigee applications.\n",
        "Enables Continuous Backups on the cluster.\n",
        "Fails without a matching Customer-Supplied Encryption Key in the request.\n",
        "Please contact Oracle, 500 Oracle Parkway, Redwood Shores, CA 94065 USA\n",
    ],
)
def test_title_case_products_headings_and_places_in_docs_are_not_people(
        detector: NameDetector, text: str) -> None:
    assert _people(detector, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pt Keisha Morgan (MRN 7734120) agrees with plan.", ["Keisha Morgan"]),
        ("WHEREAS Thảo Trần, residing at 193 Baker Street, Leeds", ["Thảo Trần"]),
    ],
)
def test_people_after_a_label_abbreviation_or_an_all_caps_keyword_are_still_found(
        detector: NameDetector, text: str, expected: list[str]) -> None:
    assert _people(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Requires Binary Authorization attestations for every image.\n",
        "Findings come from Event Threat Detection and other sources.\n",
    ],
)
def test_title_case_names_ending_like_abstract_nouns_are_not_people(
        detector: NameDetector, text: str) -> None:
    assert _people(detector, text) == []
