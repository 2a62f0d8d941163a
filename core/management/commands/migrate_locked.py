"""``manage.py migrate``, one process at a time: several web containers starting together (``docker compose up
--scale web=2``) each migrate at start, and the second waits for the first, then finds nothing left to apply."""

from __future__ import annotations

from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connections

# The PostgreSQL advisory lock's key: any number of our own, the same in every container.
LOCK_KEY = 0x6772617070650001  # "grappe" and 1


class Command(MigrateCommand):
    help = "Apply the migrations, one process at a time (PostgreSQL advisory lock); elsewhere as migrate."

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":  # make run's SQLite: one process
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])  # held by this session until released
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
