"""The beat's e-mails of the funders' side: the yearly reports' reminders to the clusters' managers (30 and 7 days
before the due date, then weekly while the report is late) and the officers' weekly digest of the reports that
arrived. Each e-mail is written in its recipient's language and sent once (``Reminder`` keys), through the outbox
(``labelling.services.notifications.notify``), however often the tasks run."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from labelling.services.notifications import notify
from programmes.models import Enrolment, Programme, Reminder, ReportStatus, YearlyReport

DONE = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


@dataclass
class ReminderRun:
    sent: list[str] = field(default_factory=list)


def _week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _once(key: str) -> bool:
    """Record the key; False when it was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def _kind(days_left: int, today: datetime.date) -> str | None:
    if days_left < 0:
        return f"late:{_week(today)}"
    if days_left <= 7:
        return "7"
    if days_left <= 30:
        return "30"
    return None


def reports_remind(*, today: datetime.date | None = None) -> ReminderRun:
    """Remind the managers of every enrolled cluster whose report on a year is not submitted yet."""
    today = today or timezone.localdate()
    run = ReminderRun()
    for programme in Programme.objects.filter(starts_on__year__lte=today.year):
        years = [y for y in programme.years if (programme.due_date(y) - today).days <= 30]
        if not years:
            continue
        done = set(
            YearlyReport.objects.filter(programme=programme, year__in=years, status__in=DONE).values_list(
                "cluster_id", "year"
            )
        )
        enrolments = (
            Enrolment.objects.filter(programme=programme)
            .select_related("cluster")
            .prefetch_related("cluster__managers")
        )
        for enrolment in enrolments:
            for year in years:
                if year < enrolment.joined_on.year or (enrolment.left_on and year > enrolment.left_on.year):
                    continue
                if (enrolment.cluster_id, year) in done:
                    continue
                due = programme.due_date(year)
                kind = _kind((due - today).days, today)
                if kind is None:
                    continue
                key = f"report:{programme.pk}:{enrolment.cluster_id}:{year}:{kind}"
                if kind == "30" and (due - today).days <= 7:
                    continue
                with transaction.atomic():
                    if not _once(key):
                        continue
                    notify(
                        users=list(enrolment.cluster.managers.all()),
                        subject=gettext_lazy("Grappe: the report %(of_cluster)s on %(year)s is late")
                        if kind.startswith("late")
                        else gettext_lazy("Grappe: the report %(of_cluster)s on %(year)s is due in %(days)s days"),
                        template="programmes/email/report_reminder.txt",
                        context={
                            "cluster": enrolment.cluster.name,
                            "programme": programme,
                            "year": year,
                            "due": due,
                            "days": (due - today).days,
                            "late": kind.startswith("late"),
                            "enrolment_id": enrolment.pk,
                        },
                    )
                run.sent.append(key)
    return run


def officers_digest(*, today: datetime.date | None = None) -> ReminderRun:
    """Once a week, to each officer: the reports submitted in the last seven days in the programmes they follow."""
    today = today or timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=7)
    run = ReminderRun()
    arrived = list(
        YearlyReport.objects.filter(submitted_at__gte=since)
        .select_related("programme", "cluster")
        .order_by("programme_id", "cluster__name", "year")
    )
    if not arrived:
        return run
    by_programme: dict[int, list[YearlyReport]] = {}
    for report in arrived:
        by_programme.setdefault(report.programme_id, []).append(report)
    officers = {}
    for programme in Programme.objects.filter(pk__in=by_programme).prefetch_related("officers"):
        for officer in programme.officers.all():
            officers.setdefault(officer.pk, (officer, []))[1].extend(by_programme[programme.pk])
    for officer, reports in officers.values():
        key = f"digest:{officer.pk}:{_week(today)}"
        with transaction.atomic():
            if not _once(key):
                continue
            notify(
                users=[officer],
                subject=gettext_lazy("Grappe: the reports that arrived this week"),
                template="programmes/email/officer_digest.txt",
                context={"reports": reports, "count": len(reports)},
            )
        run.sent.append(key)
    return run
