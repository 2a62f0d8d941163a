"""Where an uploaded file is stored: a random key under its folder, whatever its name (``RandomName``).

Every ``FileField`` of the project takes ``upload_to=RandomName("<folder>/")``, so an object's key never names a
cluster, a person or a document, whichever path saved it (the services, the Django admin, a shell): the name a
person gave the file, where it matters, is kept in the database and given back on download."""

from __future__ import annotations

import datetime
import posixpath
import re
import uuid

from django.utils.deconstruct import deconstructible

_EXTENSION = re.compile(r"\.[a-z0-9]{1,10}")


@deconstructible(path="core.uploads.RandomName")
class RandomName:
    """``upload_to`` giving ``<folder>/<uuid4 hex><ext>``: ``folder`` may hold ``strftime`` codes
    (``"evidence/%Y/%m/"``) like a string ``upload_to``; only the name's extension is kept (lower case, letters and
    digits)."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = posixpath.splitext(posixpath.basename((filename or "").replace("\\", "/")))[1].lower()
        if not _EXTENSION.fullmatch(extension):
            extension = ""
        folder = datetime.datetime.now().strftime(self.folder)  # noqa: DTZ005 - as Django does for a string upload_to
        return posixpath.join(folder, f"{uuid.uuid4().hex}{extension}")

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash((RandomName, self.folder))
