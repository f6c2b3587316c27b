"""A streaming XML parser that cannot be turned into a bomb.

OOXML parts never carry a DTD, so any DOCTYPE or entity declaration is refused outright
(the approach of defusedxml's ``forbid_dtd``, without the dependency): no billion-laughs
expansion, no external entities, no network. Parsing is the C expat parser fed in
chunks, so memory stays bounded by what the handlers keep. Element names are local names
(namespace URIs dropped), attribute names too, except relationship ids (``rel:id``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from xml.parsers import expat

from classifiers.extract.context import BudgetExceeded


class XmlRefused(Exception):
    """Internal: the part declares a DTD/entities or is not well-formed."""


class XmlHandler:
    """Override what you need; names are local names."""

    def start(self, name: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def data(self, text: str) -> None:
        pass


def _local(name: str) -> str:
    i = name.rfind("}")
    return name[i + 1 :] if i >= 0 else name


def _attr_name(name: str) -> str:
    i = name.rfind("}")
    if i < 0:
        return name
    if name.startswith("http://schemas.openxmlformats.org/officeDocument/2006/relationships}"):
        return "rel:" + name[i + 1 :]
    return name[i + 1 :]


def _refuse(*_args: object) -> None:
    raise XmlRefused("DTD or entity declaration")


def parse_xml(
    chunks: Iterable[bytes], handler: XmlHandler, tick: Callable[[], None] | None = None
) -> None:
    """Feed ``chunks`` to ``handler``; ``tick`` runs between chunks (budget checks).

    Raises ``XmlRefused`` for a DTD, an entity declaration or malformed XML, and lets
    ``BudgetExceeded`` from the handler or ``tick`` through.
    """
    p = expat.ParserCreate(namespace_separator="}")
    p.buffer_text = True
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.StartDoctypeDeclHandler = _refuse
    p.EntityDeclHandler = _refuse
    p.UnparsedEntityDeclHandler = _refuse
    p.ExternalEntityRefHandler = _refuse

    start, end, data = handler.start, handler.end, handler.data
    names: dict[str, str] = {}  # qualified -> local name (a part uses few distinct names)
    anames: dict[str, str] = {}

    def on_start(name: str, attrs: dict[str, str]) -> None:
        local = names.get(name)
        if local is None:
            local = names[name] = _local(name)
        if attrs:
            conv = {}
            for k, v in attrs.items():
                a = anames.get(k)
                if a is None:
                    a = anames[k] = _attr_name(k)
                conv[a] = v
            attrs = conv
        start(local, attrs)

    def on_end(name: str) -> None:
        local = names.get(name)
        if local is None:
            local = names[name] = _local(name)
        end(local)

    p.StartElementHandler = on_start
    p.EndElementHandler = on_end
    p.CharacterDataHandler = data
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
            if tick is not None:
                tick()
        p.Parse(b"", True)
    except expat.ExpatError:
        raise XmlRefused("malformed XML") from None
    except BudgetExceeded:
        raise
    except RecursionError:
        raise XmlRefused("nesting too deep") from None
