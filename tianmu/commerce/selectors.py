"""Reads for agreements and 共富购: progress of an agreement, order totals, and the sums the
figures use. Confirmed amounts and reported-but-unconfirmed amounts are always kept apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    DecimalField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    Delivery,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tianmu.core.money import ZERO, line_amount, to_money
from tianmu.core.scoping import visible_to
from tianmu.core.workflow import awaiting_q, confirmed_q

MONEY = DecimalField(max_digits=16, decimal_places=2)
QTY = DecimalField(max_digits=14, decimal_places=2)


def sum_subquery(qs: QuerySet, column: str, outer: str, output=MONEY) -> Coalesce:
    """A correlated SUM(column) over `qs` rows whose `outer` field points at the outer row:
    one subquery per figure, so list endpoints stay at a constant number of queries."""
    sub = (
        qs.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(s=Sum(column))
        .values("s")
    )
    return Coalesce(Subquery(sub, output_field=output), Value(ZERO), output_field=output)


@dataclass
class LineProgress:
    line: AgreementLine
    agreed: Decimal
    ordered: Decimal
    delivered: Decimal  # confirmed
    delivered_reported: Decimal  # reported, awaiting confirmation
    remaining: Decimal  # agreed − confirmed delivered (never below zero)
    value_yuan: Decimal  # confirmed delivered value
    value_reported_yuan: Decimal

    @property
    def agreed_value_yuan(self) -> Decimal:
        return line_amount(self.agreed, self.line.unit_price)


@dataclass
class AgreementProgress:
    lines: list[LineProgress] = field(default_factory=list)

    @property
    def agreed_value_yuan(self) -> Decimal:
        return to_money(sum((lp.agreed_value_yuan for lp in self.lines), ZERO))

    @property
    def value_yuan(self) -> Decimal:
        return to_money(sum((lp.value_yuan for lp in self.lines), ZERO))

    @property
    def value_reported_yuan(self) -> Decimal:
        return to_money(sum((lp.value_reported_yuan for lp in self.lines), ZERO))


def agreement_lines_annotated(qs: QuerySet) -> QuerySet:
    confirmed = Delivery.objects.filter(confirmed_q())
    awaiting = Delivery.objects.filter(awaiting_q())
    from tianmu.commerce.models import CallOff

    return qs.annotate(
        ordered=sum_subquery(CallOff.objects.all(), "quantity", "line", QTY),
        delivered=sum_subquery(confirmed, "quantity", "line", QTY),
        delivered_reported=sum_subquery(awaiting, "quantity", "line", QTY),
        value=sum_subquery(confirmed, "amount_yuan", "line"),
        value_reported=sum_subquery(awaiting, "amount_yuan", "line"),
    )


def agreement_progress(*, agreement: Agreement) -> AgreementProgress:
    """Ordered, delivered (confirmed and awaiting apart), remaining and value, per line."""
    return agreements_progress(agreement_ids=[agreement.pk])[agreement.pk]


def agreements_progress(*, agreement_ids: list[int]) -> dict[int, AgreementProgress]:
    """`agreement_progress` of several agreements, in one query whatever their number."""
    progress = {pk: AgreementProgress() for pk in agreement_ids}
    lines = AgreementLine.objects.filter(agreement_id__in=agreement_ids)
    for line in agreement_lines_annotated(lines.order_by("agreement_id", "id")):
        delivered = to_money(line.delivered)
        progress[line.agreement_id].lines.append(
            LineProgress(
                line=line,
                agreed=line.quantity,
                ordered=to_money(line.ordered),
                delivered=delivered,
                delivered_reported=to_money(line.delivered_reported),
                remaining=max(to_money(line.quantity - delivered), ZERO),
                value_yuan=to_money(line.value),
                value_reported_yuan=to_money(line.value_reported),
            )
        )
    return progress


def agreements_annotated(qs: QuerySet) -> QuerySet:
    """Agreements with their confirmed and awaiting delivered value (`value_yuan`,
    `value_reported_yuan`) and agreed value, in the same query."""
    return qs.annotate(
        value_yuan=sum_subquery(Delivery.objects.filter(confirmed_q()), "amount_yuan", "agreement"),
        value_reported_yuan=sum_subquery(
            Delivery.objects.filter(awaiting_q()), "amount_yuan", "agreement"
        ),
    ).select_related("enterprise", "village__area", "project")


def orders_annotated(qs: QuerySet) -> QuerySet:
    """Orders with `total_yuan`, `paid_yuan` (confirmed) and `paid_reported_yuan`."""
    return qs.annotate(
        total_yuan=sum_subquery(PurchaseOrderLine.objects.all(), "amount_yuan", "order"),
        paid_yuan=sum_subquery(Payment.objects.filter(confirmed_q()), "amount_yuan", "order"),
        paid_reported_yuan=sum_subquery(
            Payment.objects.filter(awaiting_q()), "amount_yuan", "order"
        ),
    ).select_related("enterprise", "village__area", "agreement", "project")


def visible_agreements(*, user) -> QuerySet:
    return agreements_annotated(visible_to(user, Agreement))


def visible_orders(*, user) -> QuerySet:
    return orders_annotated(visible_to(user, PurchaseOrder))


def purchase_income(payments: QuerySet) -> tuple[Decimal, Decimal]:
    """(confirmed, awaiting) payment totals of a queryset of payments."""
    confirmed = payments.filter(confirmed_q()).aggregate(s=Sum("amount_yuan"))["s"]
    awaiting = payments.filter(awaiting_q()).aggregate(s=Sum("amount_yuan"))["s"]
    return to_money(confirmed), to_money(awaiting)
