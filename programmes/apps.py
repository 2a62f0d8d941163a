from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Funders' programmes")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: registers the app's capabilities
        from programmes import rules  # noqa: F401
