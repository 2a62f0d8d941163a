"""The public media's store when the files are in a bucket (settings' STORAGE_URL): the bucket stays private, and a
logo's URL is the site's own (``MEDIA_URL`` + key), served by ``core.media.public_media`` which reads the object.

A signed URL on the bucket's host would be blocked by the content security policy (``img-src 'self'``) and, with
an internal endpoint (docker-compose's bucket profile), would name a host browsers cannot reach."""

from __future__ import annotations

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PublicMediaStorage(S3Storage):
    """django-storages' S3 store whose ``url()`` is ``MEDIA_URL`` + the key, as FileSystemStorage's."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name).lstrip("/"))
