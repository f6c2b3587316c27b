"""Run a risky parser in a child process with a timeout and a memory cap.

The parent sends ``{"kind", "limits", "seconds"}`` as one JSON line followed by the file's
bytes on stdin; the child caps its own address space (``RLIMIT_AS``, POSIX; it is set by
the child itself so that no ``preexec_fn`` runs in a threaded parent), parses, and writes
the ``DocBuilder`` as JSON on stdout. The parent waits at most the remaining time budget
plus a grace period, then kills the child. A child that is killed, crashes or runs out of
memory yields ``complete=False`` with a note, never an exception in the caller.

The child is started as ``sys.executable -E -s -c ...`` with the package root on its
``sys.path``: it reads no environment (PYTHONPATH, PYTHONSTARTUP) and no user site.
A frozen build (PyInstaller) must route ``--presend-extract-child`` to ``child_main``.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from classifiers.extract.context import Context, DocBuilder
from classifiers.extract.types import HiddenSpan, Limits, Segment

GRACE_SECONDS = 3.0
_ROOT = str(Path(__file__).resolve().parents[2])
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from classifiers.extract.sandbox import child_main; child_main()"
)


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "--presend-extract-child"]
    return [sys.executable, "-E", "-s", "-c", _CHILD, _ROOT]


def run_sandboxed(kind: str, data: bytes, ctx: Context) -> DocBuilder:
    seconds = ctx.remaining_seconds()
    header = json.dumps(
        {"kind": kind, "limits": dataclasses.asdict(ctx.limits), "seconds": seconds}
    ).encode()
    try:
        proc = subprocess.run(
            child_command(),
            input=header + b"\n" + data,
            capture_output=True,
            timeout=seconds + GRACE_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return _failed(f"{kind.upper()} parser did not finish within {ctx.limits.max_seconds:g} "
                       "s, not checked")
    except OSError as exc:
        return _failed(f"{kind.upper()} parser could not start ({type(exc).__name__}), "
                       "not checked")
    if proc.returncode != 0:
        return _failed(f"{kind.upper()} parser stopped (exit {proc.returncode}; memory cap "
                       f"{ctx.limits.max_memory_bytes // 2**20} MiB), not checked")
    try:
        return _from_json(json.loads(proc.stdout))
    except (ValueError, KeyError, TypeError):
        return _failed(f"{kind.upper()} parser returned no result, not checked")


def _failed(note: str) -> DocBuilder:
    doc = DocBuilder()
    doc.segment("")
    doc.incomplete(note)
    return doc


def _to_json(doc: DocBuilder) -> bytes:
    return json.dumps({
        "text": doc.text(),
        "segments": [[s.start, s.label, s.line_base] for s in doc.segments],
        "hidden": [[h.start, h.end, h.reason] for h in doc.hidden],
        "notes": list(doc.all_notes()),
        "complete": doc.complete,
    }).encode()


def _from_json(obj: dict) -> DocBuilder:
    text = obj["text"]
    doc = DocBuilder(
        parts=[text],
        length=len(text),
        segments=[Segment(int(s), str(lb), bool(b)) for s, lb, b in obj["segments"]],
        hidden=[HiddenSpan(int(s), int(e), str(r)) for s, e, r in obj["hidden"]],
        notes=[str(n) for n in obj["notes"]],
        complete=bool(obj["complete"]),
    )
    return doc


def _cap_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_AS; the timeout still applies
        return
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def child_main() -> None:
    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline())
    limits = Limits(**header["limits"])
    _cap_memory(limits.max_memory_bytes)
    data = stdin.read()
    kind = header["kind"]
    seconds = float(header["seconds"])
    if kind == "pdf":
        from classifiers.extract.pdf import extract_pdf

        doc = extract_pdf(data, limits, seconds)  # embedded files parsed here, unsandboxed
    elif kind == "msg":
        from classifiers.extract.context import BudgetExceeded, Context
        from classifiers.extract.msg import extract_msg_doc

        # Already sandboxed: nested PDFs in attachments are parsed here, not in a grandchild.
        ctx = Context(dataclasses.replace(limits, sandbox=False, max_seconds=seconds))
        try:
            doc = extract_msg_doc(data, ctx)
        except BudgetExceeded as exc:
            doc = _failed(exc.note)
    else:
        doc = _failed(f"unknown sandboxed kind {kind}")
    del data
    sys.stdout.buffer.write(_to_json(doc))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    child_main()
