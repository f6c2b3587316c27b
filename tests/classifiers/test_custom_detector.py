from __future__ import annotations

from pathlib import Path

import pytest

from classifiers.build import EngineOptions
from classifiers.custom.data import CustomData, CustomDataError, EdmRule, FingerprintRule
from classifiers.custom.edm import EdmIndex
from classifiers.custom.fingerprint import FingerprintSet
from classifiers.custom.keywords import KeywordRule
from classifiers.detectors.custom import CustomDetector, make_detector
from classifiers.model import Category, Severity

DOC = (
    "The merger model assumes synergies of twelve percent in year one. "
    "Headcount in the combined finance team falls by a third within two years. "
    "The Leeds office closes at the end of the second year after completion. "
    "Customers are told only after the contracts have been signed by both parties."
)


def _data() -> CustomData:
    index, _ = EdmIndex.build([["ACC-4471-9902"]], ["account"], salt=b"x" * 16)
    fps = FingerprintSet.empty(salt=b"y" * 16).with_document("merger-model", DOC)
    return CustomData(
        keywords=(KeywordRule("codenames", ("Project Kestrel",), Severity.HIGH, 0.85),),
        edm=(EdmRule("accounts", index, Severity.CRITICAL),),
        fingerprints=(FingerprintRule("board-papers", fps),),
    )


def test_each_kind_of_custom_rule_yields_a_custom_finding_with_its_severity() -> None:
    text = "Re Project Kestrel: account acc 4471 9902 is affected.\n" + DOC
    findings = {f.entity_type: f for f in CustomDetector(_data()).detect(text)}
    assert set(findings) == {"CUSTOM:codenames", "CUSTOM:accounts", "CUSTOM:board-papers"}
    assert findings["CUSTOM:codenames"].severity is Severity.HIGH
    assert findings["CUSTOM:accounts"].severity is Severity.CRITICAL
    assert findings["CUSTOM:accounts"].value == "acc 4471 9902"
    assert findings["CUSTOM:board-papers"].category is Category.CUSTOM
    assert "merger-model" in findings["CUSTOM:board-papers"].explanation
    for f in findings.values():
        assert "Kestrel" not in f.explanation and "4471" not in f.explanation


def test_text_without_custom_data_yields_nothing() -> None:
    text = "Project Kestrels and account 4471-9903; the merger model is fine."
    assert list(CustomDetector(_data()).detect(text)) == []


def test_make_detector_is_off_without_custom_data_and_on_with_it() -> None:
    assert make_detector(EngineOptions()) == (None, None)
    det, notice = make_detector(EngineOptions(custom_data=_data()))
    assert isinstance(det, CustomDetector) and notice is None
    det, notice = make_detector(EngineOptions(custom_data={"not": "custom data"}))
    assert det is None and notice and "wrong type" in notice


def test_custom_data_file_round_trips_without_raw_edm_values(tmp_path: Path) -> None:
    path = tmp_path / "org.presend-data"
    _data().save(path)
    raw = path.read_bytes()
    assert b"4471" not in raw and b"Leeds" not in raw
    loaded = CustomData.load(path)
    assert loaded.rule_ids() == ("codenames", "accounts", "board-papers")
    found = {f.entity_type for f in CustomDetector(loaded).detect("acc-4471-9902 " + DOC)}
    assert found == {"CUSTOM:accounts", "CUSTOM:board-papers"}


def test_duplicate_or_malformed_rule_ids_are_refused() -> None:
    with pytest.raises(CustomDataError, match="used twice"):
        CustomData(keywords=(KeywordRule("a", ("x1",)), KeywordRule("a", ("y1",))))
    with pytest.raises(CustomDataError, match="not valid"):
        CustomData(keywords=(KeywordRule("Bad Id!", ("x1",)),))


def test_engine_reports_custom_findings_with_lines_and_options_stay_hashable() -> None:
    from classifiers.engine import Engine

    options = EngineOptions(custom_data=_data())
    hash(options)  # EngineOptions values may be cached by the app
    det, _ = make_detector(options)
    assert det is not None
    result = Engine([det]).scan("intro line\nStatus of project kestrel: ok\n" + DOC)
    by_type = {f.entity_type: f for f in result.findings}
    assert by_type["CUSTOM:codenames"].line == 2
    assert by_type["CUSTOM:board-papers"].line == 3
    assert result.complete
