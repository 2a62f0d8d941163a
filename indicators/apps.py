from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("Indicator framework")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded (the rules read them): registers the capabilities
        from indicators import rules  # noqa: F401
