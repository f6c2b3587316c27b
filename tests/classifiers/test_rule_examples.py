"""Every rule proves itself: one test per example of every rule in every built-in pack.

Test ids look like ``secrets/github-pat-classic:match:0``. Only the rule's own pack runs,
so a rule's examples do not depend on other packs.
"""

from __future__ import annotations

from functools import cache

import pytest

from classifiers.detectors.pattern import PatternDetector
from classifiers.errors import RulePackError
from classifiers.rules import Rule, RulePack, builtin_pack_names, load_builtin_packs


def _loadable_packs() -> list[RulePack]:
    packs = []
    for name in builtin_pack_names():
        try:
            packs.extend(load_builtin_packs([name]))
        except RulePackError:
            continue  # reported by test_every_builtin_pack_loads_without_problems
    return packs


def _cases() -> list[object]:
    cases = []
    for pack in _loadable_packs():
        for rule in pack.rules:
            for i, (text, value) in enumerate(rule.examples.match):
                cases.append(
                    pytest.param(pack.id, rule.id, "match", text, value,
                                 id=f"{rule.full_id}:match:{i}")
                )
            for i, text in enumerate(rule.examples.no_match):
                cases.append(
                    pytest.param(pack.id, rule.id, "no_match", text, None,
                                 id=f"{rule.full_id}:no_match:{i}")
                )
    return cases


@cache
def _detector(pack_id: str) -> tuple[PatternDetector, dict[str, Rule]]:
    (pack,) = load_builtin_packs([pack_id])
    return PatternDetector([pack]), {r.id: r for r in pack.rules}


@pytest.mark.parametrize(("pack_id", "rule_id", "kind", "text", "value"), _cases())
def test_rule_example(pack_id: str, rule_id: str, kind: str, text: str, value: str | None) -> None:
    detector, rules = _detector(pack_id)
    rule = rules[rule_id]
    found = [f for f in detector.detect(text) if f.recognizer == rule.full_id]
    if kind == "match":
        assert found, f"{rule.full_id} did not match its example"
        assert all(f.entity_type == rule.entity_type for f in found)
        if value is not None:
            values = [f.value for f in found]
            assert value in values, (
                f"{rule.full_id} matched its example but not with the expected value "
                f"(lengths found: {[len(v) for v in values]}, expected {len(value)})"
            )
    else:
        assert not found, (
            f"{rule.full_id} matched its no_match example "
            f"({'; '.join(f.explanation for f in found)})"
        )


def test_every_builtin_pack_loads_without_problems() -> None:
    packs = load_builtin_packs()
    assert [p.id for p in packs] == builtin_pack_names()


def test_rule_ids_are_unique_across_builtin_packs() -> None:
    ids = [r.full_id for p in load_builtin_packs() for r in p.rules]
    assert len(ids) == len(set(ids))
    PatternDetector(load_builtin_packs())  # the detector refuses duplicates too


HOSTILE = {
    "one-char": "a" * 100_000,
    "one-digit": "7" * 100_000,
    "at-signs": "@" * 100_000,
    "no-newlines": ("abc123+/=-_.@: " * 70_000)[:1_000_000],
    "keyword-storm": "password=token=secret=api_key=" * 30_000,
    "begin-lines": "-----BEGIN PRIVATE KEY-----\n" * 20_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_builtin_packs_do_not_stall_on_hostile_input(name: str) -> None:
    import time

    detector = _all_packs_detector()
    started = time.perf_counter()
    findings = detector.detect(HOSTILE[name])
    assert time.perf_counter() - started < 5.0
    assert all(0 <= f.start < f.end <= len(HOSTILE[name]) for f in findings)


@cache
def _all_packs_detector() -> PatternDetector:
    return PatternDetector(_loadable_packs())
