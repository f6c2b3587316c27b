"""Plain-text tables of accuracy reports, one column group per tool."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.scoring import Report, Tally


def _f(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def _prf(t: Tally | None, strict: bool = False) -> str:
    if t is None:
        return "   -    -    -"
    return f"{_f(t.precision(strict))} {_f(t.recall(strict))} {_f(t.f1(strict))}"


def accuracy_table(reports: Sequence[tuple[str, Report]]) -> str:
    names = [n for n, _ in reports]
    lines: list[str] = []
    head = f"{'entity type':24}{'labels':>7}  " + "  ".join(f"{n[:22]:^22}" for n in names)
    sub = f"{'':24}{'':>7}  " + "  ".join(f"{'P    R    F1   pred':^22}" for _ in names)
    lines += [head, sub, "-" * len(head)]
    types = sorted({t for _, r in reports for t in r.per_type})
    for t in types:
        n = next((r.per_type[t].labels for _, r in reports if t in r.per_type), 0)
        cells = []
        for _, r in reports:
            tally = r.per_type.get(t)
            cells.append(f"{_prf(tally)} {tally.predictions if tally else 0:>5}")
        lines.append(f"{t:24}{n:>7}  " + "  ".join(f"{c:22}" for c in cells))
    lines.append("-" * len(head))
    cats = sorted({c for _, r in reports for c in r.per_category})
    for c in cats:
        n = next((r.per_category[c].labels for _, r in reports if c in r.per_category), 0)
        cells = []
        for _, r in reports:
            tally = r.per_category.get(c)
            cells.append(f"{_prf(tally)} {tally.predictions if tally else 0:>5}")
        lines.append(f"{'[' + c + ']':24}{n:>7}  " + "  ".join(f"{x:22}" for x in cells))
    lines.append("-" * len(head))
    rows = [
        ("micro (overlap)", lambda r: _prf(r.micro)),
        ("micro (strict span)", lambda r: _prf(r.micro, strict=True)),
        ("clean docs flagged", lambda r: f"{r.clean_flagged_share:6.1%} of {r.clean_documents}"),
        ("clean flagged, score>=0.5",
         lambda r: f"{(r.clean_flagged_05 / r.clean_documents if r.clean_documents else 0):6.1%}"),
        ("sensitive-doc recall",
         lambda r: f"{r.sensitive_recall:6.1%} of {r.sensitive_documents}"),
        ("right at score>=0.8", lambda r: _hc(r)),
    ]
    for label, fn in rows:
        lines.append(f"{label:31}  " + "  ".join(f"{fn(r):22}" for _, r in reports))
    lines.append("")
    lines.append("reliability (share right by score bucket: right/predictions)")
    for i in range(len(reports[0][1].buckets)):
        lo, hi = reports[0][1].buckets[i][:2]
        cells = []
        for _, r in reports:
            _, _, n, right = r.buckets[i]
            cells.append(f"{(right / n if n else 0):5.2f} ({right}/{n})" if n else "    -")
        lines.append(f"  [{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}{'':20}"
                     + "  ".join(f"{c:22}" for c in cells))
    return "\n".join(lines)


def kind_table(reports: Sequence[tuple[str, Report]]) -> str:
    """Micro P/R/F1 over all types, per document kind (where a layout is weak)."""
    lines = [f"{'document kind':24}{'labels':>7}  "
             + "  ".join(f"{n[:22]:^22}" for n, _ in reports)]
    for kind in sorted({k for _, r in reports for k in r.per_kind}):
        n = next((r.per_kind[kind].labels for _, r in reports if kind in r.per_kind), 0)
        cells = [f"{_prf(r.per_kind.get(kind))} {r.per_kind[kind].predictions if kind in r.per_kind else 0:>5}"
                 for _, r in reports]
        lines.append(f"{kind:24}{n:>7}  " + "  ".join(f"{c:22}" for c in cells))
    return "\n".join(lines)


def _hc(r: Report) -> str:
    p, n = r.high_confidence_precision()
    return "   -" if p is None else f"{p:6.1%} of {n}"


def examples_text(name: str, report: Report, limit: int = 3) -> str:
    lines = [f"== {name}: misses and false positives (synthetic values) =="]
    for t in sorted(report.per_type):
        tally = report.per_type[t]
        recall, precision = tally.recall(), tally.precision()
        if (recall is None or recall >= 0.9) and (precision is None or precision >= 0.9):
            continue
        lines.append(f"{t}: P={_f(tally.precision())} R={_f(tally.recall())}")
        for ex in report.misses.get(t, [])[:limit]:
            lines.append(f"   miss [{ex.kind}] {ex.snippet!r} in {ex.context!r}")
        for ex in report.false_positives.get(t, [])[:limit]:
            lines.append(f"   FP   [{ex.kind}] {ex.snippet!r} in {ex.context!r}")
    return "\n".join(lines)
