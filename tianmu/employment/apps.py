from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "tianmu.employment"
    verbose_name = _("Workshops and jobs")

    def ready(self) -> None:
        from tianmu.employment import kpis  # noqa: F401  (registers rural_jobs, low_income_jobs)
