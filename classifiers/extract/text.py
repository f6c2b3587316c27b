"""Plain text: encoding detection, binary detection, streamed decoding of large files.

Detection order on the first 64 KiB: a BOM (UTF-32 before UTF-16, then UTF-8); UTF-32 /
UTF-16 without BOM by their NUL-byte pattern (ASCII text in UTF-16LE has a NUL at every odd
offset); NUL bytes or many control bytes otherwise mean binary; then UTF-8. Bytes that are
not valid UTF-8 are read as Windows-1252 (Latin-1 for its five undefined bytes), one byte
at a time, so a UTF-8 file with one stray Latin-1 byte keeps every other character, and a
Latin-1/cp1252 file reads in full. Nothing is ever dropped: offsets stay faithful.

Files above ``STREAM_THRESHOLD`` bytes are not held in memory: ``pieces`` re-reads the file
in 1 MiB chunks each time it is iterated, so a file of any size can be scanned.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

from classifiers.extract.errors import BinaryContent, FileNotReadable, FileVanished
from classifiers.extract.files import read_all
from classifiers.extract.types import ExtractedText, Segment

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
STREAM_THRESHOLD = 8 * 1024 * 1024

_ERRORS = "presend-cp1252"


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(_byte_char(b) for b in bad), exc.end


def _byte_char(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(b)


codecs.register_error(_ERRORS, _cp1252_fallback)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Formats that are never text; named so the message can say what the file is.
_BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"\x89PNG\r\n\x1a\n", "an image"),
    (b"\xff\xd8\xff", "an image"),
    (b"GIF8", "an image"),
    (b"RIFF", "a media file"),
    (b"\x00\x00\x00\x18ftyp", "a media file"),
    (b"\x00\x00\x00\x20ftyp", "a media file"),
    (b"ID3", "an audio file"),
    (b"OggS", "a media file"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"\xcf\xfa\xed\xfe", "a program"),
    (b"SQLite format 3\x00", "a database"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)


def sniff_encoding(sample: bytes, name: str) -> tuple[str, int]:
    """``(codec, bom_length)`` for a file starting with ``sample``; raises BinaryContent."""
    for bom, codec in _BOMS:
        if sample.startswith(bom):
            return codec, len(bom)
    if not sample:
        return "utf-8", 0
    wide = _nul_pattern(sample)
    if wide:
        return wide, 0
    magic = next((w for m, w in _BINARY_MAGIC if sample.startswith(m)
                  and (_strong(m) or b"\x00" in sample[:512])), None)
    if magic is not None or b"\x00" in sample or _control_ratio(sample) > 0.10:
        # A signature with non-printable bytes (PNG, ELF) is binary by itself; a printable
        # one ("GIF8", "ID3", "MZ") only counts with a NUL nearby, so a note that starts
        # with those letters is still text.
        raise BinaryContent(f"{name} is {magic or 'binary data'}, not text; presend reads "
                            "text, documents and archives")
    return "utf-8", 0


def _strong(magic: bytes) -> bool:
    return any(b < 0x20 or b >= 0x7F for b in magic)


def _nul_pattern(sample: bytes) -> str | None:
    n = len(sample) - len(sample) % 4
    if n < 4:
        if len(sample) >= 2 and len(sample) % 2 == 0:
            even, odd = sample[0::2].count(0), sample[1::2].count(0)
            half = len(sample) // 2
            if odd == half and even == 0:
                return "utf-16-le"
            if even == half and odd == 0:
                return "utf-16-be"
        return None
    s = sample[:n]
    quarter = n // 4
    z = [s[i::4].count(0) / quarter for i in range(4)]
    if z[1] > 0.9 and z[2] > 0.9 and z[3] > 0.9 and z[0] < 0.1:
        return "utf-32-le"
    if z[0] > 0.9 and z[1] > 0.9 and z[2] > 0.9 and z[3] < 0.1:
        return "utf-32-be"
    even = (z[0] + z[2]) / 2
    odd = (z[1] + z[3]) / 2
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _control_ratio(sample: bytes) -> float:
    ctrl = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13, 27))
    return ctrl / len(sample)


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """``(text, codec)`` for an in-memory text; raises BinaryContent."""
    codec, bom = sniff_encoding(data[:SAMPLE], name)
    return _decode(data[bom:], codec), _codec_name(data, codec)


def _decode(data: bytes, codec: str) -> str:
    errors = _ERRORS if codec == "utf-8" else "replace"
    return data.decode(codec, errors)


def _codec_name(data: bytes, codec: str) -> str:
    if codec != "utf-8":
        return codec
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "utf-8+cp1252"
    return "utf-8"


class FileStream:
    """Re-iterable decoded chunks of a large text file (reopened on every iteration)."""

    def __init__(self, path: Path, codec: str, bom: int, chunk: int = CHUNK) -> None:
        self.path = path
        self.codec = codec
        self.bom = bom
        self.chunk = chunk

    def __iter__(self) -> Iterator[str]:
        name = self.path.name
        decoder = codecs.getincrementaldecoder(self.codec)(
            _ERRORS if self.codec == "utf-8" else "replace"
        )
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.bom)
                while True:
                    block = fh.read(self.chunk)
                    if not block:
                        break
                    text = decoder.decode(block)
                    if text:
                        yield text
        except FileNotFoundError:
            raise FileVanished(f"{name} was removed while it was read; scan it again") from None
        except OSError as exc:
            raise FileNotReadable(
                f"{name} could not be read ({type(exc).__name__}); check the disk and retry"
            ) from None
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


def extract_text_file(path: Path, size: int, sample: bytes, kind: str = "text") -> ExtractedText:
    """Plain text from ``path`` whose first bytes are ``sample``."""
    name = path.name
    codec, bom = sniff_encoding(sample, name)
    if size > STREAM_THRESHOLD:
        notes = (("hidden HTML content not marked: file larger than "
                  f"{STREAM_THRESHOLD // 2**20} MiB"),) if kind == "html" else ()
        return ExtractedText(
            pieces=FileStream(path, codec, bom),
            complete=True,
            notes=notes,
            segments=(Segment(0, "", True),),
            kind=kind,
            encoding=codec,
        )
    data = read_all(path)
    text = _decode(data[bom:], codec)
    hidden: tuple = ()
    if kind == "html":
        from classifiers.extract.markup import html_hidden_spans

        hidden = tuple(html_hidden_spans(text))
    return ExtractedText(
        pieces=(text,),
        complete=True,
        notes=(),
        segments=(Segment(0, "", True),),
        kind=kind,
        hidden=hidden,
        encoding=_codec_name(data[bom:], codec),
    )


