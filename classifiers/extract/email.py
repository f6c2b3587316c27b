"""E-mail (.eml, RFC 5322 / MIME) with the standard library: headers, bodies, attachments.

Locations: ``headers:<line>``, ``body:<line>``, ``body (html):<line>`` (the HTML source,
with comments and hidden elements marked hidden), ``attachment report.docx body:2``,
``attachment logs.zip/app/config.env:3``, ``attached message body:1``.

Headers kept are those a person reads (From, To, Cc, Bcc, Reply-To, Sender, Subject, Date)
and any whose name speaks of labels or classification (``msip_labels``, ``Sensitivity``,
``X-Classification``...); transport headers (Received, DKIM, ARC, anti-spam) are left out:
they hold only relay addresses and signatures and would drown findings in noise. An
Outlook ``msip_labels`` header (``MSIP_Label_<guid>_Name=Confidential; ...``) is kept as is.

Outlook .msg (an OLE compound file) is read by ``msg.py`` with olefile, in the sandbox.
"""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.errors import BinaryContent, UnsupportedFormat
from classifiers.extract.markup import html_hidden_spans
from classifiers.extract.text import decode_bytes

_READ_HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender", "subject", "date")
_LABEL_HEADER = re.compile(r"label|classif|sensitiv|msip|protective-marking", re.IGNORECASE)
MAX_PARTS = 1_000


def extract_email(data: bytes, name: str, ctx: Context) -> DocBuilder:
    doc = DocBuilder()
    doc.segment("")
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the parser is lenient; anything else is damage
        doc.incomplete(f"damaged e-mail ({type(exc).__name__}), not checked")
        return doc
    try:
        _Walker(ctx, doc).message(msg, "")
    except BudgetExceeded as exc:
        doc.incomplete(exc.note)
    return doc


def extract_msg(data: bytes, name: str, ctx: Context) -> DocBuilder:
    """Outlook .msg via ``classifiers.extract.msg`` (sandboxed unless limits say not)."""
    try:
        import olefile  # noqa: F401
    except ImportError:
        raise UnsupportedFormat(
            f"{name} is an Outlook .msg file and the olefile package is not installed; save "
            "the message as .eml (File > Save As) and scan that"
        ) from None
    if ctx.limits.sandbox:
        from classifiers.extract.sandbox import run_sandboxed

        return run_sandboxed("msg", data, ctx)
    from classifiers.extract.msg import extract_msg_doc

    return extract_msg_doc(data, ctx)


class _Walker:
    def __init__(self, ctx: Context, doc: DocBuilder) -> None:
        self.ctx = ctx
        self.doc = doc
        self.parts = 0
        self.skipped = 0

    def message(self, msg: Message, prefix: str) -> None:
        self._headers(msg, prefix)
        self._part(msg, prefix)
        if self.skipped and not prefix:
            self.doc.note(f"{self.skipped} binary attachment(s) skipped (images, programs)")

    def _label(self, prefix: str, label: str) -> str:
        return f"{prefix} {label}" if prefix else label

    def _headers(self, msg: Message, prefix: str) -> None:
        lines = header_lines(msg)
        if lines:
            self.doc.segment(self._label(prefix, "headers"))
            self.doc.write("\n".join(lines) + "\n")

    def _part(self, part: Message, prefix: str) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.doc.incomplete(f"part budget: only the first {MAX_PARTS:,} MIME parts read")
            return
        self.ctx.check_time()
        ctype = part.get_content_type()
        if part.is_multipart():
            if ctype == "message/rfc822":
                for inner in part.get_payload():
                    if isinstance(inner, Message):
                        self._nested(inner, prefix)
                return
            for sub in part.get_payload():
                if isinstance(sub, Message):
                    self._part(sub, prefix)
            return
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if filename or disposition == "attachment" or not ctype.startswith("text/"):
            self._attachment(part, filename or f"part{self.parts}", prefix)
            return
        raw = part.get_payload(decode=True) or b""
        self.ctx.charge(len(raw))
        text = _decode_text(part, raw)
        if ctype == "text/html":
            self.doc.segment(self._label(prefix, "body (html)"))
            start = self.doc.length
            self.doc.write(text + "\n")
            for h in html_hidden_spans(text):
                self.doc.mark_hidden(start + h.start, start + h.end, h.reason)
        else:
            self.doc.segment(self._label(prefix, "body"))
            self.doc.write(text + "\n")

    def _nested(self, inner: Message, prefix: str) -> None:
        if self.ctx.depth >= self.ctx.limits.max_depth:
            self.doc.incomplete(
                f"messages nested deeper than {self.ctx.limits.max_depth} levels, not checked"
            )
            return
        self.ctx.depth += 1
        try:
            self._headers(inner, self._label(prefix, "attached message"))
            self._part(inner, self._label(prefix, "attached message"))
        finally:
            self.ctx.depth -= 1

    def _attachment(self, part: Message, filename: str, prefix: str) -> None:
        from classifiers.extract.dispatch import extract_bytes

        data = part.get_payload(decode=True) or b""
        if not data:
            return
        self.ctx.charge(len(data))
        if self.ctx.depth >= self.ctx.limits.max_depth:
            self.doc.incomplete(f"attachment {filename}: nested too deep, not checked")
            return
        self.ctx.depth += 1
        try:
            child = extract_bytes(data, filename, self.ctx)
        except BinaryContent:
            self.skipped += 1
            return
        except UnsupportedFormat:
            self.doc.incomplete(f"attachment {filename}: format not supported, not checked")
            return
        finally:
            self.ctx.depth -= 1
        sep = "/" if child.kind in ("zip", "tar", "gz", "bz2", "xz") else " "
        self.doc.embed(self._label(prefix, f"attachment {filename}"), child, sep=sep)


def header_lines(msg: Message) -> list[str]:
    """``Name: value`` lines of the headers a person reads and of label headers."""
    lines = []
    for key in msg.keys():
        low = key.lower()
        if low not in _READ_HEADERS and not _LABEL_HEADER.search(low):
            continue
        try:
            value = str(msg.get(key, ""))
        except Exception:
            value = ""
        lines.append(f"{key}: {' '.join(value.split())[:8192]}")
    return lines


def _decode_text(part: Message, raw: bytes) -> str:
    charset = part.get_content_charset()
    if charset:
        try:
            return raw.decode(charset, "replace")
        except (LookupError, ValueError):
            pass
    try:
        return decode_bytes(raw, "body")[0]
    except BinaryContent:
        return raw.decode("latin-1")


__all__ = ["extract_email", "extract_msg"]
