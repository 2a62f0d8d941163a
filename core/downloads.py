"""Files of the private storage served by Grappe after a permission check (evidence, proofs, contracts, appeals)."""

from __future__ import annotations

from django.http import FileResponse, Http404


def private_file(field, name: str, content_type: str) -> FileResponse:
    """A file of the private storage, as an attachment the browser does not run: never sniffed, sandboxed, never
    kept by a cache. 404 when the stored file is gone."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
