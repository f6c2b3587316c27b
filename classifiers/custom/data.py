"""CustomData: the organisation's own data that ``EngineOptions.custom_data`` carries.

It bundles keyword rules, EDM indexes and document-fingerprint sets, each under a rule id
(findings are ``CUSTOM:<rule-id>``). ``to_bytes``/``from_bytes`` (and ``save``/``load``)
use one compact container: a magic line, a JSON header (rule ids, severities, keyword
terms, the sizes of the binary parts) and the binary EDM and fingerprint parts. EDM and
fingerprint parts hold only salted hashes; keyword terms are stored as given (they are
policy text, like a rule pack).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from classifiers.custom.edm import EdmError, EdmIndex
from classifiers.custom.fingerprint import FingerprintError, FingerprintSet
from classifiers.custom.keywords import KeywordRule
from classifiers.model import Severity

MAGIC = b"PRESEND-CUSTOM\x01\n"
_RULE_ID = re.compile(r"[a-z0-9][a-z0-9._/-]{0,63}")


class CustomDataError(ValueError):
    """Custom data that cannot be used (one line: what is wrong and what to do)."""


@dataclass(frozen=True, slots=True)
class EdmRule:
    rule_id: str
    index: EdmIndex
    severity: Severity = Severity.HIGH
    score: float = 0.95
    description: str = ""


@dataclass(frozen=True, slots=True)
class FingerprintRule:
    rule_id: str
    fingerprints: FingerprintSet
    severity: Severity = Severity.HIGH
    description: str = ""


def check_rule_id(rule_id: str) -> str:
    if not _RULE_ID.fullmatch(rule_id):
        raise CustomDataError(
            f"custom rule id {rule_id[:70]!r} is not valid; use lower-case letters, digits, "
            "'-', '_', '.', '/' (at most 64)"
        )
    return rule_id


@dataclass(frozen=True, slots=True)
class CustomData:
    keywords: tuple[KeywordRule, ...] = ()
    edm: tuple[EdmRule, ...] = ()
    fingerprints: tuple[FingerprintRule, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for rule in (*self.keywords, *self.edm, *self.fingerprints):
            check_rule_id(rule.rule_id)
            if rule.rule_id in seen:
                raise CustomDataError(
                    f"custom rule id {rule.rule_id!r} is used twice; give each rule its own id"
                )
            seen.add(rule.rule_id)

    @property
    def is_empty(self) -> bool:
        return not (self.keywords or self.edm or self.fingerprints)

    def rule_ids(self) -> tuple[str, ...]:
        return tuple(r.rule_id for r in (*self.keywords, *self.edm, *self.fingerprints))

    # ----- container format -----------------------------------------------------------
    def to_bytes(self) -> bytes:
        blobs: list[bytes] = []
        edm_meta = []
        for rule in self.edm:
            blob = rule.index.to_bytes()
            blobs.append(blob)
            edm_meta.append(_meta(rule, size=len(blob), score=rule.score))
        fp_meta = []
        for rule in self.fingerprints:
            blob = rule.fingerprints.to_bytes()
            blobs.append(blob)
            fp_meta.append(_meta(rule, size=len(blob)))
        header = json.dumps(
            {
                "keywords": [
                    {**_meta(r, score=r.score), "terms": list(r.terms)} for r in self.keywords
                ],
                "edm": edm_meta,
                "fingerprints": fp_meta,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        return b"".join([MAGIC, len(header).to_bytes(4, "big"), header, *blobs])

    @classmethod
    def from_bytes(cls, data: bytes) -> CustomData:
        if not data.startswith(MAGIC):
            raise CustomDataError("not a presend custom-data file; export it again")
        try:
            pos = len(MAGIC)
            size = int.from_bytes(data[pos : pos + 4], "big")
            header = json.loads(data[pos + 4 : pos + 4 + size].decode("utf-8"))
            pos += 4 + size
            keywords = tuple(
                KeywordRule(
                    str(k["rule_id"]), tuple(str(t) for t in k["terms"]),
                    Severity.parse(k["severity"]), float(k["score"]), str(k["description"]),
                )
                for k in header["keywords"]
            )
            edm = []
            for e in header["edm"]:
                blob = data[pos : pos + int(e["size"])]
                pos += int(e["size"])
                edm.append(
                    EdmRule(str(e["rule_id"]), EdmIndex.from_bytes(blob),
                            Severity.parse(e["severity"]), float(e["score"]),
                            str(e["description"]))
                )
            fps = []
            for f in header["fingerprints"]:
                blob = data[pos : pos + int(f["size"])]
                pos += int(f["size"])
                fps.append(
                    FingerprintRule(str(f["rule_id"]), FingerprintSet.from_bytes(blob),
                                    Severity.parse(f["severity"]), str(f["description"]))
                )
        except (EdmError, FingerprintError):
            raise
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise CustomDataError(
                f"custom-data file is damaged ({type(exc).__name__}); export it again"
            ) from None
        return cls(keywords, tuple(edm), tuple(fps))

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> CustomData:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CustomDataError(
                f"cannot read {path.name} ({type(exc).__name__}); check the path"
            ) from None
        return cls.from_bytes(data)


def _meta(rule: KeywordRule | EdmRule | FingerprintRule, **extra: object) -> dict[str, object]:
    return {
        "rule_id": rule.rule_id,
        "severity": rule.severity.value,
        "description": rule.description,
        **extra,
    }
