from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommerceConfig(AppConfig):
    name = "tianmu.commerce"
    verbose_name = _("Commerce")

    def ready(self) -> None:
        from tianmu.commerce import kpis  # noqa: F401  (registers the commerce figures)
