"""Accuracy on the hand-written realistic set (tests/data/realistic/).

The set is written by hand, not by the corpus generator: support tickets, chat threads,
e-mails, logs, configs, code, clinical notes, HR letters, invoices, non-English snippets,
and documents with no sensitive data at all (hard negatives). Each ``*.txt`` file holds
documents separated by ``=== <id> ===`` lines; ``labels.jsonl`` gives, per document id,
the labelled values with their entity type and their span in the document.

Matching: a finding is right when it overlaps a label of the same entity type; a label is
found when a finding of its type overlaps it. Printed: precision, recall and F1 per entity
type and overall (micro), the share of clean documents (no labels) with any finding, and
calibration (the share of findings scored >= 0.8 that are right).

    python -m benchmarks.realistic [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "realistic"
HIGH_CONFIDENCE = 0.8
# the default policy's reporting threshold: findings below it are kept in the scan result
# but decide nothing (resources/policy/default.toml, [reporting] min_score)
REPORTING = 0.5
_SEPARATOR = re.compile(r"^=== (\S+) ===\n", re.M)


@dataclass(frozen=True, slots=True)
class Label:
    entity_type: str
    start: int
    end: int
    value: str


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    text: str
    labels: tuple[Label, ...]

    @property
    def clean(self) -> bool:
        return not self.labels


@dataclass(frozen=True, slots=True)
class Hit:
    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str = ""


@dataclass
class Counts:
    labels: int = 0
    found: int = 0
    predictions: int = 0
    correct: int = 0

    def precision(self) -> float:
        return self.correct / self.predictions if self.predictions else 1.0

    def recall(self) -> float:
        return self.found / self.labels if self.labels else 1.0

    def f1(self) -> float:
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    per_type: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    clean_docs: int = 0
    clean_flagged: list[str] = field(default_factory=list)
    clean_flagged_reported: list[str] = field(default_factory=list)  # a hit >= REPORTING
    sensitive_docs: int = 0
    sensitive_found: int = 0  # sensitive documents with a hit >= REPORTING
    high_total: int = 0
    high_right: int = 0
    false_positives: list[tuple[str, Hit, str]] = field(default_factory=list)
    false_negatives: list[tuple[str, Label]] = field(default_factory=list)

    @property
    def micro(self) -> Counts:
        total = Counts()
        for c in self.per_type.values():
            total.labels += c.labels
            total.found += c.found
            total.predictions += c.predictions
            total.correct += c.correct
        return total

    @property
    def clean_flagged_rate(self) -> float:
        return len(self.clean_flagged) / self.clean_docs if self.clean_docs else 0.0

    @property
    def calibration(self) -> float:
        return self.high_right / self.high_total if self.high_total else 1.0


def load_docs(data_dir: Path = DATA_DIR) -> list[Doc]:
    """Every document of the set with its labels (checked against the text)."""
    labels: dict[str, list[Label]] = {}
    with open(data_dir / "labels.jsonl", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            labels[row["id"]] = [
                Label(lab["type"], lab["start"], lab["end"], lab["value"]) for lab in row["labels"]
            ]
    docs: list[Doc] = []
    for path in sorted(data_dir.glob("*.txt")):
        parts = _SEPARATOR.split(path.read_text(encoding="utf-8"))
        for i in range(1, len(parts), 2):
            doc_id, text = parts[i], parts[i + 1].removesuffix("\n")
            doc_labels = tuple(labels[doc_id])
            for lab in doc_labels:
                if text[lab.start:lab.end] != lab.value:
                    raise ValueError(f"label span out of step with the text in {doc_id}")
            docs.append(Doc(doc_id, text, doc_labels))
    return docs


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(docs: Iterable[Doc], predict) -> Report:  # type: ignore[no-untyped-def]
    """Score ``predict(text) -> list[Hit]`` on ``docs``."""
    report = Report()
    for doc in docs:
        hits: list[Hit] = predict(doc.text)
        reported = any(h.score >= REPORTING for h in hits)
        if doc.clean:
            report.clean_docs += 1
            if hits:
                report.clean_flagged.append(doc.id)
            if reported:
                report.clean_flagged_reported.append(doc.id)
        else:
            report.sensitive_docs += 1
            report.sensitive_found += reported
        for lab in doc.labels:
            counts = report.per_type[lab.entity_type]
            counts.labels += 1
            if any(h.entity_type == lab.entity_type
                   and _overlaps(h.start, h.end, lab.start, lab.end) for h in hits):
                counts.found += 1
            else:
                report.false_negatives.append((doc.id, lab))
        for hit in hits:
            counts = report.per_type[hit.entity_type]
            counts.predictions += 1
            right = any(lab.entity_type == hit.entity_type
                        and _overlaps(hit.start, hit.end, lab.start, lab.end)
                        for lab in doc.labels)
            if right:
                counts.correct += 1
            else:
                report.false_positives.append((doc.id, hit, doc.text[hit.start:hit.end]))
            if hit.score >= HIGH_CONFIDENCE:
                report.high_total += 1
                report.high_right += right
    return report


def presend_predictor():  # type: ignore[no-untyped-def]
    """``predict(text)`` with the full engine (names on)."""
    from classifiers.build import EngineOptions, make_engine

    engine = make_engine(EngineOptions(names=True))

    def predict(text: str) -> list[Hit]:
        result = engine.scan(text)
        return [Hit(f.entity_type, f.start, f.end, f.score, f.recognizer)
                for f in result.findings]

    return predict


def format_report(report: Report) -> str:
    lines = [f"{'entity type':<24} {'labels':>6} {'preds':>6} {'P':>6} {'R':>6} {'F1':>6}"]
    for name in sorted(report.per_type):
        c = report.per_type[name]
        lines.append(f"{name:<24} {c.labels:>6} {c.predictions:>6} {c.precision():>6.3f} "
                     f"{c.recall():>6.3f} {c.f1():>6.3f}")
    m = report.micro
    lines.append(f"{'micro':<24} {m.labels:>6} {m.predictions:>6} {m.precision():>6.3f} "
                 f"{m.recall():>6.3f} {m.f1():>6.3f}")
    lines.append(f"clean documents flagged: {len(report.clean_flagged)}/{report.clean_docs} "
                 f"({report.clean_flagged_rate:.1%}) by any finding, "
                 f"{len(report.clean_flagged_reported)}/{report.clean_docs} "
                 f"({len(report.clean_flagged_reported) / max(report.clean_docs, 1):.1%}) "
                 f"by a finding at the reporting threshold ({REPORTING})")
    lines.append(f"sensitive documents with a finding at the reporting threshold: "
                 f"{report.sensitive_found}/{report.sensitive_docs} "
                 f"({report.sensitive_found / max(report.sensitive_docs, 1):.1%})")
    lines.append(f"calibration (findings scored >= {HIGH_CONFIDENCE} that are right): "
                 f"{report.high_right}/{report.high_total} ({report.calibration:.1%})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true",
                        help="list false positives and false negatives (shows values)")
    args = parser.parse_args(argv)
    docs = load_docs()
    report = score(docs, presend_predictor())
    print(f"{len(docs)} documents, {sum(d.clean for d in docs)} clean")
    print(format_report(report))
    if args.show_errors:
        print("\nfalse positives:")
        for doc_id, hit, value in report.false_positives:
            print(f"  {doc_id:<12} {hit.entity_type:<22} {hit.score:.2f} {hit.recognizer:<28} "
                  f"{value!r}")
        print("\nfalse negatives:")
        for doc_id, lab in report.false_negatives:
            print(f"  {doc_id:<12} {lab.entity_type:<22} {lab.value!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
