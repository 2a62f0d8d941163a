"""The one mapping of the domain errors for pages, as ``core.api.exception_handler`` is for the API.

- A ``NotFound`` that a page view lets through answers the 404 page (never 403: what a user may not see does not
  exist for them).
- Any other ``DomainError`` a page view lets through is a refused step: its message is shown on the page the view
  names with ``@refused_to("app:url_name")`` (with the view's own URL arguments) or in ``request.refused_to`` (a
  URL), else on the page the request came from (the same site's referrer), else on the home page.
- On a form, ``submit`` calls the service and puts a refusal on the form's fields (``apply_domain_errors``), so
  that the page re-renders with what was typed, with the refusal's status (``refused_status``: 400, 409, 429…).
  The refusals a view names in ``through`` go on to the middleware (a step the status no longer allows goes back
  to the page of ``@refused_to``).
- A step posted with a page's form (the record's ``version`` as read among its fields, for the optimistic lock)
  answers with ``step``: refused, the page re-rendered with the form (``submit``); done, a message and a redirect.
- A view marked ``@json_refusals`` (a page's script calls it) answers a refusal in JSON: ``ok`` false, the
  message, whether it is a conflict and the errors by field, with the refusal's status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core.exceptions import ConflictError, DomainError, InvalidTransition, NotFound
from core.forms import apply_domain_errors

REFUSED = object()  # what ``submit`` answers when the form or the service refused


def refused_to(url_name: str, *arguments: str, transition: str | None = None):
    """Name the page a refused step of this view goes back to: it takes the view's URL arguments (``arguments``:
    only these); ``transition``: the page a step the status no longer allows (``InvalidTransition``) goes back to
    instead, with the same arguments."""

    def mark(view):
        view.refused_to = (url_name, arguments)
        view.refused_transition_to = transition
        return view

    return mark


def json_refusals(view):
    """Mark a view whose refusals are answered in JSON (for a page's script), not with a page."""
    view.json_refusals = True
    return view


def submit(
    form: forms.Form,
    call: Callable[[dict], Any],
    *,
    field_map: dict[str, str] | Callable[[DomainError], dict[str, str]] | None = None,
    whole: bool = False,
    through: tuple[type[DomainError], ...] = (),
) -> Any:
    """``call(form.cleaned_data)`` when the form is valid, and its result; ``REFUSED`` when the form is invalid
    or the service refused (its errors are on the form's fields, ``field_map`` renaming the service's fields, or
    a function of the refusal that gives the renaming; ``whole``: its message on the form as a whole, with the
    details it lists). The refusal is kept on ``form.refusal`` (``refused_status`` gives its status).
    ``NotFound`` and the refusals of ``through`` go on (``core.pages``)."""
    form.refusal = None
    if not form.is_valid():
        return REFUSED
    try:
        return call(form.cleaned_data)
    except NotFound:
        raise
    except DomainError as exc:
        if isinstance(exc, through):
            raise
        form.refusal = exc
        if whole:
            form.add_error(None, str(exc.message))
            if isinstance(exc.errors, list | tuple):
                for detail in exc.errors:
                    form.add_error(None, str(detail))
        else:
            apply_domain_errors(form, exc, field_map=field_map(exc) if callable(field_map) else field_map)
        return REFUSED


def step(
    request: HttpRequest,
    form: forms.Form,
    call: Callable[[dict], Any],
    *,
    done: str,
    then: str,
    refused: Callable[[forms.Form], HttpResponse],
    whole: bool = False,
) -> HttpResponse:
    """A step posted with a page's form, whose fields hold the record's ``version`` as read (``call`` gives it to
    the service as ``expected_version``: a stale one is refused on the form as a conflict): ``submit(form, call,
    whole=whole)``; refused, the answer is ``refused(form)`` (the page again, with the form and its errors);
    done, ``done`` is the success message and the answer a redirect to ``then`` (a URL)."""
    if submit(form, call, whole=whole) is REFUSED:
        return refused(form)
    messages.success(request, done)
    return redirect(then)


def refused_status(form: forms.Form) -> int:
    """The status of a page whose form ``submit`` refused: the service's refusal's (409 for a conflict, 429 when
    the user asked too often…), else 400 (the form itself refused)."""
    refusal = getattr(form, "refusal", None)
    return refusal.status_code if refusal is not None else 400


def _json_refusal(exception: DomainError) -> JsonResponse:
    errors = exception.errors if isinstance(exception.errors, dict) else {}
    return JsonResponse(
        {
            "ok": False,
            "conflict": isinstance(exception, ConflictError),
            "message": str(exception.message),
            "errors": {k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])] for k, v in errors.items()},
        },
        status=exception.status_code,
    )


def _back(request: HttpRequest, exception: DomainError) -> str:
    if isinstance(exception, InvalidTransition) and getattr(request, "refused_transition_to", ""):
        return request.refused_transition_to
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
        request.json_refusals = getattr(view_func, "json_refusals", False)
        url_name, arguments = getattr(view_func, "refused_to", (None, ()))
        if url_name:
            kwargs = {name: view_kwargs[name] for name in arguments} if arguments else view_kwargs
            request.refused_to = reverse(url_name, kwargs=kwargs)
            transition = getattr(view_func, "refused_transition_to", None)
            if transition:
                request.refused_transition_to = reverse(transition, kwargs=kwargs)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError) and getattr(request, "json_refusals", False):
            return _json_refusal(exception)
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, DomainError):
            messages.error(request, str(exception.message))
            return redirect(_back(request, exception))
        return None
