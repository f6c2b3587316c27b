"""The one pipeline every channel uses: extract -> scan -> decide.

CLI scan, the right-click check, the folder watcher and the clipboard guard all call
``Pipeline``; it never raises for bad input: an unreadable file becomes a ``ScanResult``
with ``error`` set, and a scan that could not finish is ``complete=False`` so the policy's
``on_incomplete`` applies (never a silent allow).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from classifiers.engine import Engine
from classifiers.errors import ExtractionError
from classifiers.model import ScanResult


@dataclass(frozen=True, slots=True)
class Outcome:
    """A scan and the policy's decision about it."""

    result: ScanResult
    decision: object  # app.services.decide.Decision
    text: str | None = None  # kept in memory only, for redaction; never logged

    @property
    def verdict(self) -> str:
        return str(self.decision.verdict.value)  # type: ignore[attr-defined]


def strictest(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome whose verdict is the most restrictive (block > redact > warn > ...)."""
    return max(outcomes, key=lambda o: o.decision.verdict.rank)  # type: ignore[attr-defined]


class Pipeline:
    """Extract, classify and decide. Thread-safe; holds no per-scan state."""

    def __init__(
        self,
        engine: Engine,
        policy_provider: Callable[[], object],
        *,
        keep_text_limit: int = 8_000_000,
    ) -> None:
        self._engine = engine
        self._policy = policy_provider
        self._keep_text_limit = keep_text_limit

    @property
    def engine(self) -> Engine:
        return self._engine

    def classify_text(self, text: str, source: str, channel: object,
                      destination: str | None = None) -> Outcome:
        result = self._engine.scan(text, source=source)
        return self._decide(result, channel, text, destination)

    def classify_path(self, path: Path, channel: object, keep_text: bool = False,
                      destination: str | None = None) -> Outcome:
        from classifiers.extract import Limits, extract_path

        source = str(path)
        try:
            extracted = extract_path(path, self._limits() or Limits())
            keeper = _TextKeeper(self._keep_text_limit if keep_text else 0)
            result = self._engine.scan_stream(keeper.tee(extracted.pieces), source=source)
        except ExtractionError as exc:
            return self._decide(ScanResult(source=source, complete=False, error=str(exc)),
                                channel, None, destination)
        except OSError as exc:
            return self._decide(
                ScanResult(source=source, complete=False, error=_os_error_message(path, exc)),
                channel, None, destination,
            )
        text = keeper.text()
        findings = result.findings
        if extracted.hidden:
            findings = self._with_hidden(findings, extracted, text)
        if extracted.segments:
            findings = tuple(
                f.with_changes(location=extracted.locate(f.start, text)) for f in findings
            )
        result = ScanResult(
            source=source,
            findings=findings,
            complete=result.complete and extracted.complete,
            notes=tuple(dict.fromkeys(extracted.notes + result.notes)),
            text_length=result.text_length,
        )
        return self._decide(result, channel, text, destination)

    @staticmethod
    def _with_hidden(findings, extracted, text):  # type: ignore[no-untyped-def]
        """Add prompt-injection findings for text the document hides (white, tiny,
        vanished, off-page, HTML comments); the overlap merge picks one per span."""
        try:
            from classifiers.detectors.injection import hidden_span_findings
        except ImportError:
            return findings
        from classifiers.engine import merge_overlaps

        full = text if text is not None else extracted.text()
        extra = hidden_span_findings(full, extracted.hidden)
        if not extra:
            return findings
        located = []
        for f in extra:
            line = full.count("\n", 0, f.start) + 1
            column = f.start - (full.rfind("\n", 0, f.start) + 1) + 1
            located.append(f.with_changes(line=line, column=column))
        return tuple(merge_overlaps([*findings, *located]))

    def _limits(self):  # type: ignore[no-untyped-def]
        policy = self._policy()
        return getattr(policy, "extract_limits", None)

    def _decide(self, result: ScanResult, channel: object, text: str | None = None,
                destination: str | None = None) -> Outcome:
        from app.services.decide import decide

        decision = decide(self._policy(), result, channel, destination)  # type: ignore[arg-type]
        return Outcome(result=result, decision=decision, text=text)


class _TextKeeper:
    """Keeps the scanned text in memory up to ``limit`` characters (0: keep nothing)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._parts: list[str] = []
        self._size = 0
        self._overflow = limit <= 0

    def tee(self, pieces: Iterable[str]) -> Iterator[str]:
        for piece in pieces:
            if not self._overflow:
                self._size += len(piece)
                if self._size > self._limit:
                    self._overflow = True
                    self._parts.clear()
                else:
                    self._parts.append(piece)
            yield piece

    def text(self) -> str | None:
        return None if self._overflow else "".join(self._parts)


def _os_error_message(path: Path, exc: OSError) -> str:
    name = path.name or str(path)
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied; check the file's permissions or run as its owner"
    if isinstance(exc, FileNotFoundError):
        return f"{name}: no such file (moved or deleted?)"
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a folder; scan it as a folder"
    return f"{name}: could not be read ({type(exc).__name__}: {os.strerror(exc.errno or 0)})"


def walk_files(root: Path) -> Iterator[Path]:
    """Every regular file below ``root`` (sorted, symlinks to folders not followed)."""
    if not root.is_dir():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath) / name
