"""The beat's e-mails: reminders 30 and 7 days before the due date and weekly when late, in each manager's
language, each sent once; the officers' weekly digest; and both run by a real worker through Redis."""

import datetime

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from programmes import services
from programmes.models import Reminder, YearlyReport
from programmes.tasks import remind_reports, send_officers_digest
from tests import factories
from tests.worker import wait_for


def _setup(suffix=""):
    fr = factories.ManagerFactory(username=f"fr{suffix}", language="fr", email=f"fr{suffix}@example.org")
    en = factories.ManagerFactory(username=f"en{suffix}", language="en", email=f"en{suffix}@example.org")
    officer = factories.OfficerFactory(username=f"officer{suffix}", language="en", email=f"o{suffix}@example.org")
    cluster = factories.ClusterFactory(name=f"Elastopole{suffix}")
    cluster.managers.add(fr, en)
    programme = factories.ProgrammeFactory(ends_on=datetime.date(2025, 12, 31))  # 2023-2025, due 31 March
    programme.officers.add(officer)
    enrolment = factories.EnrolmentFactory(programme=programme, cluster=cluster)
    return fr, en, officer, cluster, programme, enrolment


def _subjects():
    return sorted(m.kwargs["subject"] for m in OutboxMessage.objects.filter(task="labelling.send_email"))


@pytest.mark.django_db
def test_reminders_30_and_7_days_before_then_weekly_when_late_each_once_in_each_language():
    _fr, _en, _officer, cluster, programme, _enrolment = _setup()
    YearlyReport.objects.create(programme=programme, cluster=cluster, year=2023, status="approved")
    assert services.reports_remind(today=datetime.date(2025, 2, 15)).sent == []  # 44 days before 31 March 2025
    sent = services.reports_remind(today=datetime.date(2025, 3, 1)).sent
    assert sent == [key for key in sent if key.endswith(":2024:30")] and len(sent) == 1
    subjects = _subjects()
    assert any("is due in 30 days" in s for s in subjects), subjects  # the English manager's
    assert any("est attendu dans 30 jours" in s for s in subjects), subjects  # the French manager's
    bodies = [m.kwargs["body"] for m in OutboxMessage.objects.filter(task="labelling.send_email")]
    assert any("Le rapport annuel d’Elastopole" in b and "31 mars 2025" in b for b in bodies) and any(
        "Mar" in b and "is due on" in b for b in bodies
    ), bodies
    assert services.reports_remind(today=datetime.date(2025, 3, 2)).sent == []  # once
    assert [k.rsplit(":", 1)[1] for k in services.reports_remind(today=datetime.date(2025, 3, 25)).sent] == ["7"]
    late = services.reports_remind(today=datetime.date(2025, 4, 2)).sent
    assert late and late[0].endswith(":late:2025-W14")
    assert services.reports_remind(today=datetime.date(2025, 4, 4)).sent == []  # the same week
    assert services.reports_remind(today=datetime.date(2025, 4, 8)).sent[0].endswith(":late:2025-W15")
    assert any("est en retard" in s for s in _subjects())


@pytest.mark.django_db
def test_a_submitted_report_is_not_reminded_and_the_digest_tells_the_officer_once_a_week():
    manager, _en, officer, _cluster, programme, enrolment = _setup()
    for year in (2023, 2024, 2025):
        YearlyReport.objects.create(
            programme=programme,
            cluster=enrolment.cluster,
            year=year,
            status="submitted",
            submitted_at=timezone.now(),
        )
    assert services.reports_remind(today=datetime.date(2025, 4, 2)).sent == []
    OutboxMessage.objects.all().delete()
    assert len(services.officers_digest().sent) == 1
    [message] = OutboxMessage.objects.filter(task="labelling.send_email")
    assert message.kwargs["recipients"] == [officer.email]
    assert "3 yearly reports arrived" in message.kwargs["body"]
    assert services.officers_digest().sent == []


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_reminders_and_the_digest_through_redis(celery_worker_process):
    _fr, _en, _officer, cluster, programme, enrolment = _setup("_worker")
    # 2023-2025: the reports on 2023 and 2024 are late today; the one on 2024 arrived this week
    YearlyReport.objects.create(
        programme=programme, cluster=cluster, year=2024, status="submitted", submitted_at=timezone.now()
    )
    emails_before = celery_worker_process.received("labelling.send_email")
    remind_reports.delay()
    send_officers_digest.delay()
    wait_for(
        lambda: (
            Reminder.objects.filter(key__startswith=f"report:{programme.pk}:{cluster.pk}:2023:late").exists()
            and Reminder.objects.filter(key__startswith="digest:").exists()
        ),
        message="the reminder and the digest",
        worker=celery_worker_process,
        timeout=60,
    )
    assert not Reminder.objects.filter(key__startswith=f"report:{programme.pk}:{cluster.pk}:2024").exists()
    wait_for(
        lambda: (
            celery_worker_process.received("labelling.send_email") >= emails_before + 3
            and not OutboxMessage.objects.filter(task="labelling.send_email").exists()
        ),
        message="the e-mails handed to the broker",
        worker=celery_worker_process,
    )
    # one e-mail per language for the late report on 2023 (the French and the English manager), the digest:
    # handed to the broker after the commit, then sent by the worker
    wait_for(lambda: "labelling.send_email" in celery_worker_process.log(), worker=celery_worker_process)
