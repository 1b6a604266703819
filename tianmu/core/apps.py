from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tianmu.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from tianmu.core import (
            changelog,  # noqa: F401  (connects the change-log signals)
            checks,  # noqa: F401  (registers the deployment checks)
        )

        # Each app's scopes.py registers its models' who-may-see-what rules.
        autodiscover_modules("scopes")
