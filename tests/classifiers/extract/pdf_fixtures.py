"""A tiny PDF writer for synthetic test files (text pages, hidden text, images, metadata)."""

from __future__ import annotations

import io


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def text_stream(lines: list[str], *, prefix: str = "", x: int = 72, y: int = 720) -> str:
    """Content stream drawing ``lines`` top-down in Helvetica 12 after ``prefix`` operators
    (with a prefix, the block saves and restores the graphics state: q ... Q)."""
    ops = ["BT", "/F1 12 Tf", "14 TL", f"{x} {y} Td", prefix]
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    body = "\n".join(op for op in ops if op)
    return f"q\n{body}\nQ" if prefix else body


def build_pdf(
    pages: list[str], *, info: dict[str, str] | None = None, image_pages: tuple[int, ...] = (),
    annots: dict[int, list[str]] | None = None, fields: dict[str, str] | None = None,
    attachments: dict[str, bytes] | None = None,
) -> bytes:
    """A valid PDF whose page i draws the content stream ``pages[i]``.

    Pages listed in ``image_pages`` also carry a 1x1 image XObject (a "scan"); ``annots``
    maps a page index to raw annotation dictionaries; ``fields`` are filled text fields
    (name -> value) of an AcroForm; ``attachments`` become embedded files.
    """
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    catalog = add("")  # placeholders filled below
    pages_id = add("")
    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    image = add(b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray"
                b" /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream")
    kids = []
    for i, content in enumerate(pages):
        data = content.encode("latin-1")
        if i in image_pages:
            data = b"q 100 0 0 100 72 600 cm /Im1 Do Q\n" + data
        stream = add(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
        xobj = f" /XObject << /Im1 {image} 0 R >>" if i in image_pages else ""
        refs = [add(a) for a in (annots or {}).get(i, [])]
        annot = f" /Annots [{' '.join(f'{r} 0 R' for r in refs)}]" if refs else ""
        kids.append(add(
            f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {font} 0 R >>{xobj} >> /Contents {stream} 0 R"
            f"{annot} >>"
        ))
    extra = ""
    if fields:
        refs = [add(f"<< /FT /Tx /T ({_escape(k)}) /V ({_escape(v)}) >>")
                for k, v in fields.items()]
        extra += f" /AcroForm << /Fields [{' '.join(f'{r} 0 R' for r in refs)}] >>"
    if attachments:
        names = []
        for fname, body in attachments.items():
            ef = add(b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(body) + body
                     + b"\nendstream")
            spec = add(f"<< /Type /Filespec /F ({_escape(fname)}) /EF << /F {ef} 0 R >> >>")
            names.append(f"({_escape(fname)}) {spec} 0 R")
        extra += f" /Names << /EmbeddedFiles << /Names [{' '.join(names)}] >> >>"
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R{extra} >>".encode()
    objects[pages_id - 1] = (
        f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    ).encode()
    info_id = None
    if info:
        entries = " ".join(f"/{k} ({_escape(v)})" for k, v in info.items())
        info_id = add(f"<< {entries} >>")
    return serialize(objects, catalog, info_id)


def serialize(objects: list[bytes], root: int, info: int | None = None) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    trailer = f"<< /Size {len(objects) + 1} /Root {root} 0 R"
    if info:
        trailer += f" /Info {info} 0 R"
    out.write(f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def cyclic_pdf() -> bytes:
    """A page tree whose Pages node lists itself as a kid, and a Parent loop."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 3 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>",
    ]
    return serialize(objects, 1)
