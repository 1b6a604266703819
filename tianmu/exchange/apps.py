from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "tianmu.exchange"
    label = "exchange"
    verbose_name = _("Excel exchange")

    def ready(self):
        from tianmu.core.imports import IMPORTABLE, RELATED_IMPORTS
        from tianmu.exchange.registers import RELATED, importers

        found = importers()
        IMPORTABLE.update(found)
        for page, names in RELATED.items():
            RELATED_IMPORTS[page] = [(n, found[n].title, found[n].allowed) for n in names]
