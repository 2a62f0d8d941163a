from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    """A labelled cluster's improvement plan between two assessments: the actions it takes on the criteria it did not
    fully meet and on the expert's recommendations."""

    name = "improvement"
    verbose_name = _("Improvement plan")

    def ready(self):
        # the app's capabilities, and the seeding of a plan when an assessment is decided
        # deferred: AppConfig.ready(), once the models are loaded
        from improvement import rules, signals  # noqa: F401
