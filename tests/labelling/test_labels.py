"""Labels: certificate numbers, supersession, revocation, expiry and the 90/30-day reminders."""

from __future__ import annotations

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from audit.models import AuditEvent
from core.exceptions import DomainError, InvalidTransition, NotFound
from labelling.models import Label, LabelStatus
from labelling.services.labels import label_revoke, labels_expire
from labelling.tasks import expire_labels
from tests import factories
from tests.labelling.workflow_helpers import decided

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=datetime.UTC))


@pytest.fixture
def label(framework, cluster, manager):
    return factories.LabelFactory(
        assessment=factories.AssessmentFactory(cluster=cluster, status="decided"),
        awarded_on=datetime.date(2026, 3, 15),
    )


def test_each_decision_gets_its_own_certificate_number(
    framework, cluster, other_cluster, manager, other_manager, administrator, assessor
):
    with _at(datetime.date(2026, 5, 4)):
        first = decided(cluster, manager, administrator, assessor).assessment.label
        second = decided(other_cluster, other_manager, administrator, assessor).assessment.label
    assert first.certificate_number != second.certificate_number
    for label in (first, second):
        assert re.fullmatch(rf"GRP-2026-{label.pk:06d}-[0-9A-HJKMNP-TV-Z]{{8}}", label.certificate_number)
        assert label.expires_on == datetime.date(2028, 5, 3)


def test_a_new_label_supersedes_the_cluster_active_one(framework, cluster, manager, administrator, assessor):
    with _at(datetime.date(2024, 3, 1)):
        old = decided(cluster, manager, administrator, assessor, reference_year=2023).assessment.label
    with _at(datetime.date(2025, 9, 1)):
        new = decided(cluster, manager, administrator, assessor, reference_year=2024).assessment.label
    old.refresh_from_db()
    assert (old.status, new.status) == (LabelStatus.EXPIRED, LabelStatus.ACTIVE)
    event = AuditEvent.objects.get(action="label.superseded")
    assert event.after == {"status": "expired", "superseded_by": new.certificate_number}


def test_revoke_keeps_the_record_and_the_reason(
    label, administrator, manager, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        label_revoke(user=administrator, label=label, reason="Misleading figures.")
    label.refresh_from_db()
    assert label.status == LabelStatus.REVOKED
    assert label.revoked_reason == "Misleading figures." and label.revoked_at is not None
    event = AuditEvent.objects.get(action="label.revoked")
    assert event.actor == administrator
    assert event.after == {"status": "revoked", "reason": "Misleading figures."}
    assert mail.outbox[0].to == [manager.email]


def test_revoke_needs_a_reason_and_an_administrator(label, administrator, manager):
    with pytest.raises(DomainError) as exc:
        label_revoke(user=administrator, label=label, reason=" ")
    assert exc.value.errors == {"reason": ["Give the reason for the revocation."]}
    with pytest.raises(NotFound):
        label_revoke(user=manager, label=label, reason="No.")
    label.refresh_from_db()
    assert label.status == LabelStatus.ACTIVE


def test_only_an_active_label_can_be_revoked(label, administrator):
    label_revoke(user=administrator, label=label, reason="Once.")
    with pytest.raises(InvalidTransition):
        label_revoke(user=administrator, label=label, reason="Twice.")


def test_a_label_is_valid_through_its_last_day_and_expires_the_day_after(label):
    assert label.expires_on == datetime.date(2028, 3, 14)
    run = labels_expire(today=datetime.date(2028, 3, 14))
    label.refresh_from_db()
    assert run.expired == [] and label.status == LabelStatus.ACTIVE
    run = labels_expire(today=datetime.date(2028, 3, 15))
    label.refresh_from_db()
    assert run.expired == [label.certificate_number] and label.status == LabelStatus.EXPIRED
    assert AuditEvent.objects.get(action="label.expired").actor is None


def test_revoked_labels_are_not_expired_again(label, administrator):
    label_revoke(user=administrator, label=label, reason="Fraud.")
    labels_expire(today=datetime.date(2030, 1, 1))
    label.refresh_from_db()
    assert label.status == LabelStatus.REVOKED


def test_the_90_and_30_day_reminders_are_sent_once_each(
    label, manager, eager_celery, django_capture_on_commit_callbacks
):
    expires = label.expires_on
    days = [expires - datetime.timedelta(days=n) for n in (91, 90, 89, 31, 30, 29, 0)]
    sent = {}
    for day in days:
        with django_capture_on_commit_callbacks(execute=True):
            run = labels_expire(today=day)
        sent[(expires - day).days] = (run.reminded_90, run.reminded_30)
    number = label.certificate_number
    assert sent == {
        91: ([], []),
        90: ([number], []),
        89: ([], []),
        31: ([], []),
        30: ([], [number]),
        29: ([], []),
        0: ([], []),
    }
    assert len(mail.outbox) == 2
    assert all(m.to == [manager.email] for m in mail.outbox)
    label.refresh_from_db()
    assert label.reminded_90 and label.reminded_30


def test_a_label_found_late_gets_only_the_30_day_reminder(label, eager_celery, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = labels_expire(today=label.expires_on - datetime.timedelta(days=10))
    assert (run.reminded_90, run.reminded_30) == ([], [label.certificate_number])
    assert len(mail.outbox) == 1
    label.refresh_from_db()
    assert label.reminded_90 and label.reminded_30


def test_the_beat_task_expires_labels_as_of_today(label):
    with _at(datetime.date(2028, 3, 15)):
        assert expire_labels() == {"expired": 1, "reminded_90": 0, "reminded_30": 0}
    assert Label.objects.get(pk=label.pk).status == LabelStatus.EXPIRED


def test_the_command_expires_labels_for_a_given_day(label):
    out = StringIO()
    call_command("expire_labels", "--today", "2028-03-15", stdout=out)
    assert "expired: 1" in out.getvalue()
    assert label.certificate_number in out.getvalue()
    assert Label.objects.get(pk=label.pk).status == LabelStatus.EXPIRED


def test_the_command_refuses_a_bad_date(label):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("expire_labels", "--today", "15/03/2028")


@pytest.mark.django_db(transaction=True)
def test_labels_awarded_at_the_same_moment_get_different_numbers():
    """Two decisions committing in parallel (two connections) never share a certificate number."""
    import threading

    from django.db import connection, transaction

    from indicators.services import framework_ensure_default
    from labelling.services.labels import label_award

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers: this is about PostgreSQL's concurrency")
    framework_ensure_default()
    assessments = [factories.AssessmentFactory(cluster=factories.ClusterFactory(), status="decided") for _ in range(4)]
    barrier = threading.Barrier(len(assessments))
    numbers, errors = [], []

    def award(assessment):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                numbers.append(
                    label_award(
                        user=None, assessment=assessment, level="bronze", awarded_on=datetime.date(2026, 6, 1)
                    ).certificate_number
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(a,)) for a in assessments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(set(numbers)) == 4
    assert all(n.startswith("GRP-2026-") for n in numbers)
