"""docx: body, tables, headers, footers, footnotes, endnotes, comments, tracked changes,
hidden text (direct or through styles) and hyperlink targets (see office.py)."""

from __future__ import annotations

import re

from classifiers.extract.context import DocBuilder
from classifiers.extract.ooxml import OFF, Reader, external_links, numbered
from classifiers.extract.xmlsafe import XmlHandler


class _Styles(XmlHandler):
    """word/styles.xml: which character/paragraph styles hide text (vanish, white)."""

    def __init__(self) -> None:
        self.hiding: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self._style: str | None = None
        self._in_rpr = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "style":
            self._style = attrs.get("styleId")
        elif self._style is None:
            return
        elif name == "basedOn" and "val" in attrs:
            self.based_on[self._style] = attrs["val"]
        elif name == "rPr":
            self._in_rpr = True
        elif self._in_rpr:
            reason = _hiding_property(name, attrs.get("val"))
            if reason and self._style not in self.hiding:
                self.hiding[self._style] = reason

    def end(self, name: str) -> None:
        if name == "rPr":
            self._in_rpr = False
        elif name == "style":
            self._style = None

    def resolve(self) -> dict[str, str]:
        """Style id -> reason, following basedOn chains (at most 16 steps)."""
        out = {}
        for style in set(self.based_on) | set(self.hiding):
            cur: str | None = style
            for _ in range(16):
                if cur is None:
                    break
                if cur in self.hiding:
                    out[style] = self.hiding[cur]
                    break
                cur = self.based_on.get(cur)
        return out


def _hiding_property(name: str, val: str | None) -> str | None:
    if name == "vanish" and (val is None or val.lower() not in OFF):
        return "docx vanish"
    if name == "color" and val and val.upper() == "FFFFFF":
        return "white text"
    if name == "sz" and val and val.isdigit() and int(val) <= 2:
        return "tiny text"
    return None


class _Docx(XmlHandler):
    def __init__(self, doc: DocBuilder, styles: dict[str, str] | None = None) -> None:
        self.doc = doc
        self.styles = styles or {}
        self._in_r = False
        self._in_rpr = False
        self._in_t = False
        self._del = 0
        self._flags: str | None = None
        self._shown = False  # the run explicitly turns vanish off
        self._rstyle: str | None = None
        self._pstyle: str | None = None
        self._in_instr = False
        self.instr: list[str] = []  # field codes: HYPERLINK "url" targets live here

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "r":
            self._in_r = True
            self._flags = None
            self._shown = False
            self._rstyle = None
        elif name == "rPr" and self._in_r:
            self._in_rpr = True
        elif name == "pStyle" and not self._in_r:
            self._pstyle = attrs.get("val")
        elif self._in_rpr:
            val = attrs.get("val")
            if name == "rStyle":
                self._rstyle = val
                return
            reason = _hiding_property(name, val)
            if reason == "docx vanish" or (reason and not self._flags):
                self._flags = reason
            elif name == "vanish":
                self._shown = True
        elif name in ("t", "delText"):
            self._in_t = True
        elif name == "instrText":
            self._in_instr = True
            self.instr.append("")
        elif name == "del":
            self._del += 1
        elif self._in_r and name == "tab":
            self._write("\t")
        elif self._in_r and name in ("br", "cr"):
            self._write("\n")
        elif self._in_r and name == "noBreakHyphen":
            self._write("-")

    def end(self, name: str) -> None:
        if name in ("t", "delText"):
            self._in_t = False
        elif name == "instrText":
            self._in_instr = False
        elif name == "rPr":
            self._in_rpr = False
        elif name == "r":
            self._in_r = False
            self._flags = None
            self._rstyle = None
        elif name == "p":
            self.doc.write("\n")
            self._pstyle = None
        elif name == "del":
            self._del = max(0, self._del - 1)

    def data(self, text: str) -> None:
        if self._in_t:
            self._write(text)
        elif self._in_instr and len(self.instr) < 10_000 and len(self.instr[-1]) < 8192:
            self.instr[-1] += text

    def _write(self, text: str) -> None:
        reason = self._flags
        if reason is None and not self._shown and self.styles:
            reason = self.styles.get(self._rstyle or "") or self.styles.get(self._pstyle or "")
        if reason is None and self._del:
            reason = "tracked deletion"
        if reason:
            self.doc.write_hidden(text, reason)
        else:
            self.doc.write(text)


def read_docx(r: Reader) -> None:
    names = list(r.names)
    parts: list[tuple[str, str]] = [("body", "word/document.xml")]
    parts += [(f"header {i}", n) for i, n in numbered(names, r"word/header(\d*)\.xml")]
    parts += [(f"footer {i}", n) for i, n in numbered(names, r"word/footer(\d*)\.xml")]
    for label in ("footnotes", "endnotes", "comments"):
        parts.append((label, f"word/{label}.xml"))
    styles = _Styles()
    r.parse("word/styles.xml", styles)
    hiding = styles.resolve()
    field_links: list[str] = []
    for label, part in parts:
        if part not in r.names:
            continue
        r.doc.segment(label)
        handler = _Docx(r.doc, hiding)
        r.parse(part, handler)
        field_links += [m.group(1) for code in handler.instr
                        for m in _HYPERLINK_FIELD.finditer(code)]
    external_links(r, [part for _, part in parts], field_links)


_HYPERLINK_FIELD = re.compile(r'HYPERLINK\s+"([^"]+)"')
