"""OpenDocument (.odt, .ods, .odp) read like OOXML: zip + streaming expat, same budgets.

Locations: odt ``body:<paragraph>``; ods ``Sheet1!C7`` (one segment per cell; numbers
from ``office:value``, so a card number in a numeric cell keeps its digits); odp
``slide 3`` and ``slide 3 notes``; all ``document properties`` (meta.xml, including
user-defined properties such as ``MSIP_Label_<guid>_Name = Confidential``).

Hidden: ``text:hidden-text`` / ``text:hidden-paragraph`` (``odf hidden text``), sheets
whose table style has ``table:display="false"`` (``hidden sheet``), rows and columns with
``table:visibility="collapse"`` (``hidden row`` / ``hidden column``).
"""

from __future__ import annotations

import io
import zipfile

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.ooxml import Reader
from classifiers.extract.xlsx import col_name, number_text, sheet_label
from classifiers.extract.xmlsafe import XmlHandler
from classifiers.extract.zipread import ZIP_DAMAGE

_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
_PARA = frozenset({"p", "h"})
_MAX_REPEAT = 16_384


def odf_kind(zf: zipfile.ZipFile) -> str | None:
    try:
        info = zf.getinfo("mimetype")
        if info.file_size > 200:
            return None
        return _MIMETYPES.get(zf.read(info).strip())
    except (KeyError, *ZIP_DAMAGE):
        return None


def extract_odf(data: bytes, name: str, kind: str, ctx: Context) -> DocBuilder:
    doc = DocBuilder()
    doc.segment("")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_DAMAGE:
        doc.incomplete(f"damaged or truncated {kind} file, text not checked")
        return doc
    with zf:
        reader = Reader(zf, ctx, doc)
        try:
            meta = _Meta()
            reader.parse("meta.xml", meta)
            if meta.lines:
                doc.segment("document properties")
                doc.write("\n".join(meta.lines) + "\n")
            styles = _HiddenTableStyles()
            try:
                reader.parse("content.xml", styles)
            except _Stop:
                pass
            if kind == "ods":
                reader.parse("content.xml", _Spreadsheet(reader, styles.hidden))
            else:
                doc.segment("body")
                reader.parse("content.xml", _Text(doc, kind))
        except BudgetExceeded as exc:
            doc.incomplete(exc.note)
    return doc


class _Meta(XmlHandler):
    _KEEP = frozenset({"title", "subject", "keyword", "description"})  # no author names

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._name: str | None = None
        self._buf: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self._buf = []
        if name == "user-defined":
            self._name = attrs.get("name", "")
        elif name in self._KEEP:
            self._name = name

    def data(self, text: str) -> None:
        if self._name is not None and len(self._buf) < 64:
            self._buf.append(text)

    def end(self, name: str) -> None:
        if self._name is not None and (name == "user-defined" or name in self._KEEP):
            value = " ".join("".join(self._buf).split())[:4096]
            if value:
                self.lines.append(f"{self._name} = {value}")
            self._name = None


class _HiddenTableStyles(XmlHandler):
    """Automatic table styles with ``table:display="false"`` (hidden sheets)."""

    def __init__(self) -> None:
        self.hidden: set[str] = set()
        self._style: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "style" and attrs.get("family") == "table":
            self._style = attrs.get("name")
        elif name == "table-properties" and self._style and attrs.get("display") == "false":
            self.hidden.add(self._style)
        elif name == "body":
            raise _Stop

    def end(self, name: str) -> None:
        if name == "style":
            self._style = None


class _Stop(BudgetExceeded):
    """Internal: enough of the part was read."""

    def __init__(self) -> None:
        super().__init__("")


class _Text(XmlHandler):
    """odt body and odp slides: paragraphs become lines."""

    def __init__(self, doc: DocBuilder, kind: str) -> None:
        self.doc = doc
        self.kind = kind
        self._in_body = False
        self._hidden = 0
        self._slide = 0
        self._depth_p = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in ("text", "presentation") and not self._in_body:
            self._in_body = True
        elif not self._in_body:
            return
        elif name == "page" and self.kind == "odp":
            self._slide += 1
            self.doc.segment(f"slide {self._slide}")
        elif name == "notes" and self.kind == "odp":
            self.doc.segment(f"slide {self._slide} notes")
        elif name in ("hidden-text", "hidden-paragraph"):
            self._hidden += 1
            if name == "hidden-text" and attrs.get("string-value"):
                self.doc.write_hidden(attrs["string-value"], "odf hidden text")
        elif name in _PARA:
            self._depth_p += 1
        elif name == "s":
            self._write(" " * min(_int(attrs.get("c"), 1), 1000))
        elif name == "tab":
            self._write("\t")
        elif name == "line-break":
            self._write("\n")

    def end(self, name: str) -> None:
        if not self._in_body:
            return
        if name in _PARA and self._depth_p:
            self._depth_p -= 1
            self._write("\n")
        elif name == "hidden-paragraph" and self._hidden:
            self._hidden -= 1
        elif name == "hidden-text" and self._hidden:
            self._hidden -= 1

    def data(self, text: str) -> None:
        if self._depth_p:
            self._write(text)

    def _write(self, text: str) -> None:
        if self._hidden:
            self.doc.write_hidden(text, "odf hidden text")
        else:
            self.doc.write(text)


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value)) if value is not None else default
    except ValueError:
        return default


class _Spreadsheet(XmlHandler):
    def __init__(self, r: Reader, hidden_styles: set[str]) -> None:
        self.doc = r.doc
        self.ctx = r.ctx
        self.hidden_styles = hidden_styles
        self.cells = 0
        self._label = ""
        self._sheet_start = 0
        self._sheet_hidden = False
        self._row = 0
        self._col = 0
        self._row_hidden = False
        self._hidden_cols: set[int] = set()
        self._col_count = 0
        self._cell: dict[str, str] | None = None
        self._buf: list[str] = []
        self._in_p = 0
        self._row_repeat = 1

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "table":
            self._label = sheet_label(attrs.get("name", "Sheet"))
            self._sheet_start = self.doc.length
            self._sheet_hidden = attrs.get("style-name", "") in self.hidden_styles
            self._row = 0
            self._hidden_cols = set()
            self._col_count = 0
            self.doc.segment(self._label)
        elif name == "table-column":
            n = min(_int(attrs.get("number-columns-repeated"), 1), _MAX_REPEAT)
            if attrs.get("visibility") in ("collapse", "filter"):
                self._hidden_cols.update(range(self._col_count, self._col_count + n))
            self._col_count += n
        elif name == "table-row":
            self._row += 1
            self._col = 0
            self._row_repeat = _int(attrs.get("number-rows-repeated"), 1)
            self._row_hidden = attrs.get("visibility") in ("collapse", "filter")
        elif name in ("table-cell", "covered-table-cell"):
            self._cell = attrs
            self._buf = []
        elif name in _PARA and self._cell is not None:
            if self._buf:
                self._buf.append("\n")
            self._in_p += 1
        elif name == "s" and self._in_p:
            self._buf.append(" " * min(_int(attrs.get("c"), 1), 1000))

    def data(self, text: str) -> None:
        if self._in_p and len(self._buf) < 10_000:
            self._buf.append(text)

    def end(self, name: str) -> None:
        if name in _PARA and self._in_p:
            self._in_p -= 1
        elif name in ("table-cell", "covered-table-cell") and self._cell is not None:
            attrs = self._cell
            self._cell = None
            repeat = _int(attrs.get("number-columns-repeated"), 1)
            value = _cell_value(attrs, "".join(self._buf))
            if value:
                self._emit(value)
            self._col += repeat
        elif name == "table-row":
            self._row += self._row_repeat - 1
            if self._col:
                self.doc.write("\n")
        elif name == "table" and self._sheet_hidden:
            self.doc.hidden[:] = [h for h in self.doc.hidden if h.end <= self._sheet_start]
            self.doc.mark_hidden(self._sheet_start, self.doc.length, "hidden sheet")

    def _emit(self, value: str) -> None:
        self.cells += 1
        if self.cells > self.ctx.limits.max_cells:
            raise BudgetExceeded(f"cell budget: stopped after {self.ctx.limits.max_cells:,} cells")
        self.doc.segment(f"{self._label}!{col_name(self._col)}{self._row}", line_base=False)
        start = self.doc.length
        self.doc.write(value + "\t")
        if self._row_hidden:
            self.doc.mark_hidden(start, start + len(value), "hidden row")
        elif self._col in self._hidden_cols:
            self.doc.mark_hidden(start, start + len(value), "hidden column")


def _cell_value(attrs: dict[str, str], shown: str) -> str:
    vtype = attrs.get("value-type", "")
    if vtype in ("float", "currency", "percentage") and attrs.get("value"):
        return number_text(attrs["value"])
    if vtype == "date" and attrs.get("date-value"):
        return attrs["date-value"].replace("T00:00:00", "").replace("T", " ")
    return shown
