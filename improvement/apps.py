from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImprovementConfig(AppConfig):
    """A labelled cluster's improvement plan between two assessments: the actions it takes on the criteria it did not
    fully meet and on the expert's recommendations."""

    name = "improvement"
    verbose_name = _("Improvement plan")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: the app's capabilities
        from improvement import rules  # noqa: F401
