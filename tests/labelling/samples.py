"""Small but real files of each kind for the upload tests (built in memory)."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from labelling.services.answers import answer_save


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="JPEG")
    return buffer.getvalue()


def docx_bytes(*, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00" * 16)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active["A1"] = "budget"
    workbook.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def doc_bytes() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 120


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """An upload as the browser sends it (the content type it claims is ignored by the server)."""
    return SimpleUploadedFile(name, data, content_type=content_type)


# Values that earn every indicator its full points (and a comment where the records propose something else).
FULL = {
    "S1": 80, "S2": 60, "S3": 120, "S4": 75, "G1": 10, "G2": "4.5", "G3": 80, "G4": 6, "G5": 70, "G6": 80,
    "G7": 60, "G8": 80, "G9": 12, "G10": 6, "F1": 24, "F2": 35, "V1": "co_built", "V2": "current",
    "V3": "complete", "V4": "audited", "V5": 6, "V6": 6, "V7": 4, "V8": 6, "V9": 60, "V10": 5, "V11": 12,
    "V12": "bilingual", "R1": 20, "R2": 4, "R3": 80,
}  # fmt: skip


def fill(assessment, user, values=FULL, comment="Checked against our own figures."):
    for answer in assessment.answers.select_related("indicator"):
        answer_save(
            user=user,
            answer=answer,
            value=values[answer.indicator.code],
            comment=comment,
            expected_version=answer.version,
        )
