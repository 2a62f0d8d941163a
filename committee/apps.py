from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Awarding committee")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: registers the app's capabilities
        from committee import rules  # noqa: F401
