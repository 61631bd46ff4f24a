"""A document's kind is told from its bytes and must agree with its name; what is not a
document we accept (a program, a web page, an SVG) is refused whatever it is called."""

from __future__ import annotations

import time

import pytest

from coordinator.documents import kinds
from coordinator.documents.services import clean_filename
from coordinator.errors import InvalidInput
from tests.documents.samples import SAMPLES, content_types, ooxml, zipped

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
EXE = b"MZ\x90\x00" + bytes(60) + b"PE\x00\x00"


@pytest.mark.parametrize("extension", sorted(SAMPLES))
def test_each_accepted_kind_is_recognised_by_its_bytes(extension: str) -> None:
    kind = kinds.detect(SAMPLES[extension], f"Informe.{extension.upper()}")
    assert kind.content_type == kinds.EXTENSIONS[extension]


@pytest.mark.parametrize(("data", "name"), [
    (EXE, "informe.pdf"), (EXE, "informe.exe"), (HTML, "agenda.pdf"), (HTML, "agenda.html"),
    (SVG, "logo.png"), (SVG, "logo.svg"), (b"plain words", "notes.txt"),
])
def test_a_renamed_program_page_or_svg_is_refused(data: bytes, name: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        kinds.detect(data, name)
    assert refused.value.field == "document"


def test_a_file_whose_name_says_another_kind_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"ends in \.xlsx"):
        kinds.detect(ooxml("docx"), "plan.xlsx")
    with pytest.raises(InvalidInput, match=r"ends in \.png"):
        kinds.detect(SAMPLES["jpg"], "photo.png")


def test_a_zip_that_is_no_office_document_is_refused() -> None:
    with pytest.raises(InvalidInput):
        kinds.detect(zipped({"readme.txt": b"hello"}), "plan.docx")
    macro = "application/vnd.ms-word.document.macroEnabled.main+xml"
    with pytest.raises(InvalidInput):
        kinds.detect(zipped({"[Content_Types].xml": content_types(macro)}), "plan.docx")


def test_an_archive_of_too_many_entries_is_refused_before_it_is_parsed() -> None:
    entries = {f"f{i}.xml": b"" for i in range(kinds.MAX_ZIP_ENTRIES + 1)}
    entries["[Content_Types].xml"] = content_types(kinds.OOXML_MAIN[kinds.DOCX])
    with pytest.raises(InvalidInput):
        kinds.detect(zipped(entries), "plan.docx")


def test_a_zip_bomb_is_read_only_as_far_as_the_marker_limit() -> None:
    """[Content_Types].xml inflating to 64 MB, the real type hidden at its end."""
    main = kinds.OOXML_MAIN[kinds.DOCX]
    bomb = b"<Types>" + b" " * (64 * 1024 * 1024) + content_types(main)
    data = zipped({"[Content_Types].xml": bomb})
    assert len(data) < 1024 * 1024
    started = time.perf_counter()
    with pytest.raises(InvalidInput):
        kinds.detect(data, "plan.docx")
    assert time.perf_counter() - started < 1


def test_a_large_entry_besides_the_marker_is_never_inflated() -> None:
    data = zipped({"[Content_Types].xml": content_types(kinds.OOXML_MAIN[kinds.XLSX]),
                   "xl/huge.bin": b"\0" * (100 * 1024 * 1024)})
    started = time.perf_counter()
    assert kinds.detect(data, "plan.xlsx").content_type == kinds.XLSX
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(("given", "kept"), [
    ("../../etc/informe.pdf", "informe.pdf"),
    ("C:\\Users\\ana\\Acta final.docx", "Acta final.docx"),
    ("acta\x00\x07\r\n.pdf", "acta.pdf"),
    ("foto\u202egpj.exe.png", "fotogpj.exe.png"),  # a bidi override hid the real order
    ("  ..oculto.pdf ", "oculto.pdf"),
    ("Informe de avance.PDF", "Informe de avance.PDF"),
])
def test_a_file_name_loses_its_path_and_control_characters(given: str, kept: str) -> None:
    assert clean_filename(given) == kept


def test_a_long_file_name_keeps_its_extension() -> None:
    name = clean_filename("a" * 500 + ".pdf")
    assert len(name) == 200 and name.endswith("a.pdf")


@pytest.mark.parametrize("given", ["", "../", "\x00\x01", "informe", ".pdf"])
def test_a_file_name_without_a_name_or_extension_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput):
        clean_filename(given)
