"""The one mapping of the domain errors for pages, as ``core.api.exception_handler`` is for the API.

- A ``NotFound`` that a page view lets through answers the 404 page (never 403: what a user may not see does not
  exist for them).
- Any other ``DomainError`` a page view lets through is a refused step: its message is shown on the page the view
  names with ``@refused_to("app:url_name")`` (with the view's own URL arguments) or in ``request.refused_to`` (a
  URL), else on the page the request came from (the same site's referrer), else on the home page.
- On a form, ``submit`` calls the service and puts a refusal on the form's fields (``apply_domain_errors``), so
  that the page re-renders with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import DomainError, NotFound
from core.forms import apply_domain_errors

REFUSED = object()  # what ``submit`` answers when the form or the service refused


def refused_to(url_name: str, *arguments: str):
    """Name the page a refused step of this view goes back to: it takes the view's URL arguments (``arguments``:
    only these)."""

    def mark(view):
        view.refused_to = (url_name, arguments)
        return view

    return mark


def submit(
    form: forms.Form, call: Callable[[dict], Any], *, field_map: dict[str, str] | None = None, whole: bool = False
) -> Any:
    """``call(form.cleaned_data)`` when the form is valid, and its result; ``REFUSED`` when the form is invalid
    or the service refused (its errors are on the form's fields; ``whole``: its message on the form as a whole).
    ``NotFound`` goes through (404)."""
    if not form.is_valid():
        return REFUSED
    try:
        return call(form.cleaned_data)
    except NotFound:
        raise
    except DomainError as exc:
        if whole:
            form.add_error(None, str(exc.message))
        else:
            apply_domain_errors(form, exc, field_map=field_map)
        return REFUSED


def _back(request: HttpRequest) -> str:
    if getattr(request, "refused_to", ""):
        return request.refused_to
    referrer = request.headers.get("referer", "")
    if referrer and url_has_allowed_host_and_scheme(referrer, {request.get_host()}, request.is_secure()):
        return referrer
    return "/"


class DomainErrorMiddleware:
    """Pages only: the API's views answer their domain errors themselves (DRF's exception handler)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        url_name, arguments = getattr(view_func, "refused_to", (None, ()))
        if url_name:
            kwargs = {name: view_kwargs[name] for name in arguments} if arguments else view_kwargs
            request.refused_to = reverse(url_name, kwargs=kwargs)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, DomainError):
            messages.error(request, str(exception.message))
            return redirect(_back(request))
        return None
