"""Files of the private storage served by Grappe after a permission check (evidence, proofs, contracts, appeals)."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, Http404

from core.views import storage_unavailable


def stored_file(storage, name: str):
    """The file ``name`` of ``storage``, open for reading. 404 (``Http404``, which the API answers as its JSON 404
    too) when there is none, it is gone or its name is forged; a bucket that is down, refuses or does not answer in
    time is not "gone": its error goes up to the translated 503 (core.views.server_error, and the API's handler)."""
    if not name:
        raise Http404
    try:
        return storage.open(name, "rb")
    except Exception as exc:
        # botocore's timeouts (ConnectTimeoutError, ReadTimeoutError) are also OSErrors: tell them first.
        if not storage_unavailable(exc) and isinstance(exc, (OSError, ValueError, SuspiciousOperation)):
            raise Http404 from None
        raise


def private_file(field, name: str, content_type: str) -> FileResponse:
    """A file of the private storage, as an attachment the browser does not run: never sniffed, sandboxed, never
    kept by a cache (``stored_file``: 404 when it is gone, 503 when the bucket is down)."""
    handle = stored_file(field.storage, field.name)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
