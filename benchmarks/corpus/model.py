"""Value objects of the labeled corpus: a Label is a span of a Document's text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Label:
    """``text[start:end]`` is a sensitive item of ``entity_type`` (end exclusive).

    ``value`` is what the generator inserted; it is synthetic, and tests check that the
    span holds exactly this value.
    """

    start: int
    end: int
    entity_type: str
    value: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    kind: str
    text: str
    labels: tuple[Label, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.labels

    def to_dict(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "text": self.text,
            "labels": [[lb.start, lb.end, lb.entity_type] for lb in self.labels],
        }
