"""How the offline name model is loaded (classifiers/nlp.py): only what NER needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers import nlp

pytestmark = pytest.mark.skipif(not nlp.model_installed(),
                                reason="the offline name model (presend[names]) is not installed")

ROOT = Path(__file__).resolve().parents[2]


def _fresh_interpreter(code: str) -> list[str]:
    """The lines ``code`` prints in a new interpreter (spaCy not yet imported there)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, cwd=ROOT, timeout=120, check=True)
    return out.stdout.split("\n")


def test_loaded_model_still_labels_people_without_the_vocabulary_string_table() -> None:
    model = nlp.load_ner()
    with model.memory_zone():
        doc = model("Yesterday Oluwaseun Adebayo met Maria Lopez in Paris.")
        people = [e.text for e in doc.ents if e.label_ == "PERSON"]
    assert people == ["Oluwaseun Adebayo", "Maria Lopez"]
    assert len(model.vocab.strings) < 10_000  # the model's table holds ~85,000


def test_other_packages_spacy_plugins_are_not_imported_and_the_setting_is_restored() -> None:
    code = (
        "import sys\n"
        "from classifiers import nlp\n"
        "nlp.load_ner()\n"
        "import spacy.util\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'presidio_analyzer')[:3])\n"
        "print(spacy.util.registry._entry_point_factories.entry_points)\n"
    )
    assert _fresh_interpreter(code)[:2] == ["[]", "True"]


def test_spacy_loads_without_its_command_line_which_still_imports_afterwards() -> None:
    code = (
        "import sys\n"
        "from classifiers import nlp\n"
        "doc = nlp.load_ner()('Dear Mr Alan Turing, see you in Leeds.')\n"
        "print([e.text for e in doc.ents if e.label_ == 'PERSON'])\n"
        "print('spacy.cli' in sys.modules, 'requests' in sys.modules)\n"
        "import spacy.cli\n"
        "print(callable(spacy.cli.download))\n"
    )
    assert _fresh_interpreter(code)[:3] == ["['Alan Turing']", "False False", "True"]


def test_words_the_model_sees_are_forgotten_after_each_scan() -> None:
    # A long-running guard scans text after text: the model's vocabulary must not keep
    # every new word (the NER call runs inside a spaCy memory zone). spaCy's len(vocab) is
    # a counter that never goes down, so the test asks about the words themselves.
    from classifiers.detectors.names import NameDetector

    detector = NameDetector()
    vocab = nlp.load_ner().vocab
    strings_before = len(vocab.strings)
    surnames = ["Qu" + "abcdefghij"[i // 10] + "abcdefghij"[i % 10] + "ovski" for i in range(30)]
    for surname in surnames:
        assert detector.detect(f"Yesterday Zbigniew {surname} met Wojtek {surname}x.")
    assert not any(s in vocab or s in vocab.strings for s in surnames)
    assert len(vocab.strings) == strings_before
