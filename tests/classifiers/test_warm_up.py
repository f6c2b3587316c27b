"""Warming an engine runs every rule's examples through it and never raises."""

from __future__ import annotations

from classifiers.build import EngineOptions, make_engine, warm_up, warm_up_text
from classifiers.detectors.pattern import PatternDetector
from classifiers.engine import Engine
from classifiers.model import Finding
from classifiers.rules import load_builtin_packs


def test_warm_up_text_holds_every_rule_example() -> None:
    text = warm_up_text(make_engine(EngineOptions(names=False)))
    for pack in load_builtin_packs():
        for rule in pack.rules:
            for example, _ in rule.examples.match:
                assert example in text


def test_warm_up_runs_the_engine_over_the_examples() -> None:
    seen: list[int] = []

    class Counting:
        name = "counting"

        def detect(self, text: str) -> list[Finding]:
            seen.append(len(text))
            return []

    warm_up(Engine([Counting(), PatternDetector(load_builtin_packs())]))
    assert sum(seen) >= len(warm_up_text(make_engine(EngineOptions(names=False))))


def test_warm_up_never_raises_on_a_failing_detector() -> None:
    class Broken:
        name = "broken"

        def detect(self, text: str) -> list[Finding]:
            raise RuntimeError("bug")

    warm_up(Engine([Broken()]))


def test_warm_up_loads_the_name_model_when_names_are_on() -> None:
    import classifiers.nlp as nlp

    engine = make_engine(EngineOptions(names=True))
    warm_up(engine)
    if any(d.name == "names" for d in engine.detectors):
        assert nlp._model is not None
