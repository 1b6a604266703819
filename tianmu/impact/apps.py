from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "tianmu.impact"
    verbose_name = _("Income and impact")

    def ready(self) -> None:
        from tianmu.core.panels import register_detail_panel
        from tianmu.impact import kpis  # noqa: F401  (registers operating_income_growth_yuan)
        from tianmu.impact.views import village_income_panel
        from tianmu.registry.models import Village

        # The village page (registry) shows the income chart and status; registry knows
        # nothing of this app (tianmu.core.panels).
        register_detail_panel(
            Village, template="impact/partials/village_income.html", context=village_income_panel
        )
