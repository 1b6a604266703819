from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlliancesConfig(AppConfig):
    name = "tianmu.alliances"
    verbose_name = _("Alliances")

    def ready(self) -> None:
        from tianmu.alliances import kpis  # noqa: F401  (registers the alliance figures)
        from tianmu.alliances.filtersets import add_membership_filters

        add_membership_filters()
