"""Shared parts of Office Open XML reading: the part reader, relationships, properties,
hyperlink targets and embedded packages. Formats live in docx.py, xlsx.py and pptx.py."""

from __future__ import annotations

import posixpath
import re
import zipfile

from classifiers.extract.context import Context, DocBuilder
from classifiers.extract.xmlsafe import XmlHandler, XmlRefused, parse_xml
from classifiers.extract.zipread import ZIP_DAMAGE, member_chunks

OFF = {"0", "false", "off"}


class Reader:
    def __init__(self, zf: zipfile.ZipFile, ctx: Context, doc: DocBuilder) -> None:
        self.zf = zf
        self.ctx = ctx
        self.doc = doc
        self.names = {i.filename: i for i in zf.infolist()}

    def parse(self, part: str, handler: XmlHandler) -> bool:
        """Parse one part; a damaged part becomes a note. False when it is missing."""
        info = self.names.get(part)
        if info is None:
            return False
        try:
            parse_xml(member_chunks(self.zf, info, self.ctx), handler, self.ctx.check_time)
        except XmlRefused as exc:
            self.doc.incomplete(f"{part}: {exc}, part not fully checked")
        except ZIP_DAMAGE as exc:
            self.doc.incomplete(f"{part}: damaged ({type(exc).__name__}), part not checked")
        return True

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part name) of ``part``."""
        folder, base = posixpath.split(part)
        handler = _Rels()
        self.parse(posixpath.join(folder, "_rels", base + ".rels"), handler)
        out = {}
        for rid, (rtype, target, external) in handler.rels.items():
            if external:
                continue
            if target.startswith("/"):
                full = target.lstrip("/")
            else:
                full = posixpath.normpath(posixpath.join(folder, target))
            out[rid] = (rtype, full)
        return out

    def properties(self) -> None:
        handler = _Props()
        for part in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml",
                     "docMetadata/LabelInfo.xml"):
            self.parse(part, handler)
        if handler.lines:
            self.doc.segment("document properties")
            self.doc.write("\n".join(handler.lines) + "\n")



_EMBED_DIRS = ("word/embeddings/", "xl/embeddings/", "ppt/embeddings/")


def embedded(r: Reader) -> None:
    """Embedded packages (an Excel sheet in a Word file...), read like files."""
    from classifiers.extract.dispatch import ARCHIVE_KINDS, extract_bytes
    from classifiers.extract.errors import BinaryContent, UnsupportedFormat
    from classifiers.extract.zipread import read_member

    ctx = r.ctx
    for part, info in r.names.items():
        if not part.startswith(_EMBED_DIRS) or info.file_size == 0:
            continue
        base = posixpath.basename(part)
        label = f"embedded {base}"
        if ctx.depth >= ctx.limits.max_depth:
            r.doc.incomplete(f"{label}: nested too deep, not checked")
            continue
        try:
            data = read_member(r.zf, info, ctx)
        except ZIP_DAMAGE as exc:
            r.doc.incomplete(f"{label}: damaged ({type(exc).__name__}), not checked")
            continue
        ctx.depth += 1
        try:
            child = extract_bytes(data, base, ctx)
        except BinaryContent:
            continue
        except UnsupportedFormat:
            r.doc.incomplete(f"{label}: embedded object format not supported, not checked")
            continue
        finally:
            ctx.depth -= 1
        r.doc.embed(label, child, sep="/" if child.kind in ARCHIVE_KINDS else " ")



class _Rels(XmlHandler):
    def __init__(self) -> None:
        self.rels: dict[str, tuple[str, str, bool]] = {}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Relationship" and "Id" in attrs:
            self.rels[attrs["Id"]] = (
                attrs.get("Type", ""),
                attrs.get("Target", ""),
                attrs.get("TargetMode", "") == "External",
            )


# Author fields (creator, lastModifiedBy, Manager) are left out on purpose: every Office
# file names its author, so they would make a PERSON finding of every upload; what the
# properties are read for is markings (title, subject, keywords, category, custom
# properties, sensitivity labels).
_CORE_SKIP = {"created", "modified", "lastPrinted", "revision", "coreProperties",
              "creator", "lastModifiedBy"}
_APP_KEEP = {"Company", "HyperlinkBase"}


class _Props(XmlHandler):
    """core.xml / app.xml / custom.xml / LabelInfo.xml as ``name = value`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._stack: list[str] = []
        self._text: list[str] = []
        self._custom: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self._stack.append(name)
        self._text = []
        if name == "property" and "name" in attrs:
            self._custom = attrs["name"]
        elif name == "label" and "id" in attrs:
            guid = attrs["id"].strip("{}")
            for key in ("enabled", "method", "siteId", "contentBits", "removed"):
                if key in attrs:
                    self.lines.append(f"MSIP_Label_{guid}_{key[0].upper()}{key[1:]} = "
                                      f"{attrs[key]}")

    def data(self, text: str) -> None:
        if len(self._text) < 64:
            self._text.append(text)

    def end(self, name: str) -> None:
        self._stack.pop() if self._stack else None
        value = "".join(self._text).strip().replace("\n", " ")[:4096]
        self._text = []
        if not value:
            if name == "property":
                self._custom = None
            return
        if self._custom is not None and name != "property":
            self.lines.append(f"{self._custom} = {value}")
            self._custom = None
        elif self._custom is None and name not in _CORE_SKIP and (
            not self._stack or self._stack[-1] in ("coreProperties", "Properties")
        ):
            if self._stack and self._stack[-1] == "Properties" and name not in _APP_KEEP:
                return
            self.lines.append(f"{name} = {value}")


def numbered(names: list[str], pattern: str) -> list[tuple[int, str]]:
    rx = re.compile(pattern)
    out = []
    for n in names:
        m = rx.fullmatch(n)
        if m:
            out.append((int(m.group(1) or 0), n))
    return sorted(out)




def external_links(r: Reader, parts: list[str], extra: list[str] | None = None) -> None:
    """Hyperlink targets (URLs can carry tokens and signed query strings)."""
    targets: list[str] = [t[:8192] for t in dict.fromkeys(extra or [])]
    for part in parts:
        if part not in r.names:
            continue
        folder, base = posixpath.split(part)
        handler = _Rels()
        r.parse(posixpath.join(folder, "_rels", base + ".rels"), handler)
        for rtype, target, external in handler.rels.values():
            if external and rtype.endswith("/hyperlink") and target not in targets:
                targets.append(target[:8192])
    if targets:
        r.doc.segment("links")
        r.doc.write("\n".join(targets) + "\n")
