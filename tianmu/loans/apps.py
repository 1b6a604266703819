from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "tianmu.loans"
    verbose_name = _("Common-prosperity loans")

    def ready(self) -> None:
        from tianmu.loans import kpis  # noqa: F401  (registers the loan figures)
