"""The corpus generator: ``generate_corpus(seed, n)`` -> documents with labeled spans.

Run ``python -m benchmarks.corpus --out corpus.jsonl`` to write it out (``--stats``: counts).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpus import slots as _slots  # noqa: F401  (registers the slots)
from benchmarks.corpus.kinds import forms, holdout, messages, records, technical
from benchmarks.corpus.model import Document
from benchmarks.corpus.template import Ctx, assemble, render

Template = str | Callable[[random.Random], str]

KINDS: dict[str, tuple[tuple[Template, ...], tuple[Template, ...]]] = {
    **messages.KINDS, **technical.KINDS, **records.KINDS, **forms.KINDS,
}
# relative frequency of each kind in the corpus
WEIGHTS: dict[str, float] = {
    "ticket": 1.2, "email": 1.4, "chat": 1.0, "meeting_notes": 0.6, "config": 2.0,
    "source_code": 1.4, "server_log": 0.9, "stack_trace": 0.5, "readme": 0.5,
    "csv_export": 0.9, "clinical_note": 0.8, "contract": 0.6, "form": 1.3,
}
CLEAN_SHARE = 0.34
DEFAULT_SEED = 20260101
DEFAULT_SIZE = 1500


VARIANTS = ("main", "holdout")


def generate_corpus(seed: int = DEFAULT_SEED, n: int = DEFAULT_SIZE,
                    variant: str = "main") -> list[Document]:
    """``n`` documents; the same seed gives the same corpus.

    ``variant="holdout"`` uses the held-out templates (``kinds/holdout.py``): other layouts
    and phrasing around the same kinds of values, to check that tuning generalises.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown corpus variant {variant!r}; use one of {VARIANTS}")
    kinds_map = KINDS if variant == "main" else holdout.KINDS
    weights = WEIGHTS if variant == "main" else holdout.WEIGHTS
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    kinds = list(weights)
    prefix = "doc" if variant == "main" else "hold"
    docs: list[Document] = []
    for i in range(n):
        kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
        want_clean = rng.random() < CLEAN_SHARE
        docs.append(_document(f"{prefix}-{i:05d}", kinds_map[kind], kind, want_clean, rng,
                              counts))
    return docs


def _document(doc_id: str, templates: tuple[tuple[Template, ...], tuple[Template, ...]],
              kind: str, want_clean: bool, rng: random.Random,
              counts: Counter[str]) -> Document:
    sensitive, clean = templates
    for _ in range(5):  # a sensitive template may, by chance, insert nothing
        template = rng.choice(clean if want_clean else sensitive)
        source = template if isinstance(template, str) else template(rng)
        ctx = Ctx(rng=rng, counts=counts)
        text, labels = assemble(render(source, ctx), counts)
        if want_clean or labels:
            return Document(doc_id, kind, text, labels)
    return Document(doc_id, kind, text, labels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the labeled corpus as JSON lines.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("-n", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--out", type=Path, help="output file (default: standard output)")
    parser.add_argument("--variant", choices=VARIANTS, default="main",
                        help="main templates or the held-out ones")
    parser.add_argument("--stats", action="store_true", help="print label counts instead")
    args = parser.parse_args(argv)
    docs = generate_corpus(args.seed, args.n, args.variant)
    if args.stats:
        counts = Counter(lb.entity_type for d in docs for lb in d.labels)
        print(f"documents {len(docs)}, clean {sum(d.clean for d in docs)}, "
              f"characters {sum(len(d.text) for d in docs)}")
        for entity_type, count in sorted(counts.items()):
            print(f"{entity_type:24} {count}")
        return 0
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        for doc in docs:
            out.write(json.dumps(doc.to_dict(), ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
