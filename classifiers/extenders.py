"""Named extenders: grow a rule's one-line match into the multi-line value it starts.

``EXTENDERS[name](text, start, end) -> (start, end) | None``. A rule's regex never
crosses a newline (so it stays linear and prefilterable per line); a rule whose value
spans lines, like a PEM private key, matches its first line and names an extender
(``extend = "pem_block"``) that finds where the value ends. ``None`` drops the match.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_BLOCK_CHARS = 64 * 1024

_BEGIN = re.compile(r"-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?)-----")
# Lines that can appear in the body of an armored block: base64, and header lines
# (Proc-Type: 4,ENCRYPTED / DEK-Info: ... / Comment: ... / Version: ...).
_BASE64_LINE = re.compile(r"[ \t]*(?:[A-Za-z0-9+/=]{1,200}|=[A-Za-z0-9+/]{4})[ \t\r]*")
_HEADER_LINE = re.compile(r"[A-Za-z][A-Za-z0-9\-]{0,40}: [^\n]{0,200}")
_FLAT_RUN = re.compile(r"[A-Za-z0-9+/= \t]{1,65536}")


def pem_block(text: str, start: int, end: int) -> tuple[int, int] | None:
    """From a ``-----BEGIN ... PRIVATE KEY-----`` (or PGP ``PRIVATE KEY BLOCK``) line to
    its matching END line, at most 64 KB. An unterminated block (a truncated paste) ends
    after its last body line; a block flattened onto one line ends at its END marker or
    the end of its base64 run.

    Linear in the block's length: the body is walked line by line and the END line must
    follow it, so many BEGIN lines in one text never rescan the text after them.
    """
    m = _BEGIN.search(text, start, min(len(text), end + 64))
    if m is None:
        return None
    block_start = m.start()
    footer = f"-----END {m.group(1)}-----"
    limit = min(len(text), block_start + MAX_BLOCK_CHARS)
    pos = m.end()
    nl = text.find("\n", pos, limit)
    if text[pos:nl if nl != -1 else limit].strip():
        # flattened onto one line: BEGIN <base64 with spaces> [END]
        run = _FLAT_RUN.match(text, pos, limit)
        run_end = run.end() if run else pos
        if text.startswith(footer, run_end, limit):
            return block_start, run_end + len(footer)
        return block_start, pos + len(text[pos:run_end].rstrip())
    last = pos
    if nl == -1:
        return block_start, last
    pos = nl + 1
    after_header = True  # a blank line may follow BEGIN directly (PGP armor)
    while pos < limit:
        nl = text.find("\n", pos, limit)
        line_end = nl if nl != -1 else limit
        line = text[pos:line_end]
        stripped = line.strip()
        if stripped.startswith(footer):
            return block_start, pos + line.index(footer) + len(footer)
        if _HEADER_LINE.fullmatch(line.rstrip("\r")):
            after_header = True
        elif not stripped and after_header:
            after_header = False  # the blank line between headers and base64 body
        elif _BASE64_LINE.fullmatch(line):
            after_header = False
        else:
            break
        if stripped:
            last = pos + len(line.rstrip())
        if nl == -1:
            break
        pos = nl + 1
    return block_start, last


EXTENDERS: dict[str, Callable[[str, int, int], tuple[int, int] | None]] = {
    "pem_block": pem_block,
}
