"""Fuzzing every extractor: mutated and random files never raise anything but a one-line
ExtractionError, and every result is well-formed (segments ordered from 0, spans in bounds).

A short run is part of the normal suite; ``-m slow`` runs many more examples.
"""

from __future__ import annotations

import bz2
import gzip
import io
import zipfile
from email.message import EmailMessage

import docx
import openpyxl
import pptx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifiers.extract import ExtractedText, ExtractionError, Limits, extract_bytes_as_text
from tests.classifiers.extract.msg_fixtures import msg_storage, write_cfb
from tests.classifiers.extract.pdf_fixtures import build_pdf, text_stream
from tests.classifiers.extract.test_odf import _odf

LIMITS = Limits(sandbox=False, max_seconds=5.0, max_total_bytes=16 * 2**20)


def _docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("hello 078-05-1120")
    d.add_paragraph("hidden").runs[0].font.hidden = True
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx() -> bytes:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "name"
    wb.active["B2"] = 4111111111111111
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _pptx() -> bytes:
    p = pptx.Presentation()
    s = p.slides.add_slide(p.slide_layouts[1])
    s.shapes.title.text = "title"
    buf = io.BytesIO()
    p.save(buf)
    return buf.getvalue()


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/b.env", "KEY=value\n" * 20)
        zf.writestr("c.txt", "text")
    return buf.getvalue()


def _tar_gz() -> bytes:
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        body = b"secret=1\n" * 30
        info = tarfile.TarInfo("x/y.cfg")
        info.size = len(body)
        tf.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def _eml() -> bytes:
    m = EmailMessage()
    m["Subject"] = "s"
    m.set_content("body text")
    m.add_alternative("<p>hi<!-- c --></p>", subtype="html")
    m.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="t.csv")
    return m.as_bytes()


SEEDS: dict[str, bytes] = {
    "doc.docx": _docx(),
    "book.xlsx": _xlsx(),
    "deck.pptx": _pptx(),
    "file.pdf": build_pdf([text_stream(["page one", "078-05-1120"]), text_stream(["two"])],
                          info={"Title": "t"}),
    "arch.zip": _zip(),
    "arch.tar.gz": _tar_gz(),
    "n.txt.bz2": bz2.compress(b"line\n" * 50),
    "n.txt.gz": gzip.compress(b"line\n" * 50),
    "mail.eml": _eml(),
    "mail.msg": write_cfb(msg_storage(subject="s", body="body " * 900, to="t",
                                      attachments=[("a.txt", b"hello attachment")])),
    "memo.odt": _odf("application/vnd.oasis.opendocument.text",
                     "<office:text><text:p>a<text:s/>b</text:p></office:text>"),
    "cards.ods": _odf("application/vnd.oasis.opendocument.spreadsheet",
                      '<office:spreadsheet><table:table table:name="S"><table:table-row>'
                      '<table:table-cell office:value-type="float" office:value="1E+3">'
                      "<text:p>1000</text:p></table:table-cell></table:table-row>"
                      "</table:table></office:spreadsheet>"),
    "page.html": b"<html><body><div hidden>x</div><!-- y --><p>z</p></body></html>",
    "notes.txt": "caf\u00e9 \u20ac text\n".encode() * 5,
}


def check(result: ExtractedText) -> None:
    text = result.text()
    assert isinstance(result.complete, bool)
    assert result.segments and result.segments[0].start == 0
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts)
    assert all(0 <= s <= len(text) for s in starts)
    for h in result.hidden:
        assert 0 <= h.start < h.end <= len(text)
    for note in result.notes:
        assert "\n" not in note
        assert "unexpected" not in note, note  # the safety net caught a parser bug
    if text:
        result.locate(len(text) - 1, text)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "zero":
            data[pos : pos + 8] = bytes(len(data[pos : pos + 8]))
    return name, bytes(data)


def _run(name: str, data: bytes) -> None:
    try:
        result = extract_bytes_as_text(data, name, LIMITS)
    except ExtractionError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    check(result)


_FAST = settings(max_examples=60, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_SLOW = settings(max_examples=2_000, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_every_seed_extracts_cleanly() -> None:
    for name, data in SEEDS.items():
        result = extract_bytes_as_text(data, name, LIMITS)
        assert result.complete, (name, result.notes)
        check(result)


@_FAST
@given(mutated())
def test_mutated_files_never_raise_unexpected_errors(case: tuple[str, bytes]) -> None:
    _run(*case)


@_FAST
@given(st.sampled_from(sorted(SEEDS)), st.binary(max_size=4096))
def test_random_bytes_under_any_name_never_raise_unexpected_errors(name: str, data: bytes) -> None:
    _run(name, data)


@pytest.mark.slow
@_SLOW
@given(mutated())
def test_mutated_files_long_run(case: tuple[str, bytes]) -> None:
    _run(*case)


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff")
    | st.sampled_from("\t\n\r"),
    max_size=300,
)


@_FAST
@given(_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_any_text_round_trips_through_every_unicode_encoding(text: str, codec: str) -> None:
    result = extract_bytes_as_text(text.encode(codec), "notes.txt", LIMITS)
    assert result.text() == text
    if text:
        result.locate(len(text) - 1)


@_FAST
@given(st.binary(max_size=2048))
def test_any_bytes_named_txt_decode_or_are_refused_as_binary(data: bytes) -> None:
    from classifiers.extract import BinaryContent, UnsupportedFormat

    try:
        result = extract_bytes_as_text(data, "notes.txt", LIMITS)
    except (BinaryContent, UnsupportedFormat):  # e.g. an OLE file named .txt
        return
    assert isinstance(result.text(), str)
