"""Columns of the commerce list pages."""

from django.utils.translation import gettext_lazy as _

from tianmu.commerce.models import Agreement, Delivery, Payment, Product, PurchaseOrder
from tianmu.core.tables import Column, Table


class ProductTable(Table):
    model = Product
    columns = (
        Column("name", order="name", link=True),
        Column("village"),
        Column("category", order="category"),
        Column("unit"),
        Column("price", _("price"), order="price", kind="money"),
        Column("season"),
        Column("available"),
    )


class AgreementTable(Table):
    model = Agreement
    columns = (
        Column("title", order="title", link=True),
        Column("enterprise"),
        Column("village"),
        Column("project"),
        Column("start", order="start"),
        Column("end", order="end"),
        Column(lambda a: a.get_effective_status_display(), _("status"), order="status"),
        Column("value_yuan", _("value to date (confirmed)"), kind="money"),
        Column("value_reported_yuan", _("reported, awaiting confirmation"), kind="money"),
    )


class DeliveryTable(Table):
    model = Delivery
    columns = (
        Column("date"),
        Column("agreement", link=False),
        Column("line.product_name", _("product")),
        Column("quantity"),
        Column("line.unit", _("unit")),
        Column("amount_yuan", _("value"), total="amount_yuan", kind="money"),
        Column("confirmation"),
        Column("reported_side"),
    )


class PurchaseOrderTable(Table):
    model = PurchaseOrder
    columns = (
        Column("pk", _("order"), order="placed_on", link=True),
        Column("placed_on", order="placed_on"),
        Column("enterprise"),
        Column("village"),
        Column("purpose"),
        Column("status", order="status"),
        Column("total_yuan", _("total"), kind="money"),
        Column("paid_yuan", _("paid (confirmed)"), kind="money"),
        Column("paid_reported_yuan", _("reported, awaiting confirmation"), kind="money"),
    )


class PaymentTable(Table):
    model = Payment
    columns = (
        Column("date"),
        Column("order", link=False),
        Column("order.enterprise", _("enterprise")),
        Column("order.village", _("village")),
        Column("amount_yuan", _("amount"), total="amount_yuan", kind="money"),
        Column("confirmation"),
        Column("reported_side"),
    )
