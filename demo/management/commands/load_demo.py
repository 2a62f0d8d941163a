from django.core.management.base import BaseCommand

from demo.data import ACCOUNTS, DEMO_NOTICE
from demo.services import demo_load


class Command(BaseCommand):
    help = "Load the demo clusters, members, accounts and assessments (idempotent). Prints the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete the demo clusters, their assessments and the demo accounts first",
        )

    def handle(self, *args, reset: bool = False, **options):
        summary = demo_load(reset=reset)
        self.stdout.write(
            f"Demo data: {summary.clusters_created} clusters, {summary.members_created} members and "
            f"{summary.users_created} accounts created (the rest was already there)."
        )
        for line in summary.assessments:
            self.stdout.write(f"  assessment {line}")
        for line in summary.skipped:
            self.stderr.write(self.style.WARNING(f"  skipped {line}"))
        self.stdout.write("Demo accounts (user name / password):")
        width = max(len(a.username) for a in ACCOUNTS)
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<{width}}  {account.password}  ({account.description})")
        self.stdout.write(DEMO_NOTICE)
