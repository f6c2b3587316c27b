"""Hidden parts of HTML: comments and elements a browser does not show.

The text given to detectors is the HTML source itself (what an AI tool receives when the
file is uploaded); this module only marks spans of it as hidden:

* ``html comment``: ``<!-- ... -->``;
* ``html hidden element``: an element with the ``hidden`` attribute, or an inline style with
  ``display:none``, ``visibility:hidden``, ``opacity:0`` or a zero ``font-size``, and
  ``<input type="hidden">``;
* ``white text``: an inline style whose text colour is white.

Stylesheet rules (classes) are not evaluated. Texts above ``MAX_HTML_CHARS`` are not
analysed (the caller notes it).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from classifiers.extract.types import HiddenSpan

MAX_HTML_CHARS = 16 * 1024 * 1024

_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)"
    r"|font-size\s*:\s*0(?:\.0+)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)",
    re.IGNORECASE,
)
_WHITE_STYLE = re.compile(
    r"(?:^|;|\s)color\s*:\s*(?:#fff(?:fff)?\b|white\b|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))",
    re.IGNORECASE,
)
_VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr".split()
)


class _HiddenFinder(HTMLParser):
    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self._text = text
        self._lines = [0]
        pos = text.find("\n")
        while pos != -1:
            self._lines.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.spans: list[HiddenSpan] = []
        self._open: tuple[str, int, str] | None = None  # tag, start, reason
        self._depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col if line - 1 < len(self._lines) else len(self._text)

    def handle_comment(self, data: str) -> None:
        start = self._offset()
        end = self._text.find("-->", start + 4)
        end = len(self._text) if end == -1 else end + 3
        self.spans.append(HiddenSpan(start, end, "html comment"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._open is not None:
            if tag == self._open[0] and tag not in _VOID:
                self._depth += 1
            return
        reason = _hiding_reason(tag, attrs)
        if reason is None:
            return
        start = self._offset()
        if tag in _VOID:
            raw = self.get_starttag_text() or ""
            self.spans.append(HiddenSpan(start, start + len(raw), reason))
            return
        self._open = (tag, start, reason)
        self._depth = 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._open is None:
            reason = _hiding_reason(tag, attrs)
            if reason is not None:
                start = self._offset()
                raw = self.get_starttag_text() or ""
                self.spans.append(HiddenSpan(start, start + len(raw), reason))

    def handle_endtag(self, tag: str) -> None:
        if self._open is None or tag != self._open[0]:
            return
        self._depth -= 1
        if self._depth == 0:
            pos = self._offset()
            gt = self._text.find(">", pos)
            end = len(self._text) if gt == -1 else gt + 1
            self.spans.append(HiddenSpan(self._open[1], end, self._open[2]))
            self._open = None

    def finish(self) -> list[HiddenSpan]:
        self.close()
        if self._open is not None:
            self.spans.append(HiddenSpan(self._open[1], len(self._text), self._open[2]))
            self._open = None
        return sorted(self.spans, key=lambda h: h.start)


def _hiding_reason(tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
    a = {k.lower(): (v or "") for k, v in attrs}
    if "hidden" in a:
        return "html hidden element"
    if tag == "input" and a.get("type", "").lower() == "hidden":
        return "html hidden element"
    style = a.get("style", "")
    if style:
        if _HIDING_STYLE.search(style):
            return "html hidden element"
        if _WHITE_STYLE.search(style):
            return "white text"
    return None


def html_hidden_spans(text: str) -> list[HiddenSpan]:
    """Hidden spans of an HTML source text (empty for texts above MAX_HTML_CHARS)."""
    if len(text) > MAX_HTML_CHARS:
        return []
    finder = _HiddenFinder(text)
    try:
        finder.feed(text)
        return finder.finish()
    except Exception:  # HTMLParser is lenient; never let markup stop a scan
        return sorted(finder.spans, key=lambda h: h.start)


__all__ = ["MAX_HTML_CHARS", "html_hidden_spans"]

