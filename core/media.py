"""Public media (cluster logos) served from the site's own origin, from the local folder or from the bucket.

On the local disk (``MEDIA_ROOT``), Django's ``serve`` reads the file. In a bucket (settings' STORAGE_URL), the
object under the public media's location (``media/``) is streamed: only GET and HEAD, only keys of that location
(no ``..``, no empty or ``.`` segment, no backslash), 404 when the object does not exist, the translated 503 when
the bucket is down or does not answer in time. Keys are random and never rewritten (``file_overwrite`` off): an
object does not change, so caches (browsers, a CDN) may keep it ``MEDIA_MAX_AGE`` seconds."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_safe
from django.views.static import serve

from core.downloads import stored_file

MEDIA_MAX_AGE = 3600  # a removed logo stays in caches at most this long (as a signed URL of an hour did)
_MAX_KEY = 255


def _key(path: str) -> str | None:
    """``path`` as a key under the public media's location, or None when it is forged."""
    if not path or len(path) > _MAX_KEY or "\\" in path or "\x00" in path or path.startswith("/"):
        return None
    if any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


@require_safe
def public_media(request, path: str):
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return serve(request, path, document_root=settings.MEDIA_ROOT)  # refuses traversal itself
    key = _key(path)
    if key is None:
        raise Http404
    handle = stored_file(storage, key)  # django-storages reads the object's head: 404 if it does not exist
    head = getattr(handle, "obj", None)
    etag = getattr(head, "e_tag", None)
    modified = getattr(head, "last_modified", None)
    modified = modified.timestamp() if modified else None
    conditional = get_conditional_response(request, etag=etag, last_modified=modified)
    if conditional is not None:  # 304: the browser's or the CDN's copy is this object
        handle.close()
        response = conditional
    elif request.method == "HEAD":
        response = HttpResponse(content_type=_content_type(key))
        response["Content-Length"] = str(handle.size)
        handle.close()
    else:
        response = FileResponse(handle, content_type=_content_type(key))
    if etag:
        response["ETag"] = etag
    if modified:
        response["Last-Modified"] = http_date(modified)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _content_type(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"
