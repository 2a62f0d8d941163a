"""``manage.py import_members CLUSTER_ID FILE``: the member import of the web page, for operators."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clusters.importers import MemberImportError, read_members
from clusters.models import Cluster
from clusters.services import members_import
from core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Import members into a cluster from a CSV or XLSX file. The whole file is checked first: "
        "when any row is wrong nothing is saved, every problem is printed on standard error and the "
        "exit status is 2. Members already recorded (same name, whatever the case) are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("cluster_id", type=int, help="id of the cluster")
        parser.add_argument("file", type=Path, help="a .csv or .xlsx file")

    def handle(self, *args, cluster_id: int, file: Path, **options):
        cluster = Cluster.objects.filter(pk=cluster_id).first()
        if cluster is None:
            raise CommandError(f"No cluster with id {cluster_id}.", returncode=2)
        try:
            if file.stat().st_size > settings.IMPORT_MAX_BYTES:  # refused before reading it into memory
                raise CommandError(
                    f"{file.name} is too large ({settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB at most): "
                    "nothing was imported.",
                    returncode=2,
                )
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}", returncode=2) from exc
        try:
            rows = read_members(data, filename=file.name)
            result = members_import(user=None, cluster=cluster, rows=rows, source=file.name)
        except MemberImportError as exc:
            for problem in exc.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.errors)} problem(s) in {file.name}: nothing was imported.", returncode=2
            ) from exc
        except DomainError as exc:
            self.stderr.write(str(exc.message))
            raise CommandError(f"Nothing was imported from {file.name}.", returncode=2) from exc
        self.stdout.write(
            f"{cluster.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
        )
