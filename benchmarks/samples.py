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


def real_texts(target_chars: int) -> dict[str, str]:
    """Large texts that nobody here wrote, found on any machine that runs the benchmark:
    the Python standard library's source (``python-source``: code, docstrings, test data)
    and, where the system keeps them, Debian's package copyright files
    (``debian-copyright``: licence prose full of names, e-mail addresses and years). Each is
    about ``target_chars`` long (files in sorted order, cycled if there are too few)."""
    import sysconfig
    from pathlib import Path

    sources = {
        "python-source": sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py")),
        "debian-copyright": sorted(Path("/usr/share/doc").glob("*/copyright")),
    }
    out: dict[str, str] = {}
    for name, files in sources.items():
        parts: list[str] = []
        total = 0
        for _ in range(50):  # cycle over the files when they are fewer than the target
            for path in files:
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                parts.append(text)
                total += len(text) + 1
                if total >= target_chars:
                    break
            if total >= target_chars or not parts:
                break
        if parts:
            out[name] = "\n".join(parts)[:target_chars]
    return out
