"""Run a risky parser in a child process with a timeout and a memory cap.

Protocol (stdin/stdout of the child): the parent sends one JSON header line
``{"kind", "limits", "seconds", "size"}`` followed by ``size`` bytes of the file; the child
answers with one JSON line (the ``DocBuilder``), then waits for the next job until stdin
closes. The child caps its own address space (``RLIMIT_AS``, POSIX; set by the child so
that no ``preexec_fn`` runs in a threaded parent).

One worker child is kept warm and reused for up to ``JOBS_PER_WORKER`` files (starting
Python and importing pypdf costs ~0.2 s a file otherwise); jobs are serialised by a lock.
The parent waits at most the file's remaining time budget plus ``GRACE_SECONDS``; a child
that overruns is killed and replaced, and one that crashes or runs out of memory is
replaced too. Either way the file gets ``complete=False`` with a note, never an exception.
On Windows (no ``select`` on pipes) each file gets a fresh child via ``subprocess.run``.

The child is started as ``sys.executable -E -s -c ...`` with the package root on its
``sys.path``: it reads no environment (PYTHONPATH, PYTHONSTARTUP) and no user site.
A frozen build (PyInstaller) must route ``--presend-extract-child`` to ``child_main``.
"""

from __future__ import annotations

import atexit
import dataclasses
import json
import os
import selectors
import subprocess
import sys
import threading
import time
from pathlib import Path

from classifiers.extract.context import Context, DocBuilder
from classifiers.extract.types import HiddenSpan, Limits, Segment

GRACE_SECONDS = 3.0
JOBS_PER_WORKER = 32
_ROOT = str(Path(__file__).resolve().parents[2])
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from classifiers.extract.sandbox import child_main; child_main()"
)
_PERSISTENT = os.name == "posix"


def child_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "--presend-extract-child"]
    return [sys.executable, "-E", "-s", "-c", _CHILD, _ROOT]


def _header(kind: str, size: int, ctx: Context) -> tuple[bytes, float]:
    seconds = ctx.remaining_seconds()
    header = json.dumps({
        "kind": kind, "limits": dataclasses.asdict(ctx.limits), "seconds": seconds,
        "size": size,
    }).encode() + b"\n"
    return header, seconds


def run_sandboxed(kind: str, data: bytes, ctx: Context) -> DocBuilder:
    what = kind.upper()
    if not _PERSISTENT:
        header, seconds = _header(kind, len(data), ctx)
        return _run_once(what, header + data, seconds, ctx.limits)
    with _LOCK:
        header, seconds = _header(kind, len(data), ctx)  # time spent waiting counts
        try:
            worker = _worker(ctx.limits.max_memory_bytes)
        except OSError as exc:
            return _failed(f"{what} parser could not start ({type(exc).__name__}), not checked")
        line, status = worker.exchange(header + data, seconds + GRACE_SECONDS)
        if status == "ok" and line is not None:
            worker.jobs += 1
            if worker.jobs >= JOBS_PER_WORKER:
                _retire()
            return _parse(what, line)
        code = worker.stop(kill=status == "timeout")
        _forget()
    if status == "timeout":
        return _failed(f"{what} parser did not finish within {ctx.limits.max_seconds:g} s, "
                       "not checked")
    return _failed(f"{what} parser stopped (exit {code}; memory cap "
                   f"{ctx.limits.max_memory_bytes // 2**20} MiB), not checked")


def _parse(what: str, line: bytes) -> DocBuilder:
    try:
        return _from_json(json.loads(line))
    except (ValueError, KeyError, TypeError):
        return _failed(f"{what} parser returned no result, not checked")


def _run_once(what: str, payload: bytes, seconds: float, limits: Limits) -> DocBuilder:
    try:
        proc = subprocess.run(child_command(), input=payload, capture_output=True,
                              timeout=seconds + GRACE_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return _failed(f"{what} parser did not finish within {limits.max_seconds:g} s, "
                       "not checked")
    except OSError as exc:
        return _failed(f"{what} parser could not start ({type(exc).__name__}), not checked")
    line = proc.stdout.split(b"\n", 1)[0]
    if not line:
        return _failed(f"{what} parser stopped (exit {proc.returncode}; memory cap "
                       f"{limits.max_memory_bytes // 2**20} MiB), not checked")
    return _parse(what, line)


class _Worker:
    """One warm child process speaking the line protocol above."""

    def __init__(self, memory: int) -> None:
        self.memory = memory
        self.command = child_command()
        self.jobs = 0
        self.proc = subprocess.Popen(self.command, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     bufsize=0)

    def usable(self, memory: int) -> bool:
        return (self.proc.poll() is None and self.memory == memory
                and self.command == child_command())

    def exchange(self, payload: bytes, timeout: float) -> tuple[bytes | None, str]:
        """Send one job; ``(answer line, "ok")`` or ``(None, "timeout" | "eof")``."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        in_fd, out_fd = self.proc.stdin.fileno(), self.proc.stdout.fileno()
        os.set_blocking(in_fd, False)
        view = memoryview(payload)
        sent = 0
        answer = bytearray()
        with selectors.DefaultSelector() as sel:
            sel.register(in_fd, selectors.EVENT_WRITE)
            sel.register(out_fd, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None, "timeout"
                for key, _ in sel.select(remaining):
                    if key.fd == in_fd:
                        try:
                            sent += os.write(in_fd, view[sent : sent + 65_536])
                        except BlockingIOError:
                            continue
                        except (BrokenPipeError, OSError):
                            sel.unregister(in_fd)
                            continue
                        if sent >= len(payload):
                            sel.unregister(in_fd)
                    else:
                        chunk = os.read(out_fd, 1 << 20)
                        if not chunk:
                            return None, "eof"
                        answer += chunk
                        newline = answer.find(b"\n")
                        if newline >= 0:
                            return bytes(answer[:newline]), "ok"

    def stop(self, kill: bool = False) -> int | None:
        """Close stdin, give the child a moment to leave, else kill it; the exit code."""
        if kill:
            self.proc.kill()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        try:
            return self.proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


_LOCK = threading.Lock()
_CURRENT: list[_Worker] = []


def _worker(memory: int) -> _Worker:
    if _CURRENT and not _CURRENT[0].usable(memory):
        _retire()
    if not _CURRENT:
        _CURRENT.append(_Worker(memory))
    return _CURRENT[0]


def _retire() -> None:
    if _CURRENT:
        _CURRENT.pop().stop()


def _forget() -> None:
    _CURRENT.clear()


@atexit.register
def shutdown() -> None:
    """Stop the warm worker (also called at interpreter exit)."""
    with _LOCK:
        _retire()


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
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    capped = False
    while True:
        line = stdin.readline()
        if not line:
            return
        header = json.loads(line)
        limits = Limits(**header["limits"])
        if not capped:
            _cap_memory(limits.max_memory_bytes)
            capped = True
        data = stdin.read(int(header.get("size", -1))) if "size" in header else stdin.read()
        doc = _child_job(header["kind"], data, limits, float(header["seconds"]))
        del data
        stdout.write(_to_json(doc) + b"\n")
        stdout.flush()
        del doc


def _child_job(kind: str, data: bytes, limits: Limits, seconds: float) -> DocBuilder:
    if kind == "pdf":
        from classifiers.extract.pdf import extract_pdf

        return extract_pdf(data, limits, seconds)  # embedded files parsed here, unsandboxed
    if kind == "msg":
        from classifiers.extract.context import BudgetExceeded
        from classifiers.extract.msg import extract_msg_doc

        # Already sandboxed: nested PDFs in attachments are parsed here, not in a grandchild.
        ctx = Context(dataclasses.replace(limits, sandbox=False, max_seconds=seconds))
        try:
            return extract_msg_doc(data, ctx)
        except BudgetExceeded as exc:
            return _failed(exc.note)
    return _failed(f"unknown sandboxed kind {kind}")


if __name__ == "__main__":
    child_main()
