"""Choices of the impact app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncomeStatus(models.TextChoices):
    GREEN = "green", _("green: target reached")
    YELLOW = "yellow", _("yellow: close to the target or growing")
    RED = "red", _("red: below the target and not growing")
    UNKNOWN = "unknown", _("no operating income reported")


class Metric(models.TextChoices):
    COLLECTIVE = "collective_income", _("collective income")
    OPERATING = "operating_income", _("operating income")
