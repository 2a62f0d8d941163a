"""manage.py load_framework FILE [--default]: install a framework version from its JSON file."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.exceptions import DomainError
from indicators.models import Framework
from indicators.services import framework_install
from indicators.spec import FrameworkFileError, load_framework_file


class Command(BaseCommand):
    help = (
        "Load an indicator framework version from a JSON file (see indicators/frameworks/ecei-31.json). "
        "A version already used by an assessment cannot be changed: give the new version a new code."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the framework JSON file")
        parser.add_argument("--default", action="store_true", help="make it the default for new assessments")

    def handle(self, *args, file, default, **options):
        try:
            spec = load_framework_file(file)
        except FrameworkFileError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                _("%(file)s is not a valid framework file (%(count)d errors); nothing was loaded.")
                % {"file": file, "count": len(exc.errors)}
            ) from None
        existed = Framework.objects.filter(code=spec.code).exists()
        try:
            framework = framework_install(spec=spec, make_default=default)
        except DomainError as exc:
            raise CommandError(f"{spec.code}: {exc.message}") from None
        message = _("Updated framework %(code)s") if existed else _("Loaded framework %(code)s")
        self.stdout.write(
            self.style.SUCCESS(
                (message + _(": %(categories)d categories, %(indicators)d indicators, %(points)d points%(default)s."))
                % {
                    "code": framework.code,
                    "categories": len(spec.categories),
                    "indicators": len(spec.indicators),
                    "points": spec.total_weight,
                    "default": _(", default for new assessments") if framework.is_default else "",
                }
            )
        )
