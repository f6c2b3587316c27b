from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from classifiers.custom.config import CustomSectionError, parse_custom_section
from classifiers.custom.edm import EdmIndex
from classifiers.custom.fingerprint import FingerprintSet
from classifiers.detectors.custom import CustomDetector
from classifiers.model import Severity

DOC = (
    "Revenue guidance for the next year will be lowered by six percent. The board agreed "
    "to pause hiring in sales until the summer. Analysts will be told at the capital "
    "markets day in May. Nobody outside the finance committee may see these figures."
)


def _files(tmp_path: Path) -> tuple[str, str]:
    index, _ = EdmIndex.build([["ACC-55001"]], ["account"])
    index.save(tmp_path / "accounts.edm")
    FingerprintSet.empty().with_document("guidance", DOC).save(tmp_path / "board.fp")
    (tmp_path / "names.txt").write_text("# code names\nProject Wren\n\nBlue Lantern\n",
                                        encoding="utf-8")
    digest = hashlib.sha256((tmp_path / "accounts.edm").read_bytes()).hexdigest()
    return "accounts.edm", digest


def test_policy_section_builds_custom_data_that_detects(tmp_path: Path) -> None:
    edm_file, digest = _files(tmp_path)
    section = {
        "keywords": [{"id": "codenames", "terms": ["Kestrel"], "terms_file": "names.txt",
                      "severity": "high"}],
        "edm": [{"id": "accounts", "file": edm_file, "sha256": digest}],
        "fingerprints": [{"id": "board", "file": "board.fp", "min_sentences": 2}],
    }
    data = parse_custom_section(section, tmp_path)
    assert data.keywords[0].terms == ("Kestrel", "Project Wren", "Blue Lantern")
    assert data.keywords[0].severity is Severity.HIGH
    assert data.fingerprints[0].fingerprints.min_sentences == 2
    text = "blue lantern update; account acc 55001. " + DOC
    found = {f.entity_type for f in CustomDetector(data).detect(text)}
    assert found == {"CUSTOM:codenames", "CUSTOM:accounts", "CUSTOM:board"}


def test_every_problem_of_the_section_is_reported_at_once(tmp_path: Path) -> None:
    _files(tmp_path)
    section = {
        "keywordz": [],
        "keywords": [{"id": "Bad Id", "terms": []}],
        "edm": [{"id": "accounts", "file": "accounts.edm", "sha256": "0" * 64}],
        "fingerprints": [{"id": "board", "file": "missing.fp", "severity": "urgent"}],
    }
    with pytest.raises(CustomSectionError) as info:
        parse_custom_section(section, tmp_path)
    problems = "\n".join(info.value.problems)
    assert "unknown key 'keywordz'" in problems
    assert "not valid" in problems and "no terms" in problems
    assert "does not match its sha256" in problems
    assert "cannot read missing.fp" in problems
    assert "severity must be" in problems
    assert "more)" in str(info.value)
