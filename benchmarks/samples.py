"""Realistic texts of a given size, cut from the corpus, for the speed benchmark."""

from __future__ import annotations

from benchmarks.corpus import generate_corpus
from benchmarks.corpus.model import Document


def sized_texts(docs: list[Document], size: int, count: int) -> list[str]:
    """``count`` texts of about ``size`` characters: consecutive documents joined by a blank
    line and cut at the last line break before ``size`` (or at ``size``)."""
    out: list[str] = []
    i = 0
    while len(out) < count:
        parts: list[str] = []
        total = 0
        while total < size:
            text = docs[i % len(docs)].text
            parts.append(text)
            total += len(text) + 2
            i += 1
        joined = "\n\n".join(parts)
        cut = joined.rfind("\n", int(size * 0.8), size)
        out.append(joined[:cut if cut > 0 else size])
    return out


def sparse_text(target_chars: int, seed: int = 7, sensitive_every: int = 25) -> str:
    """About ``target_chars`` of mostly clean documents, one sensitive document in
    ``sensitive_every``; the corpus is cycled to reach the size."""
    docs = generate_corpus(seed, 3000)
    clean = [d.text for d in docs if d.clean]
    sensitive = [d.text for d in docs if not d.clean]
    pieces: list[str] = []
    total = 0
    i = 0
    while total < target_chars:
        text = sensitive[i % len(sensitive)] if i % sensitive_every == 0 else clean[i % len(clean)]
        pieces.append(text)
        total += len(text) + 2
        i += 1
    return "\n\n".join(pieces)[:target_chars]
