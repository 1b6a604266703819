from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tianmu.exchange"
    label = "exchange"
    verbose_name = _("Excel exchange")

    def ready(self):
        from tianmu.core.imports import IMPORTABLE
        from tianmu.exchange.registers import importers

        IMPORTABLE.update(importers())
