"""What presend reports on large real texts that nobody here wrote: a false-alarm watch.

    .venv/bin/python -m benchmarks.real_text_findings [--mb 3] [--no-names] [--show-values]
                                                     [--top 15] [--json OUT]

The texts come from ``benchmarks.samples.real_texts``: the Python standard library's
source (code and docstrings: a few maintainers' names and addresses, otherwise nothing
personal) and Debian's copyright files where present (licence prose: many real names and
addresses of authors, the FSF's postal address, no secrets). Nothing here is labelled, so
there is no precision figure: the output is findings per MB by entity type and the most
frequent values of each type, to read for false alarms (a docstring taken for a name, a
ZIP+4 code taken for a phone number). Values are masked unless ``--show-values``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def collect(mb: float, names: bool) -> dict[str, dict[str, object]]:
    from benchmarks.samples import real_texts
    from classifiers.build import EngineOptions, make_engine
    from classifiers.engine import Budget
    from classifiers.redact import preview

    engine = make_engine(EngineOptions(names=names, budget=Budget(max_seconds=3600.0)))
    out: dict[str, dict[str, object]] = {}
    for name, text in real_texts(int(mb * 1_000_000)).items():
        result = engine.scan(text)
        size_mb = len(text.encode("utf-8")) / 1e6
        by_type: dict[str, Counter[str]] = defaultdict(Counter)
        previews: dict[str, str] = {}
        for f in result.findings:
            value = f.value or ""
            by_type[f.entity_type][value] += 1
            previews[value] = preview(f)
        out[name] = {
            "mb": size_mb,
            "per_mb": {t: sum(c.values()) / size_mb for t, c in sorted(by_type.items())},
            "top": {t: c.most_common() for t, c in by_type.items()},
            "previews": previews,
        }
    return out


def report(data: dict[str, dict[str, object]], top: int, show_values: bool) -> str:
    lines: list[str] = []
    for name, info in data.items():
        lines.append(f"== {name} ({info['mb']:.1f} MB)")
        per_mb = info["per_mb"]
        assert isinstance(per_mb, dict)
        for entity_type, rate in per_mb.items():
            lines.append(f"  {entity_type:24} {rate:8.1f} per MB")
            tops = info["top"][entity_type]  # type: ignore[index]
            previews = info["previews"]
            for value, count in tops[:top]:
                shown = value if show_values else previews[value]  # type: ignore[index]
                lines.append(f"      {count:5}  {shown!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=3.0, help="size of each text")
    parser.add_argument("--no-names", action="store_true", help="names detector off")
    parser.add_argument("--show-values", action="store_true", help="print values unmasked")
    parser.add_argument("--top", type=int, default=15, help="values shown per type")
    parser.add_argument("--json", type=Path, help="write per-MB rates as JSON")
    args = parser.parse_args(argv)
    data = collect(args.mb, not args.no_names)
    print(report(data, args.top, args.show_values))
    if args.json:
        rates = {name: info["per_mb"] for name, info in data.items()}
        args.json.write_text(json.dumps(rates, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
