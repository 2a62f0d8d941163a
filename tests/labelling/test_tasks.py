"""The labelling tasks: registered under their explicit names, thin, and the e-mail task sends."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from config.celery import app
from labelling.tasks import send_email

pytestmark = pytest.mark.usefixtures("english")


def test_the_tasks_are_registered_under_their_explicit_names():
    app.loader.import_default_modules()
    for name in ("labelling.render_report", "labelling.expire_labels", "labelling.send_email"):
        assert name in app.tasks


def test_the_beat_schedule_runs_a_registered_task():
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_send_email_sends_one_message_to_the_recipients():
    assert send_email(subject="Grappe: test", body="Hello", recipients=["a@example.org", "b@example.org"]) == 1
    [message] = mail.outbox
    assert (message.subject, message.body, message.to) == ("Grappe: test", "Hello", ["a@example.org", "b@example.org"])
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.django_db
def test_notifications_are_written_in_each_recipient_language(
    framework, cluster, manager, eager_celery, django_capture_on_commit_callbacks
):
    from labelling.services.notifications import notify
    from tests import factories

    english = factories.ManagerFactory(username="english_manager", language="en")
    silent = factories.ManagerFactory(username="no_mail", email="")
    from django.utils.translation import gettext_lazy

    with django_capture_on_commit_callbacks(execute=True):
        count = notify(
            users=[manager, english, silent],
            subject=gettext_lazy("Grappe: the label %(of_cluster)s is revoked"),
            template="labelling/email/revoked.txt",
            context={"cluster": cluster.name, "reason": "Test.", "label": factories.LabelFactory()},
        )
    assert count == 2
    assert sorted(m.to[0] for m in mail.outbox) == [english.email, manager.email]
    [english_mail] = [m for m in mail.outbox if m.to == [english.email]]
    assert english_mail.subject == "Grappe: the label of Cosmetic Valley is revoked"
