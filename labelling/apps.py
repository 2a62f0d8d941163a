from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabellingConfig(AppConfig):
    name = "labelling"
    verbose_name = _("Labelling")

    def ready(self):
        # Once the models are loaded: cache invalidation, the app's capabilities, and its figures for /metrics
        # (deferred: AppConfig.ready())
        from core.metrics import register_collector
        from labelling import metrics, rules, signals  # noqa: F401

        register_collector(metrics.collect)
