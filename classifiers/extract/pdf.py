"""PDF with pypdf: the text layer per page (``page N:line``), metadata, hidden text.

pypdf is pure Python, so a hostile PDF can cost time and memory without bound (cyclic
object graphs, huge streams): by default it runs in ``sandbox`` (a child process with a
timeout and an address-space cap); ``Limits(sandbox=False)`` runs it in-process.

Results that are not an exception but ``complete=False``: encrypted with a password
(an empty user password is tried first, as viewers do), no text layer on a page that holds
an image ("scanned image, text not checked"), page or time budget reached, damaged file.

Besides the page text: annotations per page (comments' ``/Contents`` and link ``/URI``s,
location ``page N annotations``), filled-in form fields (``form fields``: ``name = value``;
a filled tax form keeps the SSN there, not in the page text) and embedded files
(``attachment name.xlsx Sheet1!B2``), read like any file under the same budgets.

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

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.types import Limits

# No /Author (a PERSON finding on every PDF) and no /Creator or /Producer (software names).
_META_KEYS = ("/Title", "/Subject", "/Keywords")


def extract_pdf_sandboxed(data: bytes, name: str, ctx: Context) -> DocBuilder:
    """The PDF's text, parsed in a sandboxed child unless ``limits.sandbox`` is off."""
    if ctx.limits.sandbox:
        from classifiers.extract.sandbox import run_sandboxed

        return run_sandboxed("pdf", data, ctx)
    return extract_pdf(data, ctx.limits, ctx.remaining_seconds(), ctx)


def extract_pdf(
    data: bytes, limits: Limits, seconds: float, ctx: Context | None = None
) -> DocBuilder:
    """Parse in this process (the sandbox child calls this). ``ctx`` carries the shared
    budgets for embedded files; without one, a fresh context is made."""
    from dataclasses import replace

    doc = DocBuilder()
    doc.segment("")
    if ctx is None:
        ctx = Context(replace(limits, sandbox=False, max_seconds=seconds))
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            _extract(data, limits, time.monotonic() + seconds, doc, ctx)
        except BudgetExceeded as exc:
            doc.incomplete(exc.note)
        except MemoryError:
            doc.incomplete("PDF needs more memory than allowed, not fully checked")
        except RecursionError:
            doc.incomplete("PDF structure nested too deeply, not fully checked")
        except Exception as exc:  # pypdf raises many types on damaged input
            doc.incomplete(f"damaged PDF ({type(exc).__name__}), not fully checked")
    return doc


def _extract(
    data: bytes, limits: Limits, deadline: float, doc: DocBuilder, ctx: Context
) -> None:
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
        _guard(doc, "annotations", _annotations, page, index + 1, doc)
    _guard(doc, "form fields", _form_fields, reader, doc)
    _guard(doc, "embedded files", _embedded_files, reader, doc, ctx)
    if scanned:
        doc.incomplete(
            "scanned image, text not checked" if scanned == count
            else f"scanned image on {scanned} page(s), text not checked"
        )


def _guard(doc: DocBuilder, what: str, fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except BudgetExceeded:
        raise
    except Exception as exc:  # one damaged dictionary must not lose the pages
        doc.incomplete(f"PDF {what} could not be read ({type(exc).__name__})")


def _text_of(value: Any) -> str:
    try:
        value = value.get_object()
    except AttributeError:
        pass
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return " ".join(str(value).split())[:8192] if value is not None else ""


def _annotations(page: Any, number: int, doc: DocBuilder) -> None:
    """Comments (``/Contents``), link targets (``/URI``) and widget values of a page."""
    annots = page.get("/Annots")
    if annots is None:
        return
    lines: list[str] = []
    for ref in list(annots.get_object())[:10_000]:
        annot = ref.get_object()
        subtype = str(annot.get("/Subtype", ""))
        if subtype == "/Widget":
            continue  # form fields are read from the AcroForm
        contents = _text_of(annot.get("/Contents"))
        if contents:
            lines.append(contents)
        action = annot.get("/A")
        if action is not None:
            uri = _text_of(action.get_object().get("/URI"))
            if uri:
                lines.append(uri)
    if lines:
        doc.segment(f"page {number} annotations")
        doc.write("\n".join(lines) + "\n")


def _form_fields(reader: Any, doc: DocBuilder) -> None:
    """Filled-in form values: a tax form's SSN lives here, not in the page text."""
    fields = reader.get_fields() or {}
    lines = []
    for name, field in list(fields.items())[:10_000]:
        value = _text_of(field.get("/V")) if hasattr(field, "get") else ""
        if value and value not in ("/Off", "/Yes"):
            lines.append(f"{name} = {value}")
    if lines:
        doc.segment("form fields")
        doc.write("\n".join(lines) + "\n")


def _embedded_files(reader: Any, doc: DocBuilder, ctx: Context) -> None:
    """Files attached to the PDF, read like any file under the shared budgets."""
    from classifiers.extract.dispatch import ARCHIVE_KINDS, extract_bytes
    from classifiers.extract.errors import BinaryContent, UnsupportedFormat

    attachments = reader.attachments
    for name in list(attachments)[: ctx.limits.max_entries]:
        for data in attachments[name]:
            ctx.charge(len(data))
            label = f"attachment {name}"
            if ctx.depth >= ctx.limits.max_depth:
                doc.incomplete(f"{label}: nested too deep, not checked")
                continue
            ctx.depth += 1
            try:
                child = extract_bytes(data, str(name), ctx)
            except BinaryContent:
                continue
            except UnsupportedFormat:
                doc.incomplete(f"{label}: format not supported, not checked")
                continue
            finally:
                ctx.depth -= 1
            doc.embed(label, child, sep="/" if child.kind in ARCHIVE_KINDS else " ")


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
