from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Labelling")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: cache invalidation, and the app's capabilities
        from labelling import rules, signals  # noqa: F401
