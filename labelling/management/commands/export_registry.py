"""python manage.py export_registry [--format csv|xlsx|json] [--output FILE] [filters]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clusters.models import ClusterKind
from labelling.exporters import csv_lines, json_chunks, registry_rows, registry_tuples, xlsx_file
from labelling.models import LABEL_LEVELS, LabelStatus
from labelling.selectors import RegistryFilters, registry_filtered


class Command(BaseCommand):
    help = "Export the registry of labels (all statuses unless --status) as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx", "json"], default="csv")
        parser.add_argument("--output", "-o", help="File to write (default: standard output; required for xlsx).")
        parser.add_argument("--status", choices=LabelStatus.values, default="")
        parser.add_argument("--level", choices=LABEL_LEVELS, default="")
        parser.add_argument("--kind", choices=ClusterKind.values, default="")
        parser.add_argument("--country", default="")
        parser.add_argument("--region", default="")
        parser.add_argument("--sector", default="")
        parser.add_argument("--q", default="", help="Search in the cluster's name or acronym.")

    def handle(self, *args, **options):
        filters = RegistryFilters(
            status=options["status"],
            level=options["level"],
            kind=options["kind"],
            country=options["country"],
            region=options["region"],
            sector=options["sector"],
            q=options["q"],
        )
        labels = registry_filtered(filters=filters)
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx":
            if not output:
                raise CommandError("--output is required for xlsx.")
            xlsx = xlsx_file(registry_tuples(labels))
            with xlsx.file, open(output, "wb") as handle:
                for block in xlsx.chunks():
                    handle.write(block)
            return
        if fmt == "csv":
            chunks = csv_lines(registry_tuples(labels))
        else:  # UTF-8 bytes
            chunks = (chunk.decode() for chunk in json_chunks(registry_rows(labels)))
        if output:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
