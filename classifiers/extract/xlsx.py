"""xlsx: every sheet and cell (one location per cell), shared strings, numbers and dates
as a person reads them, cell comments, hidden sheets/rows/columns, pivot and link caches
(see office.py)."""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

from classifiers.extract.context import BudgetExceeded, Context
from classifiers.extract.ooxml import Reader, external_links, numbered
from classifiers.extract.xmlsafe import XmlHandler

_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def col_name(index: int) -> str:
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


def sheet_label(name: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", name):
        return name
    return "'" + name.replace("'", "''") + "'"


def number_text(value: str) -> str:
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
    def __init__(self, r: Reader, label: str, strings: list[str], counter: list[int],
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
                self._ref = f"{col_name(self._col)}{max(self._row, 1)}"
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
                value = number_text(raw.strip())
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


def read_xlsx(r: Reader) -> None:
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
        label = sheet_label(sheet_name)
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
    external_links(r, [rels[rid][1] for _, _, rid in wb.sheets if rid in rels])
    _cached_values(r, counter)


class _CachedValues(XmlHandler):
    """Values kept in pivot caches and external-link caches: ``v`` attributes of shared
    items and records (``s``, ``n``, ``d``, ``e``) and ``v`` elements of cached cells."""

    def __init__(self, r: Reader, counter: list[int]) -> None:
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
            self._emit(number_text(value) if name == "n" else value)
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
                self._emit(number_text(value))


_CACHE_PARTS = (
    (r"xl/pivotCache/pivotCacheDefinition(\d+)\.xml", "pivot cache {} fields"),
    (r"xl/pivotCache/pivotCacheRecords(\d+)\.xml", "pivot cache {} records"),
    (r"xl/externalLinks/externalLink(\d+)\.xml", "external link {} cache"),
)


def _cached_values(r: Reader, counter: list[int]) -> None:
    """Data a sheet no longer shows: a pivot table keeps a copy of its source rows (also
    after the source sheet is deleted), a link keeps the other workbook's values."""
    names = list(r.names)
    for pattern, label in _CACHE_PARTS:
        for number, part in numbered(names, pattern):
            r.doc.segment(label.format(number))
            start = r.doc.length
            r.parse(part, _CachedValues(r, counter))
            r.doc.mark_hidden(start, r.doc.length, "cached data")
