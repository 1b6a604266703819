from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.loans import schedule


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALMENT = schedule.EQUAL_INSTALMENT, _("Equal instalments (等额本息)")
    EQUAL_PRINCIPAL = schedule.EQUAL_PRINCIPAL, _("Equal principal (等额本金)")
    INTEREST_ONLY = schedule.INTEREST_ONLY, _("Interest only, principal at maturity (先息后本)")
    BULLET = schedule.BULLET, _("Bullet: all at maturity (到期一次还本付息)")


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DISBURSED = "disbursed", _("Disbursed")
    REPAYING = "repaying", _("Repaying")
    CLOSED = "closed", _("Closed")
    WRITTEN_OFF = "written_off", _("Written off")


#: The status changes the lifecycle allows: applied → approved/rejected → disbursed (one or
#: more tranches) → repaying → closed, or written off once money is out.
TRANSITIONS: dict[str, frozenset[str]] = {
    LoanStatus.APPLIED: frozenset({LoanStatus.APPROVED, LoanStatus.REJECTED}),
    LoanStatus.APPROVED: frozenset({LoanStatus.DISBURSED}),
    LoanStatus.REJECTED: frozenset(),
    LoanStatus.DISBURSED: frozenset(
        {LoanStatus.REPAYING, LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF}
    ),
    LoanStatus.REPAYING: frozenset({LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF}),
    LoanStatus.CLOSED: frozenset(),
    LoanStatus.WRITTEN_OFF: frozenset(),
}

#: Statuses in which money is out: the loan is on the book.
ON_BOOK = (LoanStatus.DISBURSED, LoanStatus.REPAYING)
