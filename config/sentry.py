"""Sentry, when SENTRY_DSN is set (sentry-sdk is the optional extra ``grappe[sentry]``)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    try:  # deferred: sentry-sdk is an optional extra, imported only when SENTRY_DSN is set
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError as exc:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: pip install 'grappe[sentry]' (the image has it)."
        ) from exc
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,  # no user names, addresses or cookies leave the service
    )
