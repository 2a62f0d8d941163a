"""``manage.py migrate_locked``: the web containers of ``docker compose up --scale web=2`` migrate one at a time."""

import threading

import psycopg
import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from core.management.commands.migrate_locked import LOCK_KEY
from tests.worker import _database_url


@pytest.mark.django_db(transaction=True)
def test_a_second_migrate_waits_for_the_first_then_finds_nothing_to_apply():
    other = psycopg.connect(_database_url(connection.settings_dict).replace("postgres://", "postgresql://", 1))
    other.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])  # another container, migrating
    finished = threading.Event()
    errors = []

    def migrate():
        try:
            call_command("migrate_locked", verbosity=0, interactive=False)
            finished.set()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=migrate)
    thread.start()
    try:
        assert not finished.wait(1.5)  # waiting for the lock
    finally:
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        other.close()
    thread.join(timeout=60)

    assert finished.is_set() and errors == []
    with connection.cursor() as cursor:  # released: another one takes it at once
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        assert cursor.fetchone()[0] is True
        cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def test_the_compose_web_containers_migrate_one_at_a_time():
    compose = yaml.safe_load((settings.BASE_DIR / "docker-compose.yml").read_text())
    command = " ".join(compose["services"]["web"]["command"])

    assert "manage.py migrate_locked --no-input" in command
    assert "manage.py migrate " not in command
