from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.template import loader
from django.utils import translation

from core.outbox import outbox_enqueue


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password-reset form, whose e-mail is rendered in the request and sent by a Celery task after
    commit: the page answers at once and in the same time whether or not the address is known. The e-mail is
    written in the recipient's preferred language (``User.language``), whatever the page's language."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        language = getattr(context.get("user"), "language", "") or translation.get_language()
        with translation.override(language):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
            html = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        # Through the outbox: a broker outage delays the e-mail instead of losing it (or answering 500).
        with transaction.atomic():
            outbox_enqueue(
                "accounts.send_password_reset", kwargs={"subject": subject, "body": body, "html": html, "to": to_email}
            )
