"""Reading zip members within the byte, ratio and time budgets of a Context."""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterator

from classifiers.extract.context import Context, RatioExceeded

READ = 256 * 1024

# What zipfile raises on a damaged or unsupported member (bad headers, CRC, deflate data,
# encryption, unknown compression method).
ZIP_DAMAGE: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
    zlib.error, lzma.LZMAError, KeyError,
)


def member_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: Context) -> Iterator[bytes]:
    """Decompressed chunks of one member, charged to ``ctx``.

    The declared size bounds what zipfile returns; the ratio is checked on the bytes
    actually produced, so a member that lies about its size is still stopped.
    """
    limit = ctx.limits.max_ratio * max(info.compress_size, 1024)
    if info.file_size > limit:
        raise RatioExceeded(
            f"compression ratio over {ctx.limits.max_ratio}:1 in {_short(info.filename)} "
            "(possible zip bomb), not read"
        )
    produced = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(READ)
            if not chunk:
                return
            produced += len(chunk)
            if produced > limit:
                raise RatioExceeded(
                    f"compression ratio over {ctx.limits.max_ratio}:1 in "
                    f"{_short(info.filename)} (possible zip bomb), not read"
                )
            ctx.charge(len(chunk))
            ctx.check_time()
            yield chunk


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: Context) -> bytes:
    return b"".join(member_chunks(zf, info, ctx))


def _short(name: str) -> str:
    return name if len(name) <= 80 else "..." + name[-77:]
