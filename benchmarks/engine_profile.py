"""Where the engine's time goes: each detector's rate on sparse and dense text, latency.

    .venv/bin/python -m benchmarks.engine_profile [--mb 2] [--dense-mb 0.5] [--no-names]
                                                  [--json OUT]

Sparse text is the corpus's mostly clean documents (one sensitive document in 25), cut
into the engine's window size; dense text is only the corpus's sensitive documents (many
addresses, e-mails, numbers) and a synthetic log of IPs and e-mail addresses. For each
detector alone: MB/s on both. For the whole engine (names on and off): MB/s on the sparse
text and p50/p95 latency on 1 KB and 10 KB texts. One process, warm: a detector's rates
are its second pass over the same text (the first pass is printed in brackets); cold start
and RSS are measured by ``benchmarks.speed``.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def _rate(fn: Callable[[str], object], pieces: list[str]) -> float:
    nbytes = sum(len(p.encode("utf-8")) for p in pieces)
    t = time.perf_counter()
    for piece in pieces:
        result = fn(piece)
        if not isinstance(result, list) and hasattr(result, "__iter__"):
            for _ in result:
                pass
    return nbytes / 1e6 / max(time.perf_counter() - t, 1e-9)


def _warm_rate(fn: Callable[[str], object], pieces: list[str]) -> tuple[float, float]:
    """(first pass, second pass) MB/s over the same pieces. The second pass is the one
    to compare: the first also pays for filling RE2's DFA caches and the detectors' lazy
    state, which a long-running guard pays once."""
    first = _rate(fn, pieces)
    return first, _rate(fn, pieces)


def _cut(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def dense_text(target_chars: int, seed: int = 3) -> str:
    """Sensitive corpus documents alternating with a log full of IPs and addresses."""
    from benchmarks.corpus import generate_corpus

    rng = random.Random(seed)
    sensitive = [d.text for d in generate_corpus(seed, 1500) if not d.clean]
    pieces: list[str] = []
    total = 0
    i = 0
    while total < target_chars:
        if i % 2:
            piece = sensitive[i % len(sensitive)]
        else:
            lines = []
            for _ in range(40):
                ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
                user = "".join(rng.choice("abcdefghij") for _ in range(6))
                lines.append(
                    f"2024-05-{rng.randint(1, 28):02d} 10:{rng.randint(0, 59):02d} accepted "
                    f"{ip}:{rng.randint(1024, 65000)} user={user}@mail{rng.randint(1, 9)}.com "
                    f"v{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)} "
                    f"id={rng.randint(10**6, 10**9)}"
                )
            piece = "\n".join(lines)
        pieces.append(piece)
        total += len(piece) + 2
        i += 1
    return "\n\n".join(pieces)[:target_chars]


def profile(mb: float, dense_mb: float, names: bool) -> dict[str, object]:
    from benchmarks.corpus import generate_corpus
    from benchmarks.samples import sized_texts, sparse_text
    from classifiers.build import EngineOptions, make_engine
    from classifiers.engine import Budget

    budget = Budget(max_seconds=3600.0)
    window = budget.window
    sparse = _cut(sparse_text(int(mb * 1_000_000)), window)
    dense = _cut(dense_text(int(dense_mb * 1_000_000)), window)
    out: dict[str, object] = {}
    variants = [("names-on", True), ("names-off", False)] if names else [("names-off", False)]
    docs = generate_corpus(11, 600)
    one_kb = sized_texts(docs, 1024, 200)
    ten_kb = sized_texts(docs, 10 * 1024, 60)
    for label, with_names in variants:
        engine = make_engine(EngineOptions(names=with_names, budget=budget))
        engine.scan(one_kb[0])  # warm: load models, fill caches
        if with_names:
            from classifiers.nlp import load_ner

            load_ner()  # loaded on the first text that needs it: not inside a measurement
        data: dict[str, object] = {}
        if with_names or not names:
            rates: dict[str, dict[str, float]] = {}
            for det in engine.detectors:
                sparse_first, sparse_warm = _warm_rate(det.detect, sparse)
                dense_first, dense_warm = _warm_rate(det.detect, dense)
                rates[det.name] = {
                    "sparse_mb_s": sparse_warm,
                    "dense_mb_s": dense_warm,
                    "sparse_first_pass_mb_s": sparse_first,
                    "dense_first_pass_mb_s": dense_first,
                }
                lat = []
                for text in one_kb:
                    t = time.perf_counter()
                    det.detect(text)
                    lat.append((time.perf_counter() - t) * 1000)
                rates[det.name]["p95_1kb_ms"] = _percentile(lat, 95)
            data["detectors"] = rates
        data["engine_sparse_mb_s"] = _rate(engine.scan, ["".join(sparse)])
        data["engine_dense_mb_s"] = _rate(engine.scan, ["".join(dense)])
        for size_label, texts in (("1kb", one_kb), ("10kb", ten_kb)):
            lat = []
            for text in texts:
                t = time.perf_counter()
                engine.scan(text)
                lat.append((time.perf_counter() - t) * 1000)
            data[f"p50_{size_label}_ms"] = statistics.median(lat)
            data[f"p95_{size_label}_ms"] = _percentile(lat, 95)
        out[label] = data
    return out


def table(results: dict[str, object]) -> str:
    lines: list[str] = []
    for label, data in results.items():
        assert isinstance(data, dict)
        lines.append(f"engine ({label}): sparse {data['engine_sparse_mb_s']:.2f} MB/s, dense "
                     f"{data['engine_dense_mb_s']:.2f} MB/s; 1 KB p50/p95 "
                     f"{data['p50_1kb_ms']:.2f}/{data['p95_1kb_ms']:.2f} ms; 10 KB p50/p95 "
                     f"{data['p50_10kb_ms']:.2f}/{data['p95_10kb_ms']:.2f} ms")
        for name, rates in data.get("detectors", {}).items():
            lines.append(f"  {name:10} sparse {rates['sparse_mb_s']:8.2f} MB/s   dense "
                         f"{rates['dense_mb_s']:8.2f} MB/s   1 KB p95 {rates['p95_1kb_ms']:.2f} ms"
                         f"   (first pass: sparse {rates['sparse_first_pass_mb_s']:.2f}, dense "
                         f"{rates['dense_first_pass_mb_s']:.2f} MB/s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=2.0, help="size of the sparse text")
    parser.add_argument("--dense-mb", type=float, default=0.5, help="size of the dense text")
    parser.add_argument("--no-names", action="store_true", help="only the names-off engine")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    import logging

    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    results = profile(args.mb, args.dense_mb, not args.no_names)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
