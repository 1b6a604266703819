from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "tianmu.projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from tianmu.projects import kpis  # noqa: F401  (registers the projects' figures)
