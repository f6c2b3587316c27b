"""Hostile and broken files end quickly with complete=False and a note, never a hang."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from classifiers.extract import Limits, extract_path
from tests.classifiers.extract.office_fixtures import W_NS, minimal_docx

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
              for i in range(1, 10))
    + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
    "</w:body></w:document>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body>'
    "</w:document>"
)


def _save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _replace_document(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)
    return buf.getvalue()


@pytest.mark.parametrize("xml", [LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_docx_with_dtd_is_refused_quickly(tmp_path: Path, xml: str) -> None:
    started = time.monotonic()
    result = extract_path(_save(tmp_path, "evil.docx", _replace_document(xml)))
    assert time.monotonic() - started < 2
    assert not result.complete
    assert result.notes == ("word/document.xml: DTD or entity declaration, part not fully checked",)
    assert "lol" not in result.text() and "root:" not in result.text()


def _xlsx_with_cells(rows: int, cols: int) -> bytes:
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}"><v>{r * c}</v></c>' for c in range(cols))
        + "</row>"
        for r in range(1, rows + 1)
    )
    buf = io.BytesIO()
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
                    '<sheet name="Big" sheetId="1" r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels",
                    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                    'relationships"><Relationship Id="rId1" Type="x/worksheet" '
                    'Target="worksheets/sheet1.xml"/></Relationships>')
        zf.writestr("xl/worksheets/sheet1.xml",
                    f'<worksheet xmlns="{ns}"><sheetData>{cells}</sheetData></worksheet>')
    return buf.getvalue()


def _col(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def test_xlsx_cell_budget_stops_with_a_note(tmp_path: Path) -> None:
    path = _save(tmp_path, "big.xlsx", _xlsx_with_cells(200, 50))
    result = extract_path(path, Limits(max_cells=1_000))
    assert not result.complete
    assert result.notes == ("cell budget: stopped after 1,000 cells",)
    assert result.locate(result.text().rindex("\t") - 1) == "Big!AX20"


@pytest.mark.slow
def test_xlsx_with_a_million_cells_ends_within_the_time_budget(tmp_path: Path) -> None:
    path = _save(tmp_path, "million.xlsx", _xlsx_with_cells(20_000, 50))
    started = time.monotonic()
    result = extract_path(path)
    assert time.monotonic() - started < Limits().max_seconds
    assert not result.complete
    assert result.notes == ("cell budget: stopped after 250,000 cells",)


def test_time_budget_stops_office_parsing(tmp_path: Path) -> None:
    path = _save(tmp_path, "slow.xlsx", _xlsx_with_cells(400, 50))
    result = extract_path(path, Limits(max_seconds=0.0))
    assert not result.complete
    assert result.notes == ("time budget: stopped after 0 s",)


def test_truncated_docx_is_incomplete(tmp_path: Path) -> None:
    data = minimal_docx("<w:p><w:r><w:t>" + "words " * 5000 + "</w:t></w:r></w:p>")
    result = extract_path(_save(tmp_path, "cut.docx", data[: len(data) // 2]))
    assert not result.complete
    assert result.notes == ("damaged or truncated docx file, text not checked",)


def test_docx_with_malformed_xml_keeps_text_before_the_damage(tmp_path: Path) -> None:
    xml = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>first</w:t></w:r></w:p><w:p>'
    result = extract_path(_save(tmp_path, "bad.docx", _replace_document(xml + "<w:r></w:p>")))
    assert not result.complete
    assert result.notes == ("word/document.xml: malformed XML, part not fully checked",)
    assert "first" in result.text()


def test_docx_part_bomb_is_refused_by_ratio(tmp_path: Path) -> None:
    xml = (f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'
           + "a" * (30 * 2**20) + "</w:t></w:r></w:p></w:body></w:document>")
    result = extract_path(_save(tmp_path, "bomb.docx", _replace_document(xml)))
    assert not result.complete
    assert result.notes[0].startswith("compression ratio over 200:1 in word/document.xml")


def test_file_larger_than_the_document_limit_is_not_opened(tmp_path: Path) -> None:
    path = _save(tmp_path, "huge.docx", minimal_docx("<w:p/>"))
    result = extract_path(path, Limits(max_document_bytes=100))
    assert not result.complete
    assert result.notes[0].startswith("file too large to open as a document")
