from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: registers the app's capabilities
        from appeals import rules  # noqa: F401
