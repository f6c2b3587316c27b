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

import io
import zipfile

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder
from classifiers.extract.docx import read_docx
from classifiers.extract.ooxml import Reader, embedded
from classifiers.extract.pptx import read_pptx
from classifiers.extract.xlsx import read_xlsx
from classifiers.extract.zipread import ZIP_DAMAGE


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
        reader = Reader(zf, ctx, doc)
        try:
            reader.properties()
            if kind == "docx":
                read_docx(reader)
            elif kind == "xlsx":
                read_xlsx(reader)
            else:
                read_pptx(reader)
            embedded(reader)
        except BudgetExceeded as exc:
            doc.incomplete(exc.note)
    return doc
