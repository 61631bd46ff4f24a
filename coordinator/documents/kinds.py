"""Which files are accepted, told from their bytes, never from what the sender claims.

A document's content type is detected from its signature and must agree with its file
name's extension: a renamed program, web page or SVG (which can carry script) is refused,
and the type we serve is one we checked. Office files in ZIP form (OOXML, ODF) are looked
into with `zipfile`, bounded: the entry count is read from the archive's end record before
anything is parsed, and only the first bytes of the one entry that names the format are
decompressed, so a zip bomb or an archive of a million entries costs nothing. The
entry's XML is searched for the format's content type, not parsed (no entity expansion).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from coordinator.cadence.errors import N_, InvalidInput

MAX_ZIP_ENTRIES = 5000  # a large spreadsheet has a few hundred
MAX_MARKER_BYTES = 64 * 1024  # of [Content_Types].xml or mimetype, decompressed
EOCD = b"PK\x05\x06"  # APPNOTE 4.3.16: end of central directory record
EOCD_SEARCH = 22 + 0xFFFF  # the record, after a comment of at most 64 KiB

PDF, PNG, JPEG, GIF, WEBP = ("application/pdf", "image/png", "image/jpeg", "image/gif",
                             "image/webp")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT, ODS, ODP = ("application/vnd.oasis.opendocument.text",
                 "application/vnd.oasis.opendocument.spreadsheet",
                 "application/vnd.oasis.opendocument.presentation")
DOC, XLS, PPT = "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint"

# The content type each accepted extension stands for.
EXTENSIONS = {
    "pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "gif": GIF, "webp": WEBP,
    "docx": DOCX, "xlsx": XLSX, "pptx": PPTX, "odt": ODT, "ods": ODS, "odp": ODP,
    "doc": DOC, "xls": XLS, "ppt": PPT,
}
# The main part's content type in [Content_Types].xml (ECMA-376 Part 2); macro-enabled
# variants (docm, xlsm, pptm) have other types and are not accepted.
OOXML_MAIN = {
    DOCX: DOCX + ".main+xml",
    XLSX: XLSX + ".main+xml",
    PPTX: PPTX + ".main+xml",
}
OLE = "ole"  # doc, xls and ppt share one container signature (MS-CFB)
OLE_TYPES = (DOC, XLS, PPT)

NOT_ACCEPTED = N_("This kind of file is not accepted: send a PDF, an office document "
                  "(Word, Excel, PowerPoint or OpenDocument) or an image (PNG, JPEG, GIF, "
                  "WebP).")


@dataclass(frozen=True)
class Kind:
    content_type: str
    extension: str


def _signature(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if data.startswith(b"PK\x03\x04"):
        return _zipped(data)
    return None


def _entry_count(data: bytes) -> int | None:
    """The archive's own count of entries, from its end record (None: no such record)."""
    at = data.rfind(EOCD, max(0, len(data) - EOCD_SEARCH))
    if at < 0 or len(data) < at + 22:
        return None
    return int(struct.unpack_from("<H", data, at + 10)[0])


def _read_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    with archive.open(info) as entry:
        return entry.read(MAX_MARKER_BYTES)


def _zipped(data: bytes) -> str | None:
    count = _entry_count(data)
    # 0xFFFF: a ZIP64 archive, which no office document of this size needs.
    if count is None or count >= min(MAX_ZIP_ENTRIES, 0xFFFF):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if len(archive.infolist()) > MAX_ZIP_ENTRIES:
                return None
            mimetype = _read_entry(archive, "mimetype")  # ODF 1.2 Part 3, 3.3
            if mimetype is not None:
                declared = mimetype.decode("ascii", "replace").strip()
                return declared if declared in (ODT, ODS, ODP) else None
            types = _read_entry(archive, "[Content_Types].xml")
            if types is None:
                return None
            text = types.decode("utf-8", "replace")
            found = [kind for kind, main in OOXML_MAIN.items() if f'"{main}"' in text]
            return found[0] if len(found) == 1 else None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError, OSError):
        return None  # broken, encrypted or in a compression we do not read


def extension_of(filename: str) -> str:
    return filename.rsplit(".", 1)[1].lower() if "." in filename else ""


def detect(data: bytes, filename: str) -> Kind:
    """The kind of an accepted document; refused when its bytes are of no accepted kind
    or not of the kind its name says."""
    extension = extension_of(filename)
    claimed = EXTENSIONS.get(extension)
    found = _signature(data)
    if claimed is None or found is None:
        raise InvalidInput(NOT_ACCEPTED, field="document")
    if found == OLE and claimed in OLE_TYPES:
        return Kind(claimed, extension)
    if found != claimed:
        raise InvalidInput(N_("The file name ends in .%(extension)s but the file is not of "
                              "that kind."), field="document", extension=extension)
    return Kind(found, extension)
