"""A user's preferred language (``User.language``) is the one Grappe speaks to them.

- At login, the ``user_logged_in`` signal switches the request to it and :class:`PreferredLanguageMiddleware`
  writes Django's language cookie on the response, so the next pages (read by ``LocaleMiddleware``) follow.
- The header's language switch (:func:`set_language`) also saves the choice on the account.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

_LANGUAGES = {code for code, _name in settings.LANGUAGES}
_ATTRIBUTE = "_grappe_login_language"


@receiver(user_logged_in)
def apply_preferred_language(sender, request, user, **kwargs):
    language = getattr(user, "language", "")
    if request is None or language not in _LANGUAGES:
        return
    translation.activate(language)
    request.LANGUAGE_CODE = language
    setattr(request, _ATTRIBUTE, language)


class PreferredLanguageMiddleware:
    """Sets the language cookie after a login (see :func:`apply_preferred_language`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        language = getattr(request, _ATTRIBUTE, None)
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


@csrf_exempt
@require_POST
def set_language(request):
    """Django's ``set_language``, which also remembers the choice as the account's preferred language.

    A visitor's switch carries no CSRF token: it stands on public pages kept as shared copies
    (core/public_cache.py), and switching a visitor's language from another site does no harm. A logged-in user's
    switch writes to the account, so it is checked as every other form is (the header's form carries the token for
    them)."""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in _LANGUAGES and getattr(user, "language", language) != language:
        get_user_model().objects.filter(pk=user.pk).update(language=language)
    return response
