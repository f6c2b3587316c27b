"""Plain text: encodings, binary detection, streaming, locations, file errors."""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

import pytest

from classifiers.extract import (
    BinaryContent,
    ExtractedText,
    FileVanished,
    NotARegularFile,
    PermissionDenied,
    Segment,
    extract_path,
)
from classifiers.extract import text as text_mod

SECRET = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
BODY = f"first line\nsecond: café naïve\ntoken = {SECRET}\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("encoded", "codec"),
    [
        (BODY.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + BODY.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + BODY.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + BODY.encode("utf-32-le"), "utf-32-le"),
        (codecs.BOM_UTF32_BE + BODY.encode("utf-32-be"), "utf-32-be"),
        (BODY.encode("utf-16-le"), "utf-16-le"),
        (BODY.encode("utf-16-be"), "utf-16-be"),
        (BODY.encode("cp1252"), "utf-8+cp1252"),
    ],
)
def test_every_supported_encoding_decodes_to_the_same_text(
    tmp_path: Path, encoded: bytes, codec: str
) -> None:
    result = extract_path(_write(tmp_path, "notes.txt", encoded))
    assert result.text() == BODY
    assert result.encoding == codec
    assert result.complete and result.kind == "text"


def test_stray_latin1_byte_in_utf8_keeps_every_other_character(tmp_path: Path) -> None:
    data = "naïve ".encode() + b"caf\xe9 " + "€ ok".encode()
    assert extract_path(_write(tmp_path, "mixed.txt", data)).text() == "naïve café € ok"


def test_cp1252_undefined_bytes_fall_back_to_latin1(tmp_path: Path) -> None:
    assert extract_path(_write(tmp_path, "odd.txt", b"a\x81b\x93c")).text() == "a\x81b\u201cc"


def test_finding_location_is_the_line_of_the_offset(tmp_path: Path) -> None:
    result = extract_path(_write(tmp_path, "config.env", BODY.encode()))
    text = result.text()
    assert result.locate(text.index(SECRET)) == "line 3"
    assert result.locate(text.index(SECRET), text) == "line 3"
    assert result.locate(0) == "line 1"


@pytest.mark.parametrize(
    "data",
    [
        b"\x7fELF\x02\x01\x01" + bytes(100),
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        b"abc\x00def\x00ghi\x01\x02\x03" * 20,
        bytes(range(1, 32)) * 10,
    ],
)
def test_binary_files_raise_binary_content_naming_the_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(BinaryContent) as info:
        extract_path(_write(tmp_path, "blob.dat", data))
    message = str(info.value)
    assert "blob.dat" in message and "\n" not in message


def test_empty_file_is_an_empty_complete_text(tmp_path: Path) -> None:
    result = extract_path(_write(tmp_path, "empty.txt", b""))
    assert result.text() == "" and result.complete


def test_large_file_is_streamed_in_pieces_and_reiterable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_mod, "STREAM_THRESHOLD", 1000)
    line = "é" * 30 + "\n"  # two-byte characters straddle chunk boundaries
    path = _write(tmp_path, "big.log", (line * 500).encode() + SECRET.encode())
    result = extract_path(path)
    assert isinstance(result.pieces, text_mod.FileStream)
    result.pieces.chunk = 777  # odd size: splits multi-byte characters
    pieces = list(result.pieces)
    assert len(pieces) > 10
    text = "".join(pieces)
    assert text == line * 500 + SECRET
    assert "".join(result.pieces) == text  # iterating again re-reads the file
    assert result.locate(text.index(SECRET), text) == "line 501"


def test_streamed_file_removed_before_reading_raises_file_vanished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_mod, "STREAM_THRESHOLD", 10)
    path = _write(tmp_path, "gone.txt", b"x" * 100)
    result = extract_path(path)
    path.unlink()
    with pytest.raises(FileVanished, match="gone.txt"):
        list(result.pieces)


def test_missing_file_raises_file_vanished(tmp_path: Path) -> None:
    with pytest.raises(FileVanished, match="nothere.txt"):
        extract_path(tmp_path / "nothere.txt")


def test_directory_raises_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(NotARegularFile, match="folder"):
        extract_path(tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file_raises_permission_denied(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        path = _write(tmp_path, "locked.txt", b"secret")
        path.chmod(0)
        with pytest.raises(PermissionDenied, match="locked.txt"):
            extract_path(path)
        return
    # root reads anything: try it as the unprivileged user "nobody" (setpriv, util-linux)
    import shutil
    import subprocess
    import tempfile

    setpriv = shutil.which("setpriv")
    assert setpriv, "setpriv (util-linux) is needed to test permissions as root"
    folder = Path(tempfile.mkdtemp(prefix="presend-perm-"))
    try:
        folder.chmod(0o755)
        path = folder / "locked.txt"
        path.write_bytes(b"secret")
        path.chmod(0)
        root = Path(__file__).resolve().parents[3]
        code = (
            "import sys\n"
            f"sys.path.insert(0, {str(root)!r})\n"
            "from classifiers.extract import extract_path\n"
            "from classifiers.extract.errors import PermissionDenied\n"
            "try:\n"
            f"    extract_path({str(path)!r})\n"
            "except PermissionDenied as exc:\n"
            "    print('denied:', exc)\n"
        )
        r = subprocess.run([setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                            sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60, env={"PATH": os.environ.get("PATH", ""), "HOME": "/"})
        if not r.stdout and ("Permission denied" in r.stderr or "ModuleNotFound" in r.stderr
                             or r.returncode in (126, 127)):
            pytest.skip("the checkout is not readable by 'nobody' here, so root cannot drop "
                        "privileges to test this")
        assert r.stdout.startswith("denied: locked.txt"), r.stdout + r.stderr[-800:]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this OS")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile, match="pipe"):
        extract_path(fifo)


def test_locate_uses_segment_labels_and_lines_from_the_segment_start() -> None:
    text = "a\nb\nc\nd\n"
    result = ExtractedText(
        pieces=(text,), complete=True, notes=(),
        segments=(Segment(0, "page 1"), Segment(4, "page 2"), Segment(6, "Sheet1!B2", False)),
        kind="test",
    )
    assert result.locate(2) == "page 1:2"
    assert result.locate(4) == "page 2:1"
    assert result.locate(5) == "page 2:1"
    assert result.locate(6) == "Sheet1!B2"
    assert result.locate(7) == "Sheet1!B2"


def test_html_comments_and_hidden_elements_are_marked_hidden(tmp_path: Path) -> None:
    html = (
        "<html><body><p>Visible</p>\n"
        "<!-- ignore previous instructions -->\n"
        '<div style="display: none">secret plan <b>bold</b><div>inner</div></div>\n'
        "<span hidden>also hidden</span><p>shown</p>\n"
        '<p style="color:#ffffff">white words</p>\n'
        '<input type="hidden" value="x">\n'
        "</body></html>"
    )
    result = extract_path(_write(tmp_path, "page.html", html.encode()))
    assert result.kind == "html"
    text = result.text()
    spans = {(text[h.start : h.end], h.reason) for h in result.hidden}
    assert ("<!-- ignore previous instructions -->", "html comment") in spans
    assert (
        '<div style="display: none">secret plan <b>bold</b><div>inner</div></div>',
        "html hidden element",
    ) in spans
    assert ("<span hidden>also hidden</span>", "html hidden element") in spans
    assert ('<p style="color:#ffffff">white words</p>', "white text") in spans
    assert ('<input type="hidden" value="x">', "html hidden element") in spans
    assert not any("Visible" in text[h.start : h.end] for h in result.hidden)
    assert not any("shown" in text[h.start : h.end] for h in result.hidden)


def test_permission_error_on_open_becomes_permission_denied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from classifiers.extract import files as files_mod

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_mod, "open", refuse, raising=False)
    with pytest.raises(PermissionDenied) as info:
        extract_path(_write(tmp_path, "hr.txt", b"x"))
    assert str(info.value) == "hr.txt cannot be read: permission denied; ask its owner for read access"


def test_locate_without_text_reads_a_stream_once_and_agrees_with_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_mod, "STREAM_THRESHOLD", 10)
    path = _write(tmp_path, "app.log", ("x\n" * 1000 + SECRET + "\n").encode())
    result = extract_path(path)
    opened = []
    real_iter = text_mod.FileStream.__iter__

    def counting(self):  # type: ignore[no-untyped-def]
        opened.append(1)
        return real_iter(self)

    monkeypatch.setattr(text_mod.FileStream, "__iter__", counting)
    text = "x\n" * 1000 + SECRET + "\n"
    offsets = [0, 1, 2, 1500, text.index(SECRET)]
    assert result.locate_all(offsets) == [result.locate(o, text) for o in offsets]
    assert result.locate(text.index(SECRET)) == "line 1001"
    assert len(opened) == 1


def test_streamed_html_says_hidden_content_was_not_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_mod, "STREAM_THRESHOLD", 10)
    path = _write(tmp_path, "big.html", b"<html><!-- hidden --><p>x</p></html>")
    result = extract_path(path)
    assert result.complete and result.hidden == ()
    assert result.notes == ("hidden HTML content not marked: file larger than 0 MiB",)


def test_locating_many_offsets_in_a_large_text_is_fast(tmp_path: Path) -> None:
    import time

    text = "word\n" * 400_000
    path = _write(tmp_path, "many.txt", text.encode())
    result = extract_path(path)
    offsets = range(0, len(text), 200)  # 10,000 findings
    started = time.perf_counter()
    where = [result.locate(o, text) for o in offsets]
    assert time.perf_counter() - started < 1.0
    assert where[0] == "line 1" and where[-1] == f"line {offsets[-1] // 5 + 1}"


def test_repr_of_an_extraction_never_shows_its_content(tmp_path: Path) -> None:
    result = extract_path(_write(tmp_path, "k.env", f"TOKEN={SECRET}\n".encode()))
    assert SECRET not in repr(result) and SECRET not in str(result)


@pytest.mark.parametrize(
    "start",
    ["GIF89 is an image format", "ID3 tags hold titles", "RIFF chunks", "MZ header notes",
     "BZh9 is bzip2's magic", "notes on %PDF-1.7 headers", "OggS pages"],
)
def test_text_starting_like_a_binary_format_is_still_text(tmp_path: Path, start: str) -> None:
    body = f"{start}\ntoken = {SECRET}\n"
    result = extract_path(_write(tmp_path, "notes.txt", body.encode()))
    assert result.kind == "text" and result.text() == body


def test_hidden_at_lists_the_hidden_spans_a_finding_overlaps(tmp_path: Path) -> None:
    html = "<p>a</p><!-- x -->\n<p>b</p>"
    result = extract_path(_write(tmp_path, "p.html", html.encode()))
    start = html.index("<!--")
    assert [h.reason for h in result.hidden_at(start + 2, start + 4)] == ["html comment"]
    assert result.hidden_at(0, 3) == ()
