"""python manage.py expire_labels [--today YYYY-MM-DD]: what Celery beat runs every hour, by hand."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from labelling.services.labels import labels_expire


class Command(BaseCommand):
    help = "Expire the labels past their validity and send the 90- and 30-day reminders (each once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today: not a date (YYYY-MM-DD): {today}") from exc
        run = labels_expire(today=day)
        self.stdout.write(
            f"expired: {len(run.expired)}, reminded 90 days before: {len(run.reminded_90)}, "
            f"reminded 30 days before: {len(run.reminded_30)}"
        )
        for number in run.expired:
            self.stdout.write(f"  expired {number}")
