from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "tianmu.dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from tianmu.dashboard.after_term import add_after_term_filter

        add_after_term_filter()
        from tianmu.core.panels import register_detail_panel
        from tianmu.dashboard.contributions_views import contributions_panel
        from tianmu.registry.models import Organization

        register_detail_panel(
            Organization,
            template="dashboard/partials/contributions.html",
            context=contributions_panel,
        )
