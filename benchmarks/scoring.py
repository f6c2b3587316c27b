"""Scoring of predicted spans against the corpus labels (pure; no tool is run here).

Matching (the default, "overlap"): a prediction is correct when it overlaps a label of the
same entity type; a label is found when a prediction of its type overlaps it. Precision
counts predictions, recall counts labels, so one name reported as two tokens is two
correct predictions and one found label. The strict variant requires the exact span.
Per category, type is replaced by category: a PASSWORD reported as GENERIC_SECRET is
wrong for both types but right for the ``secret`` category.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from benchmarks.corpus.model import Document, Label
from classifiers.taxonomy import ENTITY_TYPES, category_of

BUCKETS = ((0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01))
HIGH_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True)
class Prediction:
    entity_type: str
    start: int
    end: int
    score: float


@dataclass
class Tally:
    labels: int = 0
    found: int = 0
    found_strict: int = 0
    predictions: int = 0
    correct: int = 0
    correct_strict: int = 0

    def add(self, other: Tally) -> None:
        for name in ("labels", "found", "found_strict", "predictions", "correct",
                     "correct_strict"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def precision(self, strict: bool = False) -> float | None:
        if not self.predictions:
            return None
        return (self.correct_strict if strict else self.correct) / self.predictions

    def recall(self, strict: bool = False) -> float | None:
        if not self.labels:
            return None
        return (self.found_strict if strict else self.found) / self.labels

    def f1(self, strict: bool = False) -> float | None:
        p, r = self.precision(strict), self.recall(strict)
        if p is None and r is None:
            return None
        p, r = p or 0.0, r or 0.0
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def to_dict(self) -> dict[str, object]:
        return {
            "labels": self.labels, "predictions": self.predictions, "found": self.found,
            "correct": self.correct, "precision": _r(self.precision()),
            "recall": _r(self.recall()), "f1": _r(self.f1()),
            "strict_precision": _r(self.precision(True)), "strict_recall": _r(self.recall(True)),
            "strict_f1": _r(self.f1(True)),
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass(frozen=True, slots=True)
class Example:
    doc_id: str
    kind: str
    entity_type: str
    snippet: str  # the span text, for the detector engineers (synthetic data)
    context: str


@dataclass
class Report:
    per_type: dict[str, Tally] = field(default_factory=dict)
    per_category: dict[str, Tally] = field(default_factory=dict)
    per_kind: dict[str, Tally] = field(default_factory=dict)  # all types, by document kind
    micro: Tally = field(default_factory=Tally)
    documents: int = 0
    clean_documents: int = 0
    clean_flagged: int = 0
    clean_flagged_05: int = 0
    sensitive_documents: int = 0
    sensitive_flagged: int = 0
    buckets: list[tuple[float, float, int, int]] = field(default_factory=list)
    misses: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))
    false_positives: dict[str, list[Example]] = field(default_factory=lambda: defaultdict(list))

    @property
    def clean_flagged_share(self) -> float:
        return self.clean_flagged / self.clean_documents if self.clean_documents else 0.0

    @property
    def sensitive_recall(self) -> float:
        return self.sensitive_flagged / self.sensitive_documents if self.sensitive_documents else 0.0

    def high_confidence_precision(self) -> tuple[float | None, int]:
        n = sum(b[2] for b in self.buckets if b[0] >= HIGH_CONFIDENCE)
        right = sum(b[3] for b in self.buckets if b[0] >= HIGH_CONFIDENCE)
        return (right / n if n else None), n

    def to_dict(self) -> dict[str, object]:
        hc, hc_n = self.high_confidence_precision()
        return {
            "documents": self.documents,
            "micro": self.micro.to_dict(),
            "per_type": {t: v.to_dict() for t, v in sorted(self.per_type.items())},
            "per_category": {c: v.to_dict() for c, v in sorted(self.per_category.items())},
            "per_kind": {k: v.to_dict() for k, v in sorted(self.per_kind.items())},
            "clean_documents": self.clean_documents,
            "clean_flagged_share": round(self.clean_flagged_share, 4),
            "clean_flagged_share_at_0_5": round(
                self.clean_flagged_05 / self.clean_documents if self.clean_documents else 0.0, 4),
            "sensitive_documents": self.sensitive_documents,
            "sensitive_document_recall": round(self.sensitive_recall, 4),
            "precision_at_score_0_8": _r(hc), "predictions_at_score_0_8": hc_n,
            "examples": {
                "misses": {t: [_ex(e) for e in v] for t, v in sorted(self.misses.items())},
                "false_positives": {t: [_ex(e) for e in v]
                                    for t, v in sorted(self.false_positives.items())},
            },
            "reliability": [
                {"from": lo, "to": min(hi, 1.0), "predictions": n,
                 "right": _r(right / n if n else None)}
                for lo, hi, n, right in self.buckets
            ],
        }


def _ex(e: Example) -> dict[str, str]:
    return {"doc_id": e.doc_id, "kind": e.kind, "span": e.snippet, "context": e.context}


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(documents: Sequence[Document], predictions: Sequence[Sequence[Prediction]],
          max_examples: int = 8) -> Report:
    """Score ``predictions[i]`` (the tool's output for ``documents[i]``)."""
    if len(documents) != len(predictions):
        raise ValueError("one prediction list per document is required")
    report = Report(documents=len(documents))
    per_type: dict[str, Tally] = defaultdict(Tally)
    per_cat: dict[str, Tally] = defaultdict(Tally)
    bucket_n: Counter[int] = Counter()
    bucket_right: Counter[int] = Counter()
    for t in ENTITY_TYPES:
        if t != "PROMPT_INJECTION":
            per_type[t]  # every labeled type appears, even with no label in a --limit run
    per_kind: dict[str, Tally] = defaultdict(Tally)
    for doc, preds in zip(documents, predictions, strict=True):
        doc_types: dict[str, Tally] = defaultdict(Tally)
        _score_document(doc, preds, doc_types, per_cat, bucket_n, bucket_right, report,
                        max_examples)
        for entity_type, tally in doc_types.items():
            per_type[entity_type].add(tally)
            per_kind[doc.kind].add(tally)
    for tally in per_type.values():
        report.micro.add(tally)
    report.per_type = dict(per_type)
    report.per_category = dict(per_cat)
    report.per_kind = dict(per_kind)
    report.buckets = [(lo, hi, bucket_n[i], bucket_right[i]) for i, (lo, hi) in enumerate(BUCKETS)]
    return report


def _category(entity_type: str) -> str:
    try:
        return category_of(entity_type).value
    except KeyError:
        return "other"


def _score_document(doc: Document, preds: Sequence[Prediction], per_type: dict[str, Tally],
                    per_cat: dict[str, Tally], bucket_n: Counter[int],
                    bucket_right: Counter[int], report: Report, max_examples: int) -> None:
    labels: tuple[Label, ...] = doc.labels
    if doc.clean:
        report.clean_documents += 1
        report.clean_flagged += bool(preds)
        report.clean_flagged_05 += any(p.score >= 0.5 for p in preds)
    else:
        report.sensitive_documents += 1
        report.sensitive_flagged += bool(preds)
    for lb in labels:
        t, c = per_type[lb.entity_type], per_cat[_category(lb.entity_type)]
        t.labels += 1
        c.labels += 1
        same = [p for p in preds if p.entity_type == lb.entity_type
                and _overlaps(p.start, p.end, lb.start, lb.end)]
        t.found += bool(same)
        t.found_strict += any(p.start == lb.start and p.end == lb.end for p in same)
        same_cat = [p for p in preds if _category(p.entity_type) == _category(lb.entity_type)
                    and _overlaps(p.start, p.end, lb.start, lb.end)]
        c.found += bool(same_cat)
        c.found_strict += any(p.start == lb.start and p.end == lb.end for p in same_cat)
        if not same and len(report.misses[lb.entity_type]) < max_examples:
            report.misses[lb.entity_type].append(_example(doc, lb.entity_type, lb.start, lb.end))
    for p in preds:
        t, c = per_type[p.entity_type], per_cat[_category(p.entity_type)]
        t.predictions += 1
        c.predictions += 1
        hits = [lb for lb in labels if lb.entity_type == p.entity_type
                and _overlaps(p.start, p.end, lb.start, lb.end)]
        t.correct += bool(hits)
        t.correct_strict += any(lb.start == p.start and lb.end == p.end for lb in hits)
        cat_hits = [lb for lb in labels if _category(lb.entity_type) == _category(p.entity_type)
                    and _overlaps(p.start, p.end, lb.start, lb.end)]
        c.correct += bool(cat_hits)
        c.correct_strict += any(lb.start == p.start and lb.end == p.end for lb in cat_hits)
        i = next(k for k, (lo, hi) in enumerate(BUCKETS) if lo <= p.score < hi)
        bucket_n[i] += 1
        bucket_right[i] += bool(hits)
        if not hits and len(report.false_positives[p.entity_type]) < max_examples:
            report.false_positives[p.entity_type].append(
                _example(doc, p.entity_type, p.start, p.end))


def _example(doc: Document, entity_type: str, start: int, end: int) -> Example:
    line_start = doc.text.rfind("\n", 0, start) + 1
    line_end = doc.text.find("\n", end)
    line_end = len(doc.text) if line_end == -1 else line_end
    context = doc.text[max(line_start, start - 50):min(line_end, end + 30)]
    return Example(doc.doc_id, doc.kind, entity_type, doc.text[start:end][:80], context[:160])
