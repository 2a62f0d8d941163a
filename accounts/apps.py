from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # deferred: AppConfig.ready(), once the models are loaded: connects the login signal that applies User.language
        from accounts import language  # noqa: F401
