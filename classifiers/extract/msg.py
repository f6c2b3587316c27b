"""Outlook .msg ([MS-OXMSG] in an OLE compound file) read with olefile.

Read: subject, sender, recipients' display lines, the transport headers Outlook kept
(filtered like .eml headers, so ``msip_labels`` survives), the plain body, the HTML body
(hidden spans marked), and attachments: files are dispatched like any file, attached
messages are read recursively. Locations: ``headers:<line>``, ``body:<line>``,
``body (html):<line>``, ``attachment report.docx body:2``, ``attachment fwd.msg body:1``.

Not read: the RTF body (``__substg1.0_10090102``, compressed RTF) when neither a plain nor
an HTML body exists; the message then is ``complete=False`` with a note.

olefile is pure Python and parses a hostile file's FAT chains without a time bound, so
this runs in the sandbox by default (``extract_msg`` in email.py decides).
"""

from __future__ import annotations

import re
from email import policy
from email.parser import HeaderParser

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.errors import BinaryContent, UnsupportedFormat
from classifiers.extract.markup import html_hidden_spans

_ATTACH = re.compile(r"__attach_version1\.0_#[0-9A-Fa-f]{8}")
_MAX_STREAM = 64 * 1024 * 1024


def extract_msg_doc(data: bytes, ctx: Context) -> DocBuilder:
    import olefile

    doc = DocBuilder()
    doc.segment("")
    try:
        ole = olefile.OleFileIO(data)
    except Exception as exc:  # olefile raises OSError and others on damage
        doc.incomplete(f"damaged Outlook message ({type(exc).__name__}), not checked")
        return doc
    try:
        paths = ["/".join(p) for p in ole.listdir(streams=True, storages=True)]
        _Message(ole, set(paths), ctx, doc).read("", "")
    except BudgetExceeded as exc:
        doc.incomplete(exc.note)
    finally:
        ole.close()
    return doc


class _Message:
    def __init__(self, ole, paths: set[str], ctx: Context, doc: DocBuilder) -> None:  # type: ignore[no-untyped-def]
        self.ole = ole
        self.paths = paths
        self.ctx = ctx
        self.doc = doc
        self.skipped = 0

    def _stream(self, path: str) -> bytes | None:
        if path not in self.paths:
            return None
        try:
            size = self.ole.get_size(path)
            if size > _MAX_STREAM:
                self.doc.incomplete(f"stream larger than {_MAX_STREAM:,} bytes, not checked")
                return None
            self.ctx.charge(size)
            return self.ole.openstream(path).read()
        except Exception as exc:  # damaged chains
            self.doc.incomplete(f"damaged stream ({type(exc).__name__}), part not checked")
            return None

    def _string(self, base: str, tag: str) -> str:
        raw = self._stream(f"{base}__substg1.0_{tag}001F")
        if raw is not None:
            return raw.decode("utf-16-le", "replace").rstrip("\0")
        raw = self._stream(f"{base}__substg1.0_{tag}001E")
        if raw is not None:
            return raw.decode("cp1252", "replace").rstrip("\0")
        return ""

    def _label(self, prefix: str, label: str) -> str:
        return f"{prefix} {label}" if prefix else label

    def read(self, base: str, prefix: str) -> None:
        from classifiers.extract.email import header_lines

        self.ctx.check_time()
        lines = []
        sender = self._string(base, "0C1A")
        sender_mail = self._string(base, "0C1F") or self._string(base, "5D01")
        if sender or sender_mail:
            lines.append(f"From: {sender} <{sender_mail}>" if sender_mail else f"From: {sender}")
        for tag, name in (("0E04", "To"), ("0E03", "Cc"), ("0E02", "Bcc")):
            value = self._string(base, tag)
            if value:
                lines.append(f"{name}: {value}")
        subject = self._string(base, "0037")
        if subject:
            lines.append(f"Subject: {subject}")
        transport = self._string(base, "007D")
        if transport:
            parsed = HeaderParser(policy=policy.default).parsestr(transport)
            known = {ln.split(":", 1)[0].lower() for ln in lines}
            lines += [ln for ln in header_lines(parsed)
                      if ln.split(":", 1)[0].lower() not in known]
        if lines:
            self.doc.segment(self._label(prefix, "headers"))
            self.doc.write("\n".join(lines) + "\n")
        body = self._string(base, "1000")
        html_raw = self._stream(f"{base}__substg1.0_10130102")
        html = self._string(base, "1013") if html_raw is None else _decode_html(html_raw)
        if body:
            self.doc.segment(self._label(prefix, "body"))
            self.doc.write(body.rstrip("\n") + "\n")
        if html:
            self.doc.segment(self._label(prefix, "body (html)"))
            start = self.doc.length
            self.doc.write(html + "\n")
            for h in html_hidden_spans(html):
                self.doc.mark_hidden(start + h.start, start + h.end, h.reason)
        if not body and not html and f"{base}__substg1.0_10090102" in self.paths:
            self.doc.incomplete(self._label(prefix, "body only in RTF, not checked").strip())
        self._attachments(base, prefix)
        if self.skipped and not prefix:
            self.doc.note(f"{self.skipped} binary attachment(s) skipped (images, programs)")

    def _attachments(self, base: str, prefix: str) -> None:
        from classifiers.extract.dispatch import ARCHIVE_KINDS, extract_bytes

        names = sorted({
            p[len(base):].split("/", 1)[0] for p in self.paths
            if p.startswith(base) and _ATTACH.fullmatch(p[len(base):].split("/", 1)[0])
        })
        for att in names:
            abase = f"{base}{att}/"
            filename = (self._string(abase, "3707") or self._string(abase, "3704")
                        or self._string(abase, "3001") or att[-8:])
            label = self._label(prefix, f"attachment {filename}")
            embedded = f"{abase}__substg1.0_3701000D"
            if embedded in self.paths:
                if self.ctx.depth >= self.ctx.limits.max_depth:
                    self.doc.incomplete(f"{label}: nested too deep, not checked")
                    continue
                self.ctx.depth += 1
                try:
                    self.read(embedded + "/", label)
                finally:
                    self.ctx.depth -= 1
                continue
            data = self._stream(f"{abase}__substg1.0_37010102")
            if not data:
                continue
            if self.ctx.depth >= self.ctx.limits.max_depth:
                self.doc.incomplete(f"{label}: nested too deep, not checked")
                continue
            self.ctx.depth += 1
            try:
                child = extract_bytes(data, filename, self.ctx)
            except BinaryContent:
                self.skipped += 1
                continue
            except UnsupportedFormat:
                self.doc.incomplete(f"{label}: format not supported, not checked")
                continue
            finally:
                self.ctx.depth -= 1
            self.doc.embed(label, child, sep="/" if child.kind in ARCHIVE_KINDS else " ")


def _decode_html(raw: bytes) -> str:
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096])
    if m:
        try:
            return raw.decode(m.group(1).decode(), "replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")
