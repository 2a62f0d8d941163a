"""What an uploaded file really is, decided from its content (never from its name or the browser's word).

``sniff_document(data)`` recognises PDF, images (PNG, JPEG, WebP), Office Open XML and OpenDocument files
(by opening the zip container and checking ``[Content_Types].xml`` or the ``mimetype`` entry) and the
legacy Word/Excel compound files. Anything else, including an executable renamed ``.pdf``, raises
``UnsupportedFile``.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError, InvalidFields


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str


PDF = FileKind("application/pdf", "pdf")
PNG = FileKind("image/png", "png")
JPEG = FileKind("image/jpeg", "jpg")
WEBP = FileKind("image/webp", "webp")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx")
ODT = FileKind("application/vnd.oasis.opendocument.text", "odt")
ODS = FileKind("application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = FileKind("application/vnd.oasis.opendocument.presentation", "odp")
DOC = FileKind("application/msword", "doc")
XLS = FileKind("application/vnd.ms-excel", "xls")

EVIDENCE_KINDS = (PDF, PNG, JPEG, WEBP, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS)
EVIDENCE_EXTENSIONS = tuple(kind.extension for kind in EVIDENCE_KINDS)

# The part that makes an OOXML package a document of each kind (main part name, its content type prefix).
_OOXML = (
    ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", DOCX),
    ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", XLSX),
    (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        PPTX,
    ),
)
_ODF = {kind.mime: kind for kind in (ODT, ODS, ODP)}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# Reading more than this from a zip entry would be a zip bomb for our purpose.
_MAX_MANIFEST_BYTES = 1_000_000


class UnsupportedFile(DomainError):
    default_message = _("This kind of file is not accepted.")


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            info = archive.getinfo("mimetype")
            if info.file_size <= 200:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return _ODF.get(mimetype)
            return None
        if "[Content_Types].xml" in names:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > _MAX_MANIFEST_BYTES:
                return None
            manifest = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return None  # macro-enabled documents are refused
            for part, content_type, kind in _OOXML:
                if part in names and content_type in manifest:
                    return kind
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, NotImplementedError):
        return None
    return None


def _ole_kind(data: bytes) -> FileKind | None:
    # The directory of a compound file names its streams in UTF-16: Word has "WordDocument", Excel "Workbook"/"Book".
    if "WordDocument".encode("utf-16-le") in data:
        return DOC
    if "Workbook".encode("utf-16-le") in data or "Book\x00".encode("utf-16-le") in data:
        return XLS
    return None


def sniff_document(data: bytes) -> FileKind:
    """The kind of an evidence file, from its bytes. Raises ``UnsupportedFile`` for anything not accepted."""
    if not data:
        raise UnsupportedFile(_("The file is empty."))
    if data.startswith(_ZIP_MAGIC):
        kind = _zip_kind(data)
    elif data.startswith(_OLE_MAGIC):
        kind = _ole_kind(data)
    else:
        guessed = filetype.guess(data[:8192])
        kind = next((k for k in (PDF, PNG, JPEG, WEBP) if guessed is not None and guessed.mime == k.mime), None)
        if kind is PDF and b"%%EOF" not in data[-4096:]:
            kind = None  # a truncated or fake PDF
    if kind is None:
        raise UnsupportedFile(
            _("This kind of file is not accepted. Accepted: PDF, office documents (%(extensions)s), PNG, JPEG, WebP.")
            % {"extensions": "docx, xlsx, pptx, odt, ods, odp, doc, xls"}
        )
    return kind


def safe_filename(name: str, *, max_length: int = 200) -> str:
    """A file name fit to show and to put in Content-Disposition: no path, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .")
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: max_length - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:max_length]
    return name or "file"


def read_limited(upload, limit: int) -> bytes | None:
    """The upload's bytes, or None when it is larger than ``limit`` (read no further than limit + 1)."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        return None
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    return None if len(data) > limit else data


def document_checked(upload, field: str, *, limit: int) -> tuple[bytes, FileKind]:
    """An uploaded document's bytes and kind, decided from its content; ``InvalidFields`` on ``field`` when there is
    none, when it is larger than ``limit`` or when its content is not an accepted kind."""
    if upload is None:
        raise InvalidFields({field: [_("Choose a file.")]})
    data = read_limited(upload, limit)
    if data is None:
        raise InvalidFields({field: [_("The file is too large: at most %(size)s.") % {"size": filesizeformat(limit)}]})
    try:
        kind = sniff_document(data)
    except UnsupportedFile as exc:
        raise InvalidFields({field: [str(exc.message)]}) from None
    return data, kind
