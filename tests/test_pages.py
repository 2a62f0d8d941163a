"""core.pages: the one mapping of the domain errors for pages (a NotFound answers 404, another DomainError goes
back with its message), ``submit``, which puts a service's refusal on the form, and ``step``, a versioned step's
answer."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core.exceptions import ConflictError, DomainError, InvalidFields, NotFound
from core.pages import REFUSED, DomainErrorMiddleware, refused_to, step, submit


def _request(path="/x/", referer=""):
    request = RequestFactory().post(path, HTTP_REFERER=referer) if referer else RequestFactory().post(path)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _through(view, request, **kwargs):
    middleware = DomainErrorMiddleware(lambda r: HttpResponse())
    middleware.process_view(request, view, (), kwargs)
    try:
        return view(request, **kwargs)
    except Exception as exc:  # what Django's handler does: ask the middleware, else let it through
        response = middleware.process_exception(request, exc)
        if response is None:
            raise
        return response


def test_a_not_found_answers_the_404_page():
    def view(request):
        raise NotFound()

    with pytest.raises(Http404):
        _through(view, _request())


def test_a_refused_step_goes_back_to_the_page_the_view_names_with_its_message():
    @refused_to("labelling:assessment_detail", "pk")
    def view(request, pk, category_code):
        raise DomainError("Not now.")

    request = _request()
    response = _through(view, request, pk=7, category_code="S")

    assert (response.status_code, response.url) == (302, "/assessments/7/")
    assert [str(m) for m in get_messages(request)] == ["Not now."]


def test_without_a_named_page_a_refusal_goes_back_to_the_referrer_of_this_site_only():
    def view(request):
        raise DomainError("Not now.")

    assert _through(view, _request(referer="http://testserver/clusters/")).url == "http://testserver/clusters/"
    assert _through(view, _request(referer="https://elsewhere.example/")).url == "/"


def test_other_exceptions_are_left_alone():
    def view(request):
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        _through(view, _request())


class NameForm(forms.Form):
    name = forms.CharField()


def test_submit_calls_the_service_with_the_cleaned_data_or_puts_its_refusal_on_the_form():
    assert submit(NameForm({"name": "Ada"}), lambda data: data["name"].upper()) == "ADA"

    form = NameForm({"name": "Ada"})

    def refuse(data):
        raise InvalidFields({"name": ["Taken."]})

    assert submit(form, refuse) is REFUSED
    assert form.errors == {"name": ["Taken."]}

    form = NameForm({"name": "Ada"})
    assert (
        submit(form, lambda data: (_ for _ in ()).throw(DomainError("No.", errors={"x": ["y"]})), whole=True) is REFUSED
    )
    assert form.errors == {"__all__": ["No."]}

    assert submit(NameForm({}), lambda data: pytest.fail("not called")) is REFUSED
    with pytest.raises(NotFound):
        submit(NameForm({"name": "Ada"}), lambda data: (_ for _ in ()).throw(NotFound()))


class StepForm(forms.Form):
    name = forms.CharField()
    version = forms.IntegerField()


def test_a_step_done_redirects_with_its_message_and_a_refused_one_answers_the_page_again_with_the_form():
    def call(data):
        if data["version"] != 3:
            raise ConflictError("Stale.")

    def page(form):
        return HttpResponse(str(form.errors["__all__"][0]), status=400)

    request = _request()
    response = step(request, StepForm({"name": "Ada", "version": "3"}), call, done="Done.", then="/a/#b", refused=page)
    assert (response.status_code, response.url) == (302, "/a/#b")
    assert [str(m) for m in get_messages(request)] == ["Done."]

    request = _request()
    response = step(request, StepForm({"name": "Ada", "version": "2"}), call, done="Done.", then="/a/", refused=page)
    assert (response.status_code, response.content) == (400, b"Stale.")
    assert list(get_messages(request)) == []
