"""Archives: zip, tar (plain, .gz, .bz2, .xz) and single-file .gz / .bz2 / .xz.

Every member is decompressed within the shared budgets of the ``Context``: total bytes,
compression ratio per member (checked on the bytes actually produced), members per
archive, nesting depth and time. Each member is dispatched like a file of its own (a
document, another archive, text), and its locations are prefixed with its path:
``inner.zip/deep/config.env:3``, ``reports/q1.docx body:2``. Nothing is written to disk.

Skipped without making the result incomplete: directories, links, empty and binary
members (counted in a note). Incomplete (``complete=False`` with a note): encrypted
members, members over the ratio limit, unsupported or damaged members, archives nested
deeper than ``max_depth``, and any budget running out.
"""

from __future__ import annotations

import bz2
import io
import lzma
import posixpath
import tarfile
import zipfile
import zlib

from classifiers.extract.context import BudgetExceeded, Context, DocBuilder, RatioExceeded
from classifiers.extract.errors import BinaryContent, UnsupportedFormat
from classifiers.extract.zipread import ZIP_DAMAGE, read_member

CHUNK = 64 * 1024
ARCHIVES = frozenset({"zip", "tar", "gz", "bz2", "xz"})
_STRIP = {".gz": "", ".tgz": ".tar", ".bz2": "", ".tbz2": ".tar", ".tbz": ".tar",
          ".xz": "", ".txz": ".tar"}


def extract_archive(data: bytes, name: str, kind: str, ctx: Context) -> DocBuilder:
    doc = DocBuilder()
    doc.segment("")
    if ctx.depth >= ctx.limits.max_depth:
        doc.incomplete(f"archive nested deeper than {ctx.limits.max_depth} levels, not checked")
        return doc
    ctx.depth += 1
    skipped = [0]
    try:
        if kind == "zip":
            _zip(data, ctx, doc, skipped)
        elif kind == "tar":
            _tar(data, ctx, doc, skipped)
        else:
            _single(data, name, kind, ctx, doc, skipped)
    except BudgetExceeded as exc:
        doc.incomplete(exc.note)
    finally:
        ctx.depth -= 1
    if skipped[0]:
        doc.note(f"{skipped[0]} binary member(s) skipped (images, programs, media)")
    return doc


def member(data: bytes, path: str, ctx: Context, doc: DocBuilder, skipped: list[int],
           transparent: bool = False) -> None:
    """Extract one member's bytes and append it to ``doc`` under ``path``.

    ``transparent``: the member is the only content of a .gz/.bz2/.xz; when it is itself
    an archive (x.tar.gz), its members are located without the intermediate name.
    """
    from classifiers.extract.dispatch import extract_bytes

    ctx.check_time()
    base = posixpath.basename(path) or path
    try:
        child = extract_bytes(data, base, ctx)
    except BinaryContent:
        skipped[0] += 1
        return
    except UnsupportedFormat:
        doc.incomplete(f"{path}: format not supported, not checked")
        return
    except RatioExceeded as exc:
        doc.incomplete(exc.note)
        return
    if transparent and child.kind in ARCHIVES:
        doc.embed("", child)
    else:
        doc.embed(path, child, sep="/" if child.kind in ARCHIVES else " ")


def _clean(name: str) -> str:
    name = name.replace("\\", "/").lstrip("/")
    return posixpath.normpath(name) if name else "?"


def _zip(data: bytes, ctx: Context, doc: DocBuilder, skipped: list[int]) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_DAMAGE:
        doc.incomplete("damaged or truncated zip archive, not checked")
        return
    with zf:
        infos = zf.infolist()
        if len(infos) > ctx.limits.max_entries:
            doc.incomplete(f"entry budget: only the first {ctx.limits.max_entries:,} of "
                           f"{len(infos):,} members read")
            infos = infos[: ctx.limits.max_entries]
        for info in infos:
            if info.filename.endswith("/") or info.file_size == 0:
                continue
            path = _clean(info.filename)
            if info.flag_bits & 0x1:
                doc.incomplete(f"{path}: password-protected member, not checked")
                continue
            try:
                body = read_member(zf, info, ctx)
            except RatioExceeded as exc:
                doc.incomplete(exc.note)
                continue
            except ZIP_DAMAGE as exc:
                doc.incomplete(f"{path}: damaged member ({type(exc).__name__}), not checked")
                continue
            member(body, path, ctx, doc, skipped)


def _tar(data: bytes, ctx: Context, doc: DocBuilder, skipped: list[int]) -> None:
    count = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tf:
            while True:
                ctx.check_time()
                try:
                    info = tf.next()
                except tarfile.ReadError:
                    doc.incomplete("damaged or truncated tar archive, rest not checked")
                    return
                if info is None:
                    return
                count += 1
                if count > ctx.limits.max_entries:
                    doc.incomplete(
                        f"entry budget: only the first {ctx.limits.max_entries:,} members read"
                    )
                    return
                if not info.isreg() or info.size == 0:
                    continue
                ctx.charge(info.size)
                fh = tf.extractfile(info)
                if fh is None:
                    continue
                body = fh.read(info.size)
                if len(body) < info.size:
                    doc.incomplete(f"{_clean(info.name)}: truncated member, partly checked")
                member(body, _clean(info.name), ctx, doc, skipped)
    except (tarfile.TarError, OSError, EOFError, ValueError, UnicodeError):
        doc.incomplete("damaged or truncated tar archive, not checked")


def _inner_name(name: str) -> str:
    base = posixpath.basename(name.replace("\\", "/"))
    stem, ext = posixpath.splitext(base)
    if ext.lower() in _STRIP:
        return stem + _STRIP[ext.lower()] if stem else "content"
    return base + ".out"


def _single(data: bytes, name: str, kind: str, ctx: Context, doc: DocBuilder,
            skipped: list[int]) -> None:
    limit = ctx.limits.max_total_bytes - ctx.used_bytes
    body, note = decompress(data, kind, limit, ctx)
    if note:
        doc.incomplete(note)
    if body:
        member(body, _inner_name(name), ctx, doc, skipped, transparent=True)


def decompress(data: bytes, kind: str, limit: int, ctx: Context) -> tuple[bytes, str | None]:
    """Decompress gzip (all members) / bzip2 / xz into at most ``limit`` bytes.

    Input is fed in ``CHUNK`` pieces and the output is bounded per step, so the ratio
    (output over input consumed so far) is checked as the data expands: a bomb stops
    after a few hundred kilobytes of output, not at the end. Returns ``(bytes, note)``;
    the note says why the output is partial or missing.
    """
    out = bytearray()
    ratio = ctx.limits.max_ratio
    consumed = 0

    def grow(piece: bytes) -> None:
        if len(out) + len(piece) > limit:
            raise RatioExceeded(f"{kind} data larger than the size budget, partly checked")
        if len(out) + len(piece) > ratio * max(consumed, 4096):
            raise RatioExceeded(
                f"{kind} data expands over {ratio}:1 (possible bomb), partly checked"
            )
        ctx.charge(len(piece))
        ctx.check_time()
        out.extend(piece)

    try:
        if kind == "gz":
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            pos = done = 0
            while pos < len(data):
                chunk = data[pos : pos + CHUNK]
                pos += len(chunk)
                consumed = done + pos
                while chunk:
                    piece = d.decompress(chunk, CHUNK)
                    grow(piece)
                    chunk = d.unconsumed_tail
                    if d.eof:
                        rest = (d.unused_data + data[pos:]).lstrip(b"\0")
                        if not rest:
                            return bytes(out), None
                        done += pos
                        data, pos = rest, 0  # the next gzip member
                        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        chunk = b""
            return bytes(out), None if d.eof else "truncated gzip data, partly checked"
        dec = bz2.BZ2Decompressor() if kind == "bz2" else lzma.LZMADecompressor()
        pos = 0
        while not dec.eof:
            if dec.needs_input:
                if pos >= len(data):
                    return bytes(out), f"truncated {kind} data, partly checked"
                chunk = data[pos : pos + CHUNK]
                pos += len(chunk)
                consumed = pos
            else:
                chunk = b""
            grow(dec.decompress(chunk, CHUNK))
    except RatioExceeded as exc:  # keep what came out before the limit: it is bounded
        return bytes(out), exc.note
    except (zlib.error, OSError, EOFError, lzma.LZMAError, ValueError) as exc:
        return bytes(out), f"damaged {kind} data ({type(exc).__name__}), partly checked"
    return bytes(out), None
