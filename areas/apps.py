from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    """Silver's areas of improvement: what a cluster applying for Silver improved since its plan, each area tied to an
    indicator and to actions of its improvement plan, and the assessor's verdict on each."""

    name = "areas"
    verbose_name = _("Areas of improvement")

    def ready(self):
        # the app's capabilities, its step guards and the facts it adds to the assessment report
        # deferred: AppConfig.ready(), once the models are loaded
        from areas import guards, rules  # noqa: F401
