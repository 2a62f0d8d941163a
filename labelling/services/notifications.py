"""E-mail notifications: rendered in each recipient's language, sent by a Celery task after commit.

A transition that is rolled back never sends its e-mail, and a slow or failing mail server never
holds a web request or a database transaction. The task goes through the outbox (``core/outbox.py``):
written with the change, handed to the broker after the commit, and relayed later when the broker is down,
so an outage delays an e-mail instead of losing it (or answering 500 after the change was saved).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core.outbox import outbox_enqueue
from core.text import of_name


def notify(*, users: Iterable, subject, template: str, context: dict | None = None) -> int:
    """Queue one e-mail per language for ``users`` (those without an address are skipped).

    ``subject`` is a lazy translatable string, formatted with ``context`` (``%(name)s`` placeholders).
    Returns the number of recipients.
    """
    context = {"site_url": settings.SITE_URL.rstrip("/"), **(context or {})}
    by_language: dict[str, list[str]] = defaultdict(list)
    for user in users:
        if user is not None and user.email and user.is_active:
            by_language[getattr(user, "language", "") or settings.LANGUAGE_CODE].append(user.email)
    for language, recipients in by_language.items():
        with translation.override(language):
            if "cluster" in context:  # « de Vegepolys » / « d'Elastopole » in French, "of …" in English
                context["of_cluster"] = of_name(str(context["cluster"]))
            text = str(subject)
            try:
                text = text % context
            except (KeyError, TypeError, ValueError):
                pass
            body = render_to_string(template, context)
        outbox_enqueue(
            "labelling.send_email", kwargs={"subject": text, "body": body, "recipients": sorted(set(recipients))}
        )
    return sum(len(r) for r in by_language.values())
