from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Labelling")

    def ready(self):
        from labelling import signals  # noqa: F401 - cache invalidation
