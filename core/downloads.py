"""Files of the private storage served by Grappe after a permission check (evidence, proofs, contracts, appeals)."""

from __future__ import annotations

from django.http import FileResponse, Http404

from core.views import storage_unavailable


def private_file(field, name: str, content_type: str) -> FileResponse:
    """A file of the private storage, as an attachment the browser does not run: never sniffed, sandboxed, never
    kept by a cache. 404 when the stored file is gone; a bucket that is down, refuses or does not answer in time
    is not "gone": its error goes up to the translated 503 (core.views.server_error)."""
    try:
        handle = field.open("rb")
    except Exception as exc:
        # botocore's timeouts (ConnectTimeoutError, ReadTimeoutError) are also OSErrors: tell them first.
        if not storage_unavailable(exc) and isinstance(exc, (OSError, ValueError)):
            raise Http404 from None
        raise
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
