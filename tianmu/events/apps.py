from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "tianmu.events"
    verbose_name = _("Village–enterprise events")

    def ready(self) -> None:
        from tianmu.events import kpis  # noqa: F401  (registers the events figure)
