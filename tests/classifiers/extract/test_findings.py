"""End to end: secrets placed at known places in every format are found by the pattern
engine, at the offsets the extractor gave, with the location a person can use."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from email.message import EmailMessage
from pathlib import Path

import docx
import openpyxl
import pptx
import pytest

from classifiers.engine import Engine
from classifiers.extract import Limits, extract_path
from tests.classifiers.extract.pdf_fixtures import build_pdf, text_stream

TOKEN = "ghp_" + "Zx81Qp0LmN3vB7cT2yW9kR4sD6fH1jA5uE8g"  # synthetic
AWS = "AKIA" + "Z7VQ3MRT5XKJ2PLD"  # synthetic
CARD = "4111111111111111"


@pytest.fixture(scope="module")
def engine() -> Engine:
    from classifiers.detectors.pattern import PatternDetector
    from classifiers.rules import load_builtin_packs

    return Engine([PatternDetector(load_builtin_packs(("secrets", "financial")))])


def _docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("Deployment notes")
    d.add_paragraph(f"use token {TOKEN} for the bot")
    d.sections[0].footer.paragraphs[0].text = f"billing card {CARD}"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Keys"
    ws["B4"] = AWS
    ws["D9"] = int(CARD)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pptx() -> bytes:
    pres = pptx.Presentation()
    pres.slides.add_slide(pres.slide_layouts[1]).shapes.title.text = "Intro"
    slide = pres.slides.add_slide(pres.slide_layouts[1])
    slide.shapes.title.text = "Ops"
    slide.notes_slide.notes_text_frame.text = f"remember\n{TOKEN}"
    buf = io.BytesIO()
    pres.save(buf)
    return buf.getvalue()


def _pdf() -> bytes:
    return build_pdf([text_stream(["cover"]), text_stream(["keys", f"aws {AWS}"])])


def _zip() -> bytes:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("deep/config.env", f"A=1\nGITHUB_TOKEN={TOKEN}\n")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("inner.zip", inner.getvalue())
        zf.writestr("report.docx", _docx())
    return buf.getvalue()


def _tgz() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        body = f"line\nline\naws_access_key_id = {AWS}\n".encode()
        info = tarfile.TarInfo("home/u/.aws/credentials")
        info.size = len(body)
        tf.addfile(info, io.BytesIO(body))
    return gzip.compress(buf.getvalue())


def _eml() -> bytes:
    m = EmailMessage()
    m["Subject"] = "keys"
    m.set_content(f"hello\nthe key: {AWS}\n")
    m.add_attachment(_xlsx(), maintype="application", subtype="octet-stream",
                     filename="keys.xlsx")
    return m.as_bytes()


CASES = [
    ("notes.txt", f"one\ntwo\n{TOKEN}\n".encode(), {("GITHUB_TOKEN", "line 3")}),
    ("deploy.docx", _docx(), {("GITHUB_TOKEN", "body:2"), ("CREDIT_CARD", "footer 1:1")}),
    ("keys.xlsx", _xlsx(), {("AWS_ACCESS_KEY", "Keys!B4"), ("CREDIT_CARD", "Keys!D9")}),
    ("ops.pptx", _pptx(), {("GITHUB_TOKEN", "slide 2 notes:2")}),
    ("keys.pdf", _pdf(), {("AWS_ACCESS_KEY", "page 2:2")}),
    ("upload.zip", _zip(), {("GITHUB_TOKEN", "inner.zip/deep/config.env:2"),
                            ("GITHUB_TOKEN", "report.docx body:2"),
                            ("CREDIT_CARD", "report.docx footer 1:1")}),
    ("home.tar.gz", _tgz(), {("AWS_ACCESS_KEY", "home/u/.aws/credentials:3")}),
    ("mail.eml", _eml(), {("AWS_ACCESS_KEY", "body:2"),
                          ("AWS_ACCESS_KEY", "attachment keys.xlsx Keys!B4"),
                          ("CREDIT_CARD", "attachment keys.xlsx Keys!D9")}),
]


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_findings_in_every_format_carry_usable_locations(
    tmp_path: Path, engine: Engine, name: str, data: bytes, expected: set[tuple[str, str]]
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    extracted = extract_path(path, Limits(sandbox=False))
    text = extracted.text()
    result = engine.scan_stream(extracted.pieces)
    found = {(f.entity_type, extracted.locate(f.start, text)) for f in result.findings}
    assert found == expected
    for f in result.findings:
        assert text[f.start : f.end] == f.value
