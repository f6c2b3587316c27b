"""Accuracy of presend and stock Presidio on the labeled corpus, side by side.

    .venv/bin/python -m benchmarks.accuracy [--limit N] [--seed S] [--variant main|holdout]
                                            [--only presend|presidio] [--json OUT] [--examples]

Prints precision, recall and F1 per entity type and per category (overlap matching; see
``benchmarks.scoring``), micro F1 (overlap and strict span), the share of clean documents
with any finding, sensitive-document recall and calibration (share right by score).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

from benchmarks.corpus import DEFAULT_SEED, DEFAULT_SIZE, generate_corpus
from benchmarks.report_table import accuracy_table, examples_text, kind_table
from benchmarks.scoring import Report, score
from benchmarks.tools import Tool, presend_tool, presidio_tool


def run_tool(tool: Tool, docs, progress: bool = True,  # type: ignore[no-untyped-def]
             min_score: float = 0.0) -> tuple[Report, float]:
    start = time.perf_counter()
    predictions = []
    for i, doc in enumerate(docs):
        predictions.append([p for p in tool.scan(doc.text) if p.score >= min_score])
        if progress and i % 200 == 199:
            print(f"  {tool.name}: {i + 1}/{len(docs)}", file=sys.stderr)
    return score(docs, predictions), time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help=f"number of documents (default {DEFAULT_SIZE})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--variant", choices=("main", "holdout"), default="main",
                        help="main templates, or the held-out ones (default size 800)")
    parser.add_argument("--only", choices=("presend", "presidio"))
    parser.add_argument("--no-names", action="store_true", help="presend without the name model")
    parser.add_argument("--min-score", type=float, default=0.0,
                        help="drop predictions scored below this (default: keep all)")
    parser.add_argument("--json", type=Path, help="write the full reports as JSON here")
    parser.add_argument("--examples", action="store_true",
                        help="print misses and false positives of the weakest types")
    args = parser.parse_args(argv)
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    limit = args.limit or (DEFAULT_SIZE if args.variant == "main" else 800)
    docs = generate_corpus(args.seed, limit, args.variant)
    print(f"corpus: {args.variant}, seed {args.seed}, {len(docs)} documents, "
          f"{sum(d.clean for d in docs)} clean, {sum(len(d.labels) for d in docs)} labels, "
          f"{sum(len(d.text) for d in docs):,} characters", file=sys.stderr)
    factories = {"presend": lambda: presend_tool(names=not args.no_names),
                 "presidio": presidio_tool}
    reports: list[tuple[str, Report]] = []
    out: dict[str, object] = {"seed": args.seed, "variant": args.variant,
                              "min_score": args.min_score,
                              "documents": len(docs), "tools": {}}
    for name, factory in factories.items():
        if args.only and args.only != name:
            continue
        try:
            tool = factory()
        except Exception as exc:  # a tool that cannot start is reported, not fatal
            print(f"{name}: cannot start ({type(exc).__name__}); check its installation",
                  file=sys.stderr)
            continue
        report, seconds = run_tool(tool, docs, min_score=args.min_score)
        reports.append((tool.name, report))
        data = report.to_dict()
        data["seconds"] = round(seconds, 2)
        data["ignored_types"] = dict(tool.ignored)
        out["tools"][tool.name] = data  # type: ignore[index]
        print(f"  {tool.name}: {seconds:.1f} s", file=sys.stderr)
    if not reports:
        print("no tool could run; see the messages above", file=sys.stderr)
        return 2
    print(accuracy_table(reports))
    print()
    print(kind_table(reports))
    for name, _report in reports:
        ignored = out["tools"][name].get("ignored_types")  # type: ignore[index]
        if ignored:
            print(f"{name}: ignored types without a taxonomy name: "
                  + ", ".join(f"{k} {v}" for k, v in sorted(ignored.items())))
    if args.examples:
        for name, report in reports:
            print()
            print(examples_text(name, report))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
