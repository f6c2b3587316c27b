"""Office Open XML (.docx, .xlsx, .pptx) read directly from the zip with streaming XML.

Why not python-docx / openpyxl / python-pptx: they build a full object tree (lxml) of each
part, python-docx skips headers' hidden runs, comments and tracked deletions unless walked
by hand, openpyxl's read-only mode still loads shared strings and styles and does not give
comments, and none of them bounds decompression. Here every part is streamed through
``xmlsafe.parse_xml`` (expat, DTDs refused) from ``zipread.member_chunks`` (byte, ratio and
time budgets), so memory is bounded by the text kept and a bomb stops with a note.

Locations: docx ``body:<paragraph>``, ``header 1``, ``footer 1``, ``footnotes``,
``endnotes``, ``comments``; xlsx ``Sheet1!C7`` (one segment per cell) and
``Sheet1!C7 comment``; pptx ``slide 3`` and ``slide 3 notes``; all formats
``document properties`` (core, app and custom properties, sensitivity labels as
``MSIP_Label_<guid>_Name = Confidential`` lines); embedded packages (``*/embeddings/``, an
Excel sheet inside a Word file) as ``embedded Microsoft_Excel_Worksheet.xlsx Sheet1!B2``;
embedded legacy OLE objects are noted as not checked.

Hidden text: docx runs with ``w:vanish`` (``docx vanish``), white font colour
(``white text``), size of 1 pt or less (``tiny text``), directly or through a character
or paragraph style (``basedOn`` chains followed), and tracked deletions; xlsx hidden and
very hidden sheets (``hidden sheet``), hidden rows and columns, the values kept in pivot
caches and external-link caches (``cached data``: a pivot table keeps its source rows
even after the source sheet is deleted); pptx slides with
``show="0"`` (``hidden slide``). External hyperlink targets (URLs can carry tokens) are
listed in a ``links`` segment.
"""

from __future__ import annotations

import datetime as _dt
import io
import posixpath
import re
import zipfile
from decimal import Decimal, InvalidOperation

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.xmlsafe import XmlHandler, XmlRefused, parse_xml
from classifiers.extract.zipread import ZIP_DAMAGE, member_chunks

_OFF = {"0", "false", "off"}


def extract_office(data: bytes, name: str, kind: str, ctx: Context) -> DocBuilder:
    doc = DocBuilder()
    doc.segment("")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_DAMAGE:
        doc.incomplete(f"damaged or truncated {kind} file, text not checked")
        return doc
    with zf:
        if len(zf.infolist()) > ctx.limits.max_entries:
            doc.incomplete(f"{kind} file has more than {ctx.limits.max_entries:,} parts, "
                           "not checked")
            return doc
        reader = _Reader(zf, ctx, doc)
        try:
            reader.properties()
            if kind == "docx":
                _docx(reader)
            elif kind == "xlsx":
                _xlsx(reader)
            else:
                _pptx(reader)
            _embedded(reader)
        except BudgetExceeded as exc:
            doc.incomplete(exc.note)
    return doc


class _Reader:
    def __init__(self, zf: zipfile.ZipFile, ctx: Context, doc: DocBuilder) -> None:
        self.zf = zf
        self.ctx = ctx
        self.doc = doc
        self.names = {i.filename: i for i in zf.infolist()}

    def parse(self, part: str, handler: XmlHandler) -> bool:
        """Parse one part; a damaged part becomes a note. False when it is missing."""
        info = self.names.get(part)
        if info is None:
            return False
        try:
            parse_xml(member_chunks(self.zf, info, self.ctx), handler, self.ctx.check_time)
        except XmlRefused as exc:
            self.doc.incomplete(f"{part}: {exc}, part not fully checked")
        except ZIP_DAMAGE as exc:
            self.doc.incomplete(f"{part}: damaged ({type(exc).__name__}), part not checked")
        return True

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of ``part``."""
        folder, base = posixpath.split(part)
        handler = _Rels()
        self.parse(posixpath.join(folder, "_rels", base + ".rels"), handler)
        out = {}
        for rid, (rtype, target, external) in handler.rels.items():
            if external:
                continue
            if target.startswith("/"):
                full = target.lstrip("/")
            else:
                full = posixpath.normpath(posixpath.join(folder, target))
            out[rid] = (rtype, full)
        return out

    def properties(self) -> None:
        handler = _Props()
        for part in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml",
                     "docMetadata/LabelInfo.xml"):
            self.parse(part, handler)
        if handler.lines:
            self.doc.segment("document properties")
            self.doc.write("\n".join(handler.lines) + "\n")


_EMBED_DIRS = ("word/embeddings/", "xl/embeddings/", "ppt/embeddings/")


def _embedded(r: _Reader) -> None:
    """Embedded packages (an Excel sheet in a Word file...), read like files."""
    from classifiers.extract.dispatch import ARCHIVE_KINDS, extract_bytes
    from classifiers.extract.errors import BinaryContent, UnsupportedFormat
    from classifiers.extract.zipread import read_member

    ctx = r.ctx
    for part, info in r.names.items():
        if not part.startswith(_EMBED_DIRS) or info.file_size == 0:
            continue
        base = posixpath.basename(part)
        label = f"embedded {base}"
        if ctx.depth >= ctx.limits.max_depth:
            r.doc.incomplete(f"{label}: nested too deep, not checked")
            continue
        try:
            data = read_member(r.zf, info, ctx)
        except ZIP_DAMAGE as exc:
            r.doc.incomplete(f"{label}: damaged ({type(exc).__name__}), not checked")
            continue
        ctx.depth += 1
        try:
            child = extract_bytes(data, base, ctx)
        except BinaryContent:
            continue
        except UnsupportedFormat:
            r.doc.incomplete(f"{label}: embedded object format not supported, not checked")
            continue
        finally:
            ctx.depth -= 1
        r.doc.embed(label, child, sep="/" if child.kind in ARCHIVE_KINDS else " ")


class _Rels(XmlHandler):
    def __init__(self) -> None:
        self.rels: dict[str, tuple[str, str, bool]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship" and "Id" in attrs:
            self.rels[attrs["Id"]] = (
                attrs.get("Type", ""),
                attrs.get("Target", ""),
                attrs.get("TargetMode", "") == "External",
            )


# Author fields (creator, lastModifiedBy, Manager) are left out on purpose: every Office
# file names its author, so they would make a PERSON finding of every upload; what the
# properties are read for is markings (title, subject, keywords, category, custom
# properties, sensitivity labels).
_CORE_SKIP = {"created", "modified", "lastPrinted", "revision", "coreProperties",
              "creator", "lastModifiedBy"}
_APP_KEEP = {"Company", "HyperlinkBase"}


class _Props(XmlHandler):
    """core.xml / app.xml / custom.xml / LabelInfo.xml as ``name = value`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._custom: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self._stack.append(name)
        self._text = []
        if name == "property" and "name" in attrs:
            self._custom = attrs["name"]
        elif name == "label" and "id" in attrs:
            guid = attrs["id"].strip("{}")
            for key in ("enabled", "method", "siteId", "contentBits", "removed"):
                if key in attrs:
                    self.lines.append(f"MSIP_Label_{guid}_{key[0].upper()}{key[1:]} = "
                                      f"{attrs[key]}")

    def data(self, text: str) -> None:
        if len(self._text) < 64:
            self._text.append(text)

    def end(self, name: str) -> None:
        self._stack.pop() if self._stack else None
        value = "".join(self._text).strip().replace("\n", " ")[:4096]
        self._text = []
        if not value:
            if name == "property":
                self._custom = None
            return
        if self._custom is not None and name != "property":
            self.lines.append(f"{self._custom} = {value}")
            self._custom = None
        elif self._custom is None and name not in _CORE_SKIP and (
            not self._stack or self._stack[-1] in ("coreProperties", "Properties")
        ):
            if self._stack and self._stack[-1] == "Properties" and name not in _APP_KEEP:
                return
            self.lines.append(f"{name} = {value}")


# --------------------------------------------------------------------------- docx


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
    if name == "vanish" and (val is None or val.lower() not in _OFF):
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


def _numbered(names: list[str], pattern: str) -> list[tuple[int, str]]:
    rx = re.compile(pattern)
    out = []
    for n in names:
        m = rx.fullmatch(n)
        if m:
            out.append((int(m.group(1) or 0), n))
    return sorted(out)


def _docx(r: _Reader) -> None:
    names = list(r.names)
    parts: list[tuple[str, str]] = [("body", "word/document.xml")]
    parts += [(f"header {i}", n) for i, n in _numbered(names, r"word/header(\d*)\.xml")]
    parts += [(f"footer {i}", n) for i, n in _numbered(names, r"word/footer(\d*)\.xml")]
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
    _external_links(r, [part for _, part in parts], field_links)


_HYPERLINK_FIELD = re.compile(r'HYPERLINK\s+"([^"]+)"')


def _external_links(r: _Reader, parts: list[str], extra: list[str] | None = None) -> None:
    """Hyperlink targets (URLs can carry tokens and signed query strings)."""
    targets: list[str] = [t[:8192] for t in dict.fromkeys(extra or [])]
    for part in parts:
        if part not in r.names:
            continue
        folder, base = posixpath.split(part)
        handler = _Rels()
        r.parse(posixpath.join(folder, "_rels", base + ".rels"), handler)
        for rtype, target, external in handler.rels.values():
            if external and rtype.endswith("/hyperlink") and target not in targets:
                targets.append(target[:8192])
    if targets:
        r.doc.segment("links")
        r.doc.write("\n".join(targets) + "\n")


# --------------------------------------------------------------------------- xlsx

_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def _col_name(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _sheet_label(name: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _number(value: str) -> str:
    """Numbers as a person would type them: 4.111111111111111E+15 -> 4111111111111111."""
    if "E" not in value and "e" not in value:
        return value[:-2] if value.endswith(".0") else value
    try:
        d = Decimal(value)
    except InvalidOperation:
        return value
    if d == d.to_integral_value() and abs(d) < Decimal("1e30"):
        return str(int(d))
    return value


class _Workbook(XmlHandler):
    def __init__(self) -> None:
        self.sheets: list[tuple[str, str, str]] = []  # name, state, rid
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sheet":
            self.sheets.append(
                (attrs.get("name", "?"), attrs.get("state", "visible"), attrs.get("rel:id", ""))
            )
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "0").lower() in ("1", "true")


# Built-in number formats that show dates/times (ECMA-376 Part 1, 18.8.30).
_DATE_FORMATS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50,
                           57})
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class _CellStyles(XmlHandler):
    """xl/styles.xml: which cell style indexes (``s``) show a number as a date."""

    def __init__(self) -> None:
        self.custom_dates: set[int] = set()
        self.xf_formats: list[int] = []
        self._in_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "numFmt":
            code = _QUOTED.sub("", attrs.get("formatCode", "")).lower()
            if any(ch in code for ch in "dmy") and "general" not in code:
                try:
                    self.custom_dates.add(int(attrs.get("numFmtId", "")))
                except ValueError:
                    pass
        elif name == "cellXfs":
            self._in_xfs = True
        elif name == "xf" and self._in_xfs and len(self.xf_formats) < 65_536:
            try:
                self.xf_formats.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                self.xf_formats.append(0)

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self._in_xfs = False

    def date_styles(self) -> frozenset[int]:
        dates = _DATE_FORMATS | self.custom_dates
        return frozenset(i for i, fmt in enumerate(self.xf_formats) if fmt in dates)


def _serial_date(value: str, date1904: bool) -> str:
    """An Excel date serial as ISO 8601 (``1980-01-02``, with the time when not midnight)."""
    try:
        serial = float(value)
    except ValueError:
        return value
    if not 1 <= serial < 2_958_466:  # 9999-12-31
        return value
    if date1904:
        base = _dt.datetime(1904, 1, 1)
    else:
        base = _dt.datetime(1899, 12, 31)
        if serial >= 60:  # Excel's phantom 1900-02-29
            serial -= 1
    moment = base + _dt.timedelta(seconds=round(serial * 86_400))
    if moment.time() == _dt.time(0):
        return moment.date().isoformat()
    return moment.isoformat(sep=" ")


class _SharedStrings(XmlHandler):
    def __init__(self, ctx: Context) -> None:
        self.strings: list[str] = []
        self._buf: list[str] = []
        self._in_t = False
        self._skip = 0
        self._ctx = ctx

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            self._buf = []
        elif name == "t" and not self._skip:
            self._in_t = True
        elif name in ("rPh", "phoneticPr"):
            self._skip += 1

    def end(self, name: str) -> None:
        if name == "si":
            self.strings.append("".join(self._buf))
            if len(self.strings) > 4 * self._ctx.limits.max_cells:
                raise BudgetExceeded(
                    f"cell budget: more than {4 * self._ctx.limits.max_cells:,} shared strings"
                )
        elif name == "t":
            self._in_t = False
        elif name in ("rPh", "phoneticPr"):
            self._skip = max(0, self._skip - 1)

    def data(self, text: str) -> None:
        if self._in_t:
            self._buf.append(text)


class _Sheet(XmlHandler):
    def __init__(self, r: _Reader, label: str, strings: list[str], counter: list[int],
                 dates: frozenset[int] = frozenset(), date1904: bool = False) -> None:
        self.dates = dates
        self.date1904 = date1904
        self._style = 0
        self.doc = r.doc
        self.ctx = r.ctx
        self.label = label
        self.strings = strings
        self.counter = counter
        self._row = 0
        self._col = -1
        self._ref = ""
        self._type = ""
        self._buf: list[str] = []
        self._in_v = False
        self._in_is = False
        self._row_written = False
        self._row_hidden = False
        self._hidden_cols: set[int] = set()

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            r = attrs.get("r")
            self._row = int(r) if r and r.isdigit() else self._row + 1
            self._col = -1
            self._row_hidden = attrs.get("hidden", "0").lower() in ("1", "true")
        elif name == "col" and attrs.get("hidden", "0").lower() in ("1", "true"):
            try:
                lo, hi = int(attrs.get("min", "0")), int(attrs.get("max", "0"))
            except ValueError:
                return
            self._hidden_cols.update(range(max(lo, 1) - 1, min(hi, 16_384)))
        elif name == "c":
            ref = attrs.get("r", "")
            m = _REF.fullmatch(ref)
            if m:
                self._col = _col_index(m.group(1))
                self._ref = ref
            else:
                self._col += 1
                self._ref = f"{_col_name(self._col)}{max(self._row, 1)}"
            self._type = attrs.get("t", "n")
            style = attrs.get("s")
            self._style = int(style) if style and style.isdigit() else 0
            self._buf = []
        elif name == "v":
            self._in_v = True
        elif name == "is":
            self._in_is = True
        elif name == "t" and self._in_is:
            self._in_v = True

    def data(self, text: str) -> None:
        if self._in_v:
            self._buf.append(text)

    def end(self, name: str) -> None:
        if name == "v" or (name == "t" and self._in_is):
            self._in_v = False
        elif name == "is":
            self._in_is = False
        elif name == "c":
            self._cell("".join(self._buf))
        elif name == "row" and self._row_written:
            self.doc.write("\n")
            self._row_written = False

    def _cell(self, raw: str) -> None:
        t = self._type
        if t == "s":
            try:
                value = self.strings[int(raw)]
            except (ValueError, IndexError):
                value = ""
        elif t == "b":
            value = "TRUE" if raw.strip() == "1" else "FALSE" if raw else ""
        elif t in ("n", ""):
            if self._style in self.dates and raw.strip():
                value = _serial_date(raw.strip(), self.date1904)
            else:
                value = _number(raw.strip())
        else:
            value = raw
        if not value:
            return
        self.counter[0] += 1
        if self.counter[0] > self.ctx.limits.max_cells:
            raise BudgetExceeded(
                f"cell budget: stopped after {self.ctx.limits.max_cells:,} cells"
            )
        self.doc.segment(f"{self.label}!{self._ref}", line_base=False)
        start = self.doc.length
        self.doc.write(value + "\t")
        self._row_written = True
        if self._row_hidden:
            self.doc.mark_hidden(start, start + len(value), "hidden row")
        elif self._col in self._hidden_cols:
            self.doc.mark_hidden(start, start + len(value), "hidden column")


class _Comments(XmlHandler):
    def __init__(self) -> None:
        self.comments: list[tuple[str, str]] = []
        self._ref: str | None = None
        self._buf: list[str] = []
        self._in_t = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "comment":
            self._ref = attrs.get("ref", "")
            self._buf = []
        elif name == "t" and self._ref is not None:
            self._in_t = True

    def end(self, name: str) -> None:
        if name == "t":
            self._in_t = False
        elif name == "comment" and self._ref is not None:
            self.comments.append((self._ref, "".join(self._buf)))
            self._ref = None

    def data(self, text: str) -> None:
        if self._in_t and sum(map(len, self._buf)) < 1_000_000:
            self._buf.append(text)


def _xlsx(r: _Reader) -> None:
    wb = _Workbook()
    r.parse("xl/workbook.xml", wb)
    rels = r.rels("xl/workbook.xml")
    strings = _SharedStrings(r.ctx)
    for _rtype, target in rels.values():
        if target.endswith("sharedStrings.xml"):
            r.parse(target, strings)
            break
    else:
        r.parse("xl/sharedStrings.xml", strings)
    styles = _CellStyles()
    for rtype, target in rels.values():
        if rtype.endswith("/styles"):
            r.parse(target, styles)
            break
    dates = styles.date_styles()
    counter = [0]
    for sheet_name, state, rid in wb.sheets:
        target = rels.get(rid, ("", ""))[1]
        if not target:
            continue
        label = _sheet_label(sheet_name)
        start = r.doc.length
        r.doc.segment(label)
        r.parse(target, _Sheet(r, label, strings.strings, counter, dates, wb.date1904))
        for rtype, ctarget in r.rels(target).values():
            if rtype.endswith("/comments"):
                comments = _Comments()
                r.parse(ctarget, comments)
                for ref, text in comments.comments:
                    r.doc.segment(f"{label}!{ref} comment")
                    r.doc.write(text + "\n")
        if state in ("hidden", "veryHidden"):
            r.doc.hidden[:] = [h for h in r.doc.hidden if h.end <= start]
            r.doc.mark_hidden(start, r.doc.length, "hidden sheet")
    _external_links(r, [rels[rid][1] for _, _, rid in wb.sheets if rid in rels])
    _cached_values(r, counter)


class _CachedValues(XmlHandler):
    """Values kept in pivot caches and external-link caches: ``v`` attributes of shared
    items and records (``s``, ``n``, ``d``, ``e``) and ``v`` elements of cached cells."""

    def __init__(self, r: _Reader, counter: list[int]) -> None:
        self.doc = r.doc
        self.ctx = r.ctx
        self.counter = counter
        self._in_v = False
        self._buf: list[str] = []

    def _emit(self, value: str) -> None:
        self.counter[0] += 1
        if self.counter[0] > self.ctx.limits.max_cells:
            raise BudgetExceeded(
                f"cell budget: stopped after {self.ctx.limits.max_cells:,} cells"
            )
        self.doc.write(value + "\n")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name in ("s", "n", "d", "e") and "v" in attrs:
            value = attrs["v"]
            self._emit(_number(value) if name == "n" else value)
        elif name == "v":
            self._in_v = True
            self._buf = []

    def data(self, text: str) -> None:
        if self._in_v:
            self._buf.append(text)

    def end(self, name: str) -> None:
        if name == "v" and self._in_v:
            self._in_v = False
            value = "".join(self._buf).strip()
            if value:
                self._emit(_number(value))


_CACHE_PARTS = (
    (r"xl/pivotCache/pivotCacheDefinition(\d+)\.xml", "pivot cache {} fields"),
    (r"xl/pivotCache/pivotCacheRecords(\d+)\.xml", "pivot cache {} records"),
    (r"xl/externalLinks/externalLink(\d+)\.xml", "external link {} cache"),
)


def _cached_values(r: _Reader, counter: list[int]) -> None:
    """Data a sheet no longer shows: a pivot table keeps a copy of its source rows (also
    after the source sheet is deleted), a link keeps the other workbook's values."""
    names = list(r.names)
    for pattern, label in _CACHE_PARTS:
        for number, part in _numbered(names, pattern):
            r.doc.segment(label.format(number))
            start = r.doc.length
            r.parse(part, _CachedValues(r, counter))
            r.doc.mark_hidden(start, r.doc.length, "cached data")


# --------------------------------------------------------------------------- pptx


class _Slide(XmlHandler):
    def __init__(self, doc: DocBuilder) -> None:
        self.doc = doc
        self._in_t = False
        self.hidden = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "t":
            self._in_t = True
        elif name == "br":
            self.doc.write("\n")
        elif name == "sld" and attrs.get("show", "1").lower() in _OFF:
            self.hidden = True

    def end(self, name: str) -> None:
        if name == "t":
            self._in_t = False
        elif name == "p":
            self.doc.write("\n")

    def data(self, text: str) -> None:
        if self._in_t:
            self.doc.write(text)


class _SlideList(XmlHandler):
    def __init__(self) -> None:
        self.rids: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sldId" and "rel:id" in attrs:
            self.rids.append(attrs["rel:id"])


def _pptx(r: _Reader) -> None:
    order = _SlideList()
    r.parse("ppt/presentation.xml", order)
    rels = r.rels("ppt/presentation.xml")
    slides = [rels[rid][1] for rid in order.rids if rid in rels]
    if not slides:
        slides = [n for _, n in _numbered(list(r.names), r"ppt/slides/slide(\d+)\.xml")]
    if len(slides) > r.ctx.limits.max_slides:
        r.doc.incomplete(f"slide budget: only the first {r.ctx.limits.max_slides:,} slides read")
        slides = slides[: r.ctx.limits.max_slides]
    for number, part in enumerate(slides, start=1):
        start = r.doc.length
        r.doc.segment(f"slide {number}")
        handler = _Slide(r.doc)
        r.parse(part, handler)
        for rtype, target in r.rels(part).values():
            if rtype.endswith("/notesSlide"):
                r.doc.segment(f"slide {number} notes")
                r.parse(target, _Slide(r.doc))
        if handler.hidden:
            r.doc.mark_hidden(start, r.doc.length, "hidden slide")
    _external_links(r, slides)
