"""PDF with pypdf: the text layer per page (``page N:line``), metadata, hidden text.

pypdf is pure Python, so a hostile PDF can cost time and memory without bound (cyclic
object graphs, huge streams): by default it runs in ``sandbox`` (a child process with a
timeout and an address-space cap); ``Limits(sandbox=False)`` runs it in-process.

Results that are not an exception but ``complete=False``: encrypted with a password
(an empty user password is tried first, as viewers do), no text layer on a page that holds
an image ("scanned image, text not checked"), page or time budget reached, damaged file.

Hidden text is found with pypdf's content-stream visitors: text drawn with render mode 3
(``pdf invisible text``), with a white fill colour (``white text``), with a font size
below 1 (``tiny text``) or positioned outside the page box (``off-page text``). The drawn
strings are then looked up in the page's extracted text, in order, to mark their spans.
"""

from __future__ import annotations

import io
import logging
import time
import warnings
from typing import Any

from classifiers.extract.context import Context, DocBuilder
from classifiers.extract.types import Limits

_META_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer")


def extract_pdf_sandboxed(data: bytes, name: str, ctx: Context) -> DocBuilder:
    """The PDF's text, parsed in a sandboxed child unless ``limits.sandbox`` is off."""
    if ctx.limits.sandbox:
        from classifiers.extract.sandbox import run_sandboxed

        return run_sandboxed("pdf", data, ctx)
    return extract_pdf(data, ctx.limits, ctx.remaining_seconds())


def extract_pdf(data: bytes, limits: Limits, seconds: float) -> DocBuilder:
    """Parse in this process (the sandbox child calls this)."""
    doc = DocBuilder()
    doc.segment("")
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _extract(data, limits, time.monotonic() + seconds, doc)
        except MemoryError:
            doc.incomplete("PDF needs more memory than allowed, not fully checked")
        except RecursionError:
            doc.incomplete("PDF structure nested too deeply, not fully checked")
        except Exception as exc:  # pypdf raises many types on damaged input
            doc.incomplete(f"damaged PDF ({type(exc).__name__}), not fully checked")
    return doc


def _extract(data: bytes, limits: Limits, deadline: float, doc: DocBuilder) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:
            opened = False
        if not opened:
            doc.incomplete("password-protected PDF, text not checked")
            return
    _metadata(reader, doc)
    pages = reader.pages
    count = len(pages)
    scanned = 0
    for index in range(count):
        if index >= limits.max_pages:
            doc.incomplete(f"page budget: only the first {limits.max_pages:,} of {count:,} "
                           "pages read")
            break
        if time.monotonic() > deadline:
            doc.incomplete(f"time budget: stopped after {index:,} of {count:,} pages")
            break
        page = pages[index]
        drawn: list[tuple[str, str]] = []
        text = page.extract_text(**_visitors(page, drawn))
        doc.segment(f"page {index + 1}")
        start = doc.length
        doc.write(text)
        if not text.endswith("\n"):
            doc.write("\n")
        _mark_hidden(doc, start, text, drawn)
        if not text.strip() and _has_image(page):
            scanned += 1
    if scanned:
        doc.incomplete(
            "scanned image, text not checked" if scanned == count
            else f"scanned image on {scanned} page(s), text not checked"
        )


def _metadata(reader: Any, doc: DocBuilder) -> None:
    try:
        meta = reader.metadata or {}
    except Exception:
        return
    lines = []
    for key in _META_KEYS:
        value = meta.get(key)
        if value:
            lines.append(f"{key[1:]} = {str(value).strip()[:4096]}")
    if lines:
        doc.segment("document properties")
        doc.write("\n".join(lines) + "\n")


def _has_image(page: Any) -> bool:
    try:
        xobjects = page["/Resources"]["/XObject"]
        return any(xobjects[k].get("/Subtype") == "/Image" for k in xobjects)
    except Exception:
        return False


def _visitors(page: Any, drawn: list[tuple[str, str]]) -> dict[str, Any]:
    try:
        box = page.mediabox
        x0, y0, x1, y1 = float(box.left), float(box.bottom), float(box.right), float(box.top)
    except Exception:
        x0, y0, x1, y1 = -1e9, -1e9, 1e9, 1e9
    state = {"mode": 0, "white": False}
    stack: list[dict[str, Any]] = []

    def before(op: bytes, args: list[Any], cm: Any, tm: Any) -> None:
        try:
            if op == b"Tr" and args:
                state["mode"] = int(args[0])
            elif op == b"rg" and len(args) == 3:
                state["white"] = all(float(a) >= 0.99 for a in args)
            elif op == b"g" and len(args) == 1:
                state["white"] = float(args[0]) >= 0.99
            elif op == b"k" and len(args) == 4:
                state["white"] = all(float(a) <= 0.01 for a in args)
            elif op == b"q":
                stack.append(dict(state))
            elif op == b"Q" and stack:
                state.update(stack.pop())
        except (TypeError, ValueError):
            pass

    def text_seen(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if len(text.strip()) < 2:
            return
        reason = None
        if state["mode"] == 3 or state["mode"] == 7:
            reason = "pdf invisible text"
        elif state["white"]:
            reason = "white text"
        else:
            try:
                scale = abs(float(cm[0]) * float(tm[0])) or abs(float(tm[0])) or 1.0
                if size is not None and 0 < float(size) * scale < 1:
                    reason = "tiny text"
                x = float(tm[4]) * float(cm[0]) + float(tm[5]) * float(cm[2]) + float(cm[4])
                y = float(tm[4]) * float(cm[1]) + float(tm[5]) * float(cm[3]) + float(cm[5])
                if not (x0 - 1 <= x <= x1 + 1 and y0 - 1 <= y <= y1 + 1):
                    reason = "off-page text"
            except (TypeError, ValueError, IndexError):
                pass
        if reason:
            drawn.append((text, reason))

    return {"visitor_operand_before": before, "visitor_text": text_seen}


def _mark_hidden(doc: DocBuilder, start: int, text: str, drawn: list[tuple[str, str]]) -> None:
    pos = 0
    for chunk, reason in drawn:
        needle = chunk.strip()
        at = text.find(needle, pos)
        if at < 0:
            at = text.find(needle)
            if at < 0:
                continue
        doc.mark_hidden(start + at, start + at + len(needle), reason)
        pos = at + len(needle)
