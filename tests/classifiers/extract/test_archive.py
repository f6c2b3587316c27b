"""Archives: nested members with path locations, compressed tars, bombs and budgets."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from classifiers.extract import Limits, extract_path
from tests.classifiers.extract.office_fixtures import minimal_docx

KEY = "AKIA" + "Q3EXAMPLE7Z6RMBD"
SSN = "078-05-1120"
ENV = f"# settings\nDEBUG=1\nAWS_ACCESS_KEY_ID={KEY}\n".encode()


def make_zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def make_tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, body in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(body)
            tf.addfile(info, io.BytesIO(body))
    return buf.getvalue()


def _save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_nested_zip_member_location_is_the_path_through_archives(tmp_path: Path) -> None:
    inner = make_zip({"deep/config.env": ENV, "readme.md": b"# hello\n"})
    outer = make_zip({"inner.zip": inner, "docs/notes.txt": f"a\nb\nSSN {SSN}\n".encode()})
    result = extract_path(_save(tmp_path, "upload.zip", outer))
    text = result.text()
    assert result.kind == "zip" and result.complete, result.notes
    assert result.locate(text.index(KEY), text) == "inner.zip/deep/config.env:3"
    assert result.locate(text.index(SSN), text) == "docs/notes.txt:3"


def test_document_inside_zip_keeps_its_own_locations(tmp_path: Path) -> None:
    body = f"<w:p><w:r><w:t>intro</w:t></w:r></w:p><w:p><w:r><w:t>SSN {SSN}</w:t></w:r></w:p>"
    data = make_zip({"reports/q1.docx": minimal_docx(body)})
    result = extract_path(_save(tmp_path, "r.zip", data))
    text = result.text()
    assert result.locate(text.index(SSN), text) == "reports/q1.docx body:2"


@pytest.mark.parametrize(
    ("name", "compress"),
    [
        ("bundle.tar", lambda b: b),
        ("bundle.tar.gz", gzip.compress),
        ("bundle.tgz", gzip.compress),
        ("bundle.tar.bz2", bz2.compress),
        ("bundle.tar.xz", lzma.compress),
    ],
)
def test_tar_variants_locate_members_by_path(tmp_path: Path, name: str, compress) -> None:  # type: ignore[no-untyped-def]
    data = compress(make_tar({"etc/app/config.env": ENV, "empty": b""}))
    result = extract_path(_save(tmp_path, name, data))
    text = result.text()
    assert result.complete, result.notes
    assert result.locate(text.index(KEY), text) == "etc/app/config.env:3"


@pytest.mark.parametrize(
    ("name", "compress"),
    [("notes.txt.gz", gzip.compress), ("notes.txt.bz2", bz2.compress),
     ("notes.txt.xz", lzma.compress)],
)
def test_single_compressed_file_is_located_by_its_inner_name(
    tmp_path: Path, name: str, compress  # type: ignore[no-untyped-def]
) -> None:
    result = extract_path(_save(tmp_path, name, compress(ENV)))
    text = result.text()
    assert result.locate(text.index(KEY), text) == "notes.txt:3"


def test_binary_members_are_skipped_with_a_note_and_stay_complete(tmp_path: Path) -> None:
    data = make_zip({"logo.png": b"\x89PNG\r\n\x1a\n" + os.urandom(200), "a.env": ENV})
    result = extract_path(_save(tmp_path, "site.zip", data))
    assert result.complete
    assert result.notes == ("1 binary member(s) skipped (images, programs, media)",)
    assert KEY in result.text()


def _encrypt_flag(data: bytes) -> bytes:
    """Mark every member as encrypted (general purpose bit 0) in local and central headers."""
    buf = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = buf.find(sig)
        while pos != -1:
            buf[pos + flag_at] |= 0x01
            pos = buf.find(sig, pos + 4)
    return bytes(buf)


def test_password_protected_member_is_incomplete_not_an_error(tmp_path: Path) -> None:
    data = _encrypt_flag(make_zip({"secret.txt": ENV}))
    result = extract_path(_save(tmp_path, "locked.zip", data))
    assert not result.complete
    assert result.notes == ("secret.txt: password-protected member, not checked",)


def test_zip_bomb_member_is_refused_by_ratio_without_inflating(tmp_path: Path) -> None:
    data = make_zip({"bomb.txt": bytes(20 * 2**20), "ok.env": ENV})
    result = extract_path(_save(tmp_path, "bomb.zip", data))
    assert not result.complete
    assert result.notes[0].startswith("compression ratio over 200:1 in bomb.txt")
    assert KEY in result.text()


def test_gzip_bomb_is_refused_by_ratio(tmp_path: Path) -> None:
    data = gzip.compress(bytes(20 * 2**20))
    result = extract_path(_save(tmp_path, "bomb.txt.gz", data))
    assert not result.complete
    assert "possible bomb" in result.notes[0]


def test_nesting_deeper_than_the_limit_is_incomplete(tmp_path: Path) -> None:
    data = make_zip({"deep.env": ENV})
    for level in range(6):
        data = make_zip({f"level{level}.zip": data})
    result = extract_path(_save(tmp_path, "nested.zip", data), Limits(max_depth=3))
    assert not result.complete
    assert any("nested deeper than 3 levels" in n for n in result.notes)
    assert KEY not in result.text()


def test_entry_budget_limits_members_read(tmp_path: Path) -> None:
    data = make_zip({f"f{i}.txt": b"x" for i in range(30)})
    result = extract_path(_save(tmp_path, "many.zip", data), Limits(max_entries=10))
    assert not result.complete
    assert result.notes == ("entry budget: only the first 10 of 30 members read",)


def test_total_byte_budget_stops_extraction(tmp_path: Path) -> None:
    data = make_zip({f"f{i}.txt": os.urandom(3000).hex().encode() for i in range(5)})
    result = extract_path(_save(tmp_path, "big.zip", data), Limits(max_total_bytes=10_000))
    assert not result.complete
    assert result.notes == ("size budget: stopped after 10,000 bytes of content",)


def test_truncated_zip_is_incomplete(tmp_path: Path) -> None:
    data = make_zip({"a.env": ENV * 50})
    result = extract_path(_save(tmp_path, "cut.zip", data[: len(data) // 2]))
    assert not result.complete
    assert result.notes == ("damaged or truncated zip archive, not checked",)


def test_truncated_tar_gz_keeps_what_was_read(tmp_path: Path) -> None:
    body = make_tar({"a.env": ENV, "b.bin": os.urandom(40_000).hex().encode()})
    data = gzip.compress(body)
    result = extract_path(_save(tmp_path, "cut.tar.gz", data[: len(data) * 3 // 4]))
    assert not result.complete
    assert KEY in result.text()


def test_large_gzip_over_the_size_budget_keeps_the_part_read(tmp_path: Path) -> None:
    body = ENV + os.urandom(200_000).hex().encode()
    result = extract_path(_save(tmp_path, "app.log.gz", gzip.compress(body)),
                          Limits(max_total_bytes=100_000))
    assert not result.complete
    assert result.notes == ("gz data larger than the size budget, partly checked",)
    assert KEY in result.text()


def test_many_locked_members_give_a_bounded_list_of_notes(tmp_path: Path) -> None:
    data = _encrypt_flag(make_zip({f"s{i}.txt": ENV for i in range(30)}))
    result = extract_path(_save(tmp_path, "locked.zip", data))
    assert not result.complete
    assert len(result.notes) == 21
    assert result.notes[-1] == "... and 10 more note(s)"


def test_7z_and_rar_are_unsupported_at_top_level_and_incomplete_inside(tmp_path: Path) -> None:
    from classifiers.extract import UnsupportedFormat

    seven = b"7z\xbc\xaf\x27\x1c" + os.urandom(100)
    with pytest.raises(UnsupportedFormat, match=r"backup\.7z is a 7-Zip or RAR archive"):
        extract_path(_save(tmp_path, "backup.7z", seven))
    result = extract_path(_save(tmp_path, "outer.zip", make_zip({"inner.rar":
                                                                  b"Rar!\x1a\x07\x00" + bytes(50)})))
    assert not result.complete
    assert result.notes == ("inner.rar: format not supported, not checked",)
