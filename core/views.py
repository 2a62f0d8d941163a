"""Error pages that never need the database: a 503 when it is unreachable, JSON bodies under /api/.

``handler500`` runs inside Django's ``except`` block, so ``sys.exc_info()`` tells what went wrong: a database
that cannot be reached (connection refused, server gone, too many clients) answers 503 with ``Retry-After``,
anything else 500. Under ``/api/`` the body is JSON (``{"detail": …}``) like every other API error; elsewhere a
small self-contained page in the visitor's language (the language comes from LocaleMiddleware, which reads no
table). The templates use no context processor and no ``{% url %}`` that would touch the session or the user.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 30


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means "the database cannot be reached" (rather than a bug in a query)."""
    return isinstance(exc, (OperationalError, InterfaceError))


def storage_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means "the object storage (S3) cannot be reached or refuses" (settings' STORAGE_URL)."""
    try:
        # deferred: botocore is there only where the storage is a bucket
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return False
    return isinstance(exc, (BotoCoreError, ClientError))


def _answer(request, *, status: int, title: str, message: str) -> HttpResponse:
    if _is_api(request):
        response = JsonResponse({"detail": message}, status=status)
    else:
        html = render_to_string("error.html", {"status": status, "title": title, "message": message})
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request, *args, **kwargs) -> HttpResponse:
    if database_unavailable(sys.exc_info()[1]):
        return _answer(
            request,
            status=503,
            title=_("Service temporarily unavailable"),
            message=_("Grappe cannot reach its database for the moment. Nothing was lost: try again in a minute."),
        )
    if storage_unavailable(sys.exc_info()[1]):
        return _answer(
            request,
            status=503,
            title=_("Service temporarily unavailable"),
            message=_(
                "Grappe cannot reach its file storage for the moment. Nothing was saved and nothing already saved "
                "was lost: try again in a minute."
            ),
        )
    return _answer(
        request,
        status=500,
        title=_("Server error"),
        message=_("Something went wrong on our side. The administrators have been told; try again later."),
    )


def bad_request(request, exception=None, *args, **kwargs) -> HttpResponse:
    return _answer(request, status=400, title=_("Bad request"), message=_("The request could not be understood."))


def not_found(request, exception=None, *args, **kwargs) -> HttpResponse:
    """A url that matches no route, or a record the visitor may not see (the same answer, so that nothing tells
    them apart): JSON under /api/ (DRF answers the 404s of its own views), the site's error page in the visitor's
    language elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return _answer(
        request,
        status=404,
        title=_("Page not found"),
        message=_(
            "This page does not exist, or you may not see it. Check the address, or start again from the home page."
        ),
    )
