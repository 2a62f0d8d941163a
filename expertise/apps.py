from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertiseConfig(AppConfig):
    """The expert's part of a label: the prerequisites to apply, the interview or visit, the written findings."""

    name = "expertise"
    verbose_name = _("Expert's process")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: the app's capabilities and its step guards
        from expertise import guards, rules  # noqa: F401
