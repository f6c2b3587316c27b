"""Builders of synthetic Office files for the extraction tests (nothing is stored)."""

from __future__ import annotations

import io
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MSIP_GUID = "3a3f2b1c-1111-4222-8333-944455556666"
CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" '
    f'name="MSIP_Label_{MSIP_GUID}_Enabled"><vt:lpwstr>true</vt:lpwstr></property>'
    f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" '
    f'name="MSIP_Label_{MSIP_GUID}_Name"><vt:lpwstr>Confidential</vt:lpwstr></property>'
    "</Properties>"
)


def with_parts(data: bytes, parts: dict[str, str | bytes]) -> bytes:
    """A copy of the zip ``data`` with ``parts`` added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info, src.read(info))
        for name, body in parts.items():
            dst.writestr(name, body)
    return out.getvalue()


def minimal_docx(body_xml: str, extra: dict[str, str] | None = None) -> bytes:
    """A docx holding only what presend reads: content types and word/document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{W_NS}"><w:body>{body_xml}'
                    "</w:body></w:document>")
        for name, body in (extra or {}).items():
            zf.writestr(name, body)
    return out.getvalue()
