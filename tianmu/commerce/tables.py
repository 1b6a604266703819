"""Columns of the commerce list pages."""

from django.utils.translation import gettext_lazy as _

from tianmu.commerce.models import Agreement, Delivery, Payment, Product, PurchaseOrder
from tianmu.core.money import format_yuan
from tianmu.core.tables import Column, Table


class ProductTable(Table):
    model = Product
    columns = (
        Column("name", order="name", link=True),
        Column("village"),
        Column("category", order="category"),
        Column("unit"),
        Column(lambda p: format_yuan(p.price), _("price"), order="price"),
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
        Column(lambda a: format_yuan(a.value_yuan), _("value to date (confirmed)")),
        Column(lambda a: format_yuan(a.value_reported_yuan), _("reported, awaiting confirmation")),
    )


class DeliveryTable(Table):
    model = Delivery
    columns = (
        Column("date"),
        Column("agreement", link=False),
        Column("line.product_name", _("product")),
        Column("quantity"),
        Column("line.unit", _("unit")),
        Column(lambda d: format_yuan(d.amount_yuan), _("value"), total="amount_yuan"),
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
        Column(lambda o: format_yuan(o.total_yuan), _("total")),
        Column(lambda o: format_yuan(o.paid_yuan), _("paid (confirmed)")),
        Column(lambda o: format_yuan(o.paid_reported_yuan), _("reported, awaiting confirmation")),
    )


class PaymentTable(Table):
    model = Payment
    columns = (
        Column("date"),
        Column("order", link=False),
        Column("order.enterprise", _("enterprise")),
        Column("order.village", _("village")),
        Column(lambda p: format_yuan(p.amount_yuan), _("amount"), total="amount_yuan"),
        Column("confirmation"),
        Column("reported_side"),
    )
