"""Small files of each kind, built in memory: real signatures, tiny bodies."""

from __future__ import annotations

import io
import zipfile

from coordinator.documents import kinds

OOXML_MAIN = {"docx": kinds.OOXML_MAIN[kinds.DOCX], "xlsx": kinds.OOXML_MAIN[kinds.XLSX],
              "pptx": kinds.OOXML_MAIN[kinds.PPTX]}
ODF = {"odt": kinds.ODT, "ods": kinds.ODS, "odp": kinds.ODP}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def content_types(main: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
            'openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" '
            f'ContentType="{main}"/></Types>').encode()


def zipped(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first),
                             compress_type=zipfile.ZIP_STORED)
        for name, body in entries.items():
            archive.writestr(name, body)
    return buffer.getvalue()


def ooxml(extension: str) -> bytes:
    return zipped({"[Content_Types].xml": content_types(OOXML_MAIN[extension]),
                   "main.xml": b"<document/>"})


def odf(extension: str) -> bytes:
    return zipped({"mimetype": ODF[extension].encode(), "content.xml": b"<office/>"},
                  stored_first="mimetype")


SAMPLES: dict[str, bytes] = {
    "pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n" + bytes(32),
    "jpg": b"\xff\xd8\xff\xe0" + bytes(32),
    "jpeg": b"\xff\xd8\xff\xdb" + bytes(32),
    "gif": b"GIF89a" + bytes(32),
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24),
    "doc": OLE, "xls": OLE, "ppt": OLE,
    **{extension: ooxml(extension) for extension in OOXML_MAIN},
    **{extension: odf(extension) for extension in ODF},
}
