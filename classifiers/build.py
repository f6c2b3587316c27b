"""Wiring of the default engine: which detectors run, with which options.

``EngineOptions`` is what a policy can say about detection; ``default_engine`` turns it
into an ``Engine``. Detectors whose module is missing or whose model is not installed
are left out with a notice on every result (never silently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from classifiers.detectors.base import Detector
from classifiers.engine import Budget, Engine


@dataclass(frozen=True, slots=True)
class EngineOptions:
    packs: tuple[str, ...] | None = None  # built-in packs to run; None = all
    disabled_rules: frozenset[str] = frozenset()  # rule ids ("secrets/jwt") turned off
    names: bool = True  # PERSON / STREET_ADDRESS via the offline model
    budget: Budget = field(default_factory=Budget)
    # custom rule packs from the policy: (source name, TOML text) pairs
    custom_packs: tuple[tuple[str, str], ...] = ()
    # the organisation's own data (issue 8): opaque to the engine, built by detectors.custom
    custom_data: object | None = None


def build_detectors(options: EngineOptions) -> tuple[list[Detector], list[str]]:
    """The detectors for ``options`` and the notices to attach to every result."""
    from classifiers.detectors.pattern import PatternDetector
    from classifiers.rules import load_builtin_packs, load_pack_text

    detectors: list[Detector] = []
    notices: list[str] = []
    packs = load_builtin_packs(options.packs)
    packs += [load_pack_text(text, source) for source, text in options.custom_packs]
    detectors.append(PatternDetector(packs, disabled_rules=options.disabled_rules))
    for factory in _optional_factories():
        det, notice = factory(options)
        if det is not None:
            detectors.append(det)
        if notice:
            notices.append(notice)
    return detectors, notices


def _optional_factories():  # type: ignore[no-untyped-def]
    """Detectors that live in their own modules: each returns (detector or None, notice)."""
    factories = []
    try:
        from classifiers.detectors.presidio import make_detector as presidio_factory

        factories.append(presidio_factory)
    except ImportError:
        pass
    try:
        from classifiers.detectors.names import make_detector as names_factory

        factories.append(names_factory)
    except ImportError:
        pass
    try:
        from classifiers.detectors.injection import make_detector as injection_factory

        factories.append(injection_factory)
    except ImportError:
        pass
    try:
        from classifiers.detectors.custom import make_detector as custom_factory

        factories.append(custom_factory)
    except ImportError:
        pass
    return factories


def make_engine(options: EngineOptions | None = None, **kwargs: object) -> Engine:
    opts = options or EngineOptions()
    detectors, notices = build_detectors(opts)
    return Engine(detectors, budget=opts.budget, notices=notices, **kwargs)  # type: ignore[arg-type]


@lru_cache(maxsize=4)
def default_engine(names: bool = True) -> Engine:
    """The engine with every built-in detector and pack (cached per process)."""
    return make_engine(EngineOptions(names=names))


def detector_names(engine: Engine) -> Sequence[str]:
    return [d.name for d in engine.detectors]


def warm_up_text(engine: Engine) -> str:
    """Every example of every rule ``engine`` runs, one per line: text that makes each
    rule's regex and each RE2 set meet the shapes it was written for. Taken from the
    engine's own compiled rules (built-in and custom packs), not loaded again."""
    lines: list[str] = []
    for detector in engine.detectors:
        for rule in getattr(detector, "rules", ()):
            lines.extend(text for text, _ in rule.examples.match)
            lines.extend(rule.examples.no_match)
    return "\n".join(lines)


def warm_up(engine: Engine) -> None:
    """Run ``engine`` once over ``warm_up_text(engine)`` and load the name model if the engine
    uses it, so that the first real text is as fast as the later ones: RE2 builds its
    automata's states as it meets text, phonenumbers loads a country's metadata on its
    first number from there, the name model loads on first use. Never raises: a failure
    here only means the first real scan pays the cost."""
    try:
        if any(d.name == "names" for d in engine.detectors):
            from classifiers.nlp import load_ner

            load_ner()
        engine.scan(warm_up_text(engine), source="warm-up")
    except Exception:  # warming is best effort; the real scan reports
        return
