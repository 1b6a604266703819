from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "tianmu.registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from tianmu.core.facts import register_place_hooks
        from tianmu.core.kpis import register_area_lookup, register_breakdown_hook
        from tianmu.registry.selectors import (
            area_from_code,
            child_areas,
            village_places,
            villages_under,
        )

        register_area_lookup(area_from_code)  # core's figures look areas up by code through it
        register_breakdown_hook("children", child_areas)  # and break them down by child area
        # where villages lie, for the figures kept in the fact table (tianmu.core.facts)
        register_place_hooks(places=village_places, villages_under=villages_under)
