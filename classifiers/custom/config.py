"""Build ``CustomData`` from the policy's ``[custom]`` section (already parsed from TOML).

```toml
[[custom.keywords]]
id = "codenames"              # findings: CUSTOM:codenames
terms = ["Project Kestrel"]   # and/or terms_file = "codenames.txt" (one term a line, # comments)
severity = "high"             # optional (default medium); score = 0.9 optional

[[custom.edm]]
id = "customers"
file = "customers.edm"        # made by `presend policy edm build`, relative to base_dir
sha256 = "..."                # optional: the file's digest (pins it to a signed policy)
severity = "critical"         # optional (default high)

[[custom.fingerprints]]
id = "board-papers"
file = "board.fp"             # made by `presend policy fingerprint add`
sha256 = "..."
severity = "high"             # optional (default high)
min_sentences = 3             # optional thresholds (defaults as in fingerprint.py)
min_share = 0.3
```

``parse_custom_section`` collects every problem and raises one ``CustomDataError`` whose
``problems`` lists them all (messages name keys, ids and file names, never content).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from classifiers.custom.data import (
    CustomData,
    CustomDataError,
    EdmRule,
    FingerprintRule,
    check_rule_id,
)
from classifiers.custom.edm import EdmError, EdmIndex
from classifiers.custom.fingerprint import FingerprintError, FingerprintSet
from classifiers.custom.keywords import KeywordRule
from classifiers.model import Severity

_KEYS = {
    "keywords": {"id", "terms", "terms_file", "severity", "score", "description"},
    "edm": {"id", "file", "sha256", "severity", "score", "description"},
    "fingerprints": {"id", "file", "sha256", "severity", "description", "min_sentences",
                     "min_run_words", "min_share", "min_shared_shingles"},
}


class CustomSectionError(CustomDataError):
    """Every problem of a ``[custom]`` section; ``str()`` is the first and a count."""

    def __init__(self, problems: list[str]) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more)
        self.problems = tuple(problems)


def parse_custom_section(section: Mapping[str, Any], base_dir: Path) -> CustomData:
    problems: list[str] = []
    for key in section:
        if key not in _KEYS:
            problems.append(f"custom: unknown key {key!r}; use keywords, edm or fingerprints")
    keywords = [
        r for i, e in enumerate(_entries(section, "keywords", problems))
        if (r := _keyword_rule(e, i, base_dir, problems)) is not None
    ]
    edm = [
        r for i, e in enumerate(_entries(section, "edm", problems))
        if (r := _edm_rule(e, i, base_dir, problems)) is not None
    ]
    fps = [
        r for i, e in enumerate(_entries(section, "fingerprints", problems))
        if (r := _fingerprint_rule(e, i, base_dir, problems)) is not None
    ]
    if problems:
        raise CustomSectionError(problems)
    try:
        return CustomData(tuple(keywords), tuple(edm), tuple(fps))
    except CustomDataError as exc:
        raise CustomSectionError([str(exc)]) from None


def _entries(section: Mapping[str, Any], kind: str, problems: list[str]) -> list[Mapping[str, Any]]:
    value = section.get(kind, [])
    if not isinstance(value, list) or not all(isinstance(e, Mapping) for e in value):
        problems.append(f"custom.{kind} must be a list of tables ([[custom.{kind}]])")
        return []
    for i, entry in enumerate(value):
        for key in entry:
            if key not in _KEYS[kind]:
                known = ", ".join(sorted(_KEYS[kind]))
                problems.append(f"custom.{kind}[{i}]: unknown key {key!r}; known: {known}")
    return value


def _common(entry: Mapping[str, Any], where: str, default: Severity,
            problems: list[str]) -> tuple[str, Severity] | None:
    rule_id = entry.get("id")
    if not isinstance(rule_id, str):
        problems.append(f"{where}: missing id (a short name such as \"customers\")")
        return None
    try:
        check_rule_id(rule_id)
    except CustomDataError as exc:
        problems.append(f"{where}: {exc}")
        return None
    severity = default
    if "severity" in entry:
        try:
            severity = Severity.parse(str(entry["severity"]))
        except ValueError:
            problems.append(f"{where}: severity must be low, medium, high or critical")
    return rule_id, severity


def _read_file(entry: Mapping[str, Any], key: str, where: str, base_dir: Path,
               problems: list[str]) -> bytes | None:
    name = entry.get(key)
    if not isinstance(name, str) or not name:
        problems.append(f"{where}: missing {key} (a file next to the policy)")
        return None
    path = base_dir / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{where}: cannot read {path.name} ({type(exc).__name__}); put it next to "
                        "the policy file")
        return None
    pinned = entry.get("sha256")
    if pinned is not None and hashlib.sha256(data).hexdigest() != str(pinned).lower():
        problems.append(f"{where}: {path.name} does not match its sha256; rebuild the policy with "
                        "the file's current digest")
        return None
    return data


def _keyword_rule(entry: Mapping[str, Any], i: int, base_dir: Path,
                  problems: list[str]) -> KeywordRule | None:
    where = f"custom.keywords[{i}]"
    common = _common(entry, where, Severity.MEDIUM, problems)
    terms: list[str] = []
    raw_terms = entry.get("terms", [])
    if not isinstance(raw_terms, list) or not all(isinstance(t, str) for t in raw_terms):
        problems.append(f"{where}: terms must be a list of strings")
    else:
        terms += raw_terms
    if "terms_file" in entry:
        data = _read_file(entry, "terms_file", where, base_dir, problems)
        if data is not None:
            try:
                lines = data.decode("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                problems.append(f"{where}: terms_file is not UTF-8 text; save it as UTF-8")
                lines = []
            terms += [t.strip() for t in lines if t.strip() and not t.lstrip().startswith("#")]
    if not terms:
        problems.append(f"{where}: no terms; give terms = [...] or terms_file")
    score = _score(entry, where, 0.9, problems)
    if common is None or not terms:
        return None
    return KeywordRule(common[0], tuple(terms), common[1], score, str(entry.get("description", "")))


def _edm_rule(entry: Mapping[str, Any], i: int, base_dir: Path,
              problems: list[str]) -> EdmRule | None:
    where = f"custom.edm[{i}]"
    common = _common(entry, where, Severity.HIGH, problems)
    score = _score(entry, where, 0.95, problems)
    data = _read_file(entry, "file", where, base_dir, problems)
    if common is None or data is None:
        return None
    try:
        index = EdmIndex.from_bytes(data)
    except EdmError as exc:
        problems.append(f"{where}: {exc}")
        return None
    return EdmRule(common[0], index, common[1], score, str(entry.get("description", "")))


def _fingerprint_rule(entry: Mapping[str, Any], i: int, base_dir: Path,
                      problems: list[str]) -> FingerprintRule | None:
    where = f"custom.fingerprints[{i}]"
    common = _common(entry, where, Severity.HIGH, problems)
    data = _read_file(entry, "file", where, base_dir, problems)
    if common is None or data is None:
        return None
    try:
        fps = FingerprintSet.from_bytes(data)
    except FingerprintError as exc:
        problems.append(f"{where}: {exc}")
        return None
    changes: dict[str, Any] = {}
    for key, kind in (("min_sentences", int), ("min_run_words", int), ("min_share", float),
                      ("min_shared_shingles", int)):
        if key in entry:
            value = entry[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0 or (
                key == "min_share" and value > 1
            ):
                problems.append(f"{where}: {key} must be a non-negative number"
                                + (" up to 1" if key == "min_share" else ""))
                continue
            changes[key] = kind(value)
    if changes:
        fps = replace(fps, **changes)
    return FingerprintRule(common[0], fps, common[1], str(entry.get("description", "")))


def _score(entry: Mapping[str, Any], where: str, default: float, problems: list[str]) -> float:
    value = entry.get("score", default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0.5 <= value <= 1:
        problems.append(f"{where}: score must be a number from 0.5 to 1")
        return default
    return float(value)
