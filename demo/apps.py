from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data of `make run`: it sits above every other app (it drives the labelling workflow), so
    that no domain app has to import the workflow to load examples."""

    name = "demo"
    verbose_name = _("Demo data")
