"""pptx: slides in presentation order, speaker notes, hidden slides (see office.py)."""

from __future__ import annotations

from classifiers.extract.context import DocBuilder
from classifiers.extract.ooxml import OFF, Reader, external_links, numbered
from classifiers.extract.xmlsafe import XmlHandler


class _Slide(XmlHandler):
    def __init__(self, doc: DocBuilder) -> None:
        self.doc = doc
        self._in_t = False
        self.hidden = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "t":
            self._in_t = True
        elif name == "br":
            self.doc.write("\n")
        elif name == "sld" and attrs.get("show", "1").lower() in OFF:
            self.hidden = True

    def end(self, name: str) -> None:
        if name == "t":
            self._in_t = False
        elif name == "p":
            self.doc.write("\n")

    def data(self, text: str) -> None:
        if self._in_t:
            self.doc.write(text)


class _SlideList(XmlHandler):
    def __init__(self) -> None:
        self.rids: list[str] = []

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sldId" and "rel:id" in attrs:
            self.rids.append(attrs["rel:id"])


def read_pptx(r: Reader) -> None:
    order = _SlideList()
    r.parse("ppt/presentation.xml", order)
    rels = r.rels("ppt/presentation.xml")
    slides = [rels[rid][1] for rid in order.rids if rid in rels]
    if not slides:
        slides = [n for _, n in numbered(list(r.names), r"ppt/slides/slide(\d+)\.xml")]
    if len(slides) > r.ctx.limits.max_slides:
        r.doc.incomplete(f"slide budget: only the first {r.ctx.limits.max_slides:,} slides read")
        slides = slides[: r.ctx.limits.max_slides]
    for number, part in enumerate(slides, start=1):
        start = r.doc.length
        r.doc.segment(f"slide {number}")
        handler = _Slide(r.doc)
        r.parse(part, handler)
        for rtype, target in r.rels(part).values():
            if rtype.endswith("/notesSlide"):
                r.doc.segment(f"slide {number} notes")
                r.parse(target, _Slide(r.doc))
        if handler.hidden:
            r.doc.mark_hidden(start, r.doc.length, "hidden slide")
    external_links(r, slides)
