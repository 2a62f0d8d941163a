from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Clusters")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded (the rules read them): registers the capabilities
        from clusters import rules  # noqa: F401
