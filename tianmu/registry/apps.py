from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "tianmu.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from tianmu.core.kpis import register_area_lookup, register_breakdown_hook
        from tianmu.registry.selectors import area_from_code, child_areas

        register_area_lookup(area_from_code)  # core's figures look areas up by code through it
        register_breakdown_hook("children", child_areas)  # and break them down by child area
