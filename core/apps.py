from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        # deferred: AppConfig.ready(): importing them registers the system checks and the unaccent() function
        from core import (
            checks,  # noqa: F401 - registers the system checks
            search,  # noqa: F401 - registers the SQLite unaccent() function
        )
