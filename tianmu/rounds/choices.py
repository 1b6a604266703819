"""The choices of reporting rounds (报送任务)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ReporterStatus(models.TextChoices):
    """A reporter's status in a round, computed from the records (tianmu/rounds/kinds.py)."""

    REPORTED = "reported", _("Reported")
    DECLARED = "declared", _("Nothing to report")
    PENDING = "pending", _("Not reported yet")
    OVERDUE = "overdue", _("Overdue")


class PeriodUnit(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class RoundKind(models.TextChoices):
    """What a round asks for; each kind's rule (who reports, what counts) is in kinds.py."""

    MONTHLY_EMPLOYMENT = "monthly_employment", _("Monthly placements and earnings")
    MONTHLY_PAYMENTS = "monthly_payments", _("Monthly purchase-order payments")
    MONTHLY_LOANS = "monthly_loans", _("Monthly loan disbursements and repayments")
    QUARTERLY_PROJECTS = "quarterly_projects", _("Quarterly project updates")
    YEARLY_INCOME = "yearly_income", _("Yearly collective income")
