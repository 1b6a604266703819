"""共富购 and subscription agreements: village product catalogues, agreements (认购协议) with
lines, call-off orders and deliveries, and purchase orders with lines, deliveries and payments.

Deliveries and payments are two-sided records (`Confirmable`): one side reports, the other
confirms or disputes; figures count only confirmed ones (see docs/commerce.md).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tianmu.accounts.choices import Role
from tianmu.commerce.choices import AgreementStatus, OrderPurpose, OrderStatus, ProductCategory
from tianmu.core.models import ChangeLoggedModel
from tianmu.core.money import line_amount, validate_positive
from tianmu.core.scoping import scope_for
from tianmu.core.workflow import Confirmable, Side, corrections_index
from tianmu.registry.choices import OrganizationKind


def quantity_field(verbose_name=None):
    return models.DecimalField(
        verbose_name or _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[validate_positive],
    )


def price_field(verbose_name=None):
    return models.DecimalField(
        verbose_name or _("unit price (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[validate_positive],
    )


def party_side(user, *, enterprise_id: int | None, village, office: bool = False) -> str | None:
    """Which side `user` acts for between an enterprise and a village collective.

    The enterprise's liaison acts for the enterprise and a cadre of the village for the
    village. With `office`, programme staff over the village (admins and town officers of
    its area, superusers) count as the programme office: they may enter a record for either
    side (either party then confirms it) but never confirm one themselves.
    """
    scope = scope_for(user)
    if scope.is_all:
        return Side.ADMIN if office else None
    if scope.role == Role.ENTERPRISE and scope.organization is not None:
        return Side.ENTERPRISE if scope.organization.pk == enterprise_id else None
    if scope.area is None or village is None:
        return None
    area = village.area
    inside = area.pk == scope.area.pk or area.path.startswith(scope.area.subtree_prefix())
    if not inside:
        return None
    if scope.role == Role.VILLAGE:
        return Side.VILLAGE
    if scope.role in (Role.ADMIN, Role.TOWN) and office:
        return Side.ADMIN
    return None


class TwoSided(Confirmable):
    """A confirmable record between an enterprise and a village collective."""

    class Meta:
        abstract = True

    def parties(self) -> tuple[int, object]:
        """(enterprise id, village) of the record."""
        raise NotImplementedError

    def side_of(self, user) -> str | None:
        enterprise_id, village = self.parties()
        return party_side(user, enterprise_id=enterprise_id, village=village)

    def reporting_side_of(self, user) -> str | None:
        enterprise_id, village = self.parties()
        return party_side(user, enterprise_id=enterprise_id, village=village, office=True)


class Product(ChangeLoggedModel):
    """A product in a village's catalogue (杨梅, 月饼, 山核桃 …) with its unit, price and season."""

    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=12, choices=ProductCategory.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("e.g. 斤, kg, 盒"))
    price = price_field(_("price (yuan)"))
    season = models.CharField(
        _("season"), max_length=50, blank=True, help_text=_("When it is on offer, e.g. 6–7月")
    )
    photo = models.FileField(
        _("photo"),
        upload_to="commerce/products/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    description = models.TextField(_("description"), blank=True)
    available = models.BooleanField(_("available"), default=True)

    class Meta:
        ordering = ["village__area__code", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="product_name_per_village")
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return _("%(name)s (%(village)s)") % {"name": self.name, "village": self.village}


class Agreement(ChangeLoggedModel):
    """A subscription agreement (认购协议): an enterprise commits to buy agreed quantities from a
    village collective (or its project) over a term, at agreed prices."""

    title = models.CharField(_("title"), max_length=200)
    enterprise = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="agreements",
        limit_choices_to={"kind": OrganizationKind.ENTERPRISE},
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("The village collective that sells (the project's village, if a project)."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-start", "id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [models.Index(fields=["-start", "id"], name="commerce_agreement_list_idx")]
        verbose_name = _("subscription agreement")
        verbose_name_plural = _("subscription agreements")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("The end date cannot be before the start date.")
        if self.enterprise_id and self.enterprise.kind != OrganizationKind.ENTERPRISE:
            errors["enterprise"] = _("Choose an enterprise.")
        if self.project_id and self.village_id and self.project.village_id != self.village_id:
            errors["project"] = _("The project belongs to %(village)s, not to %(other)s.") % {
                "village": self.project.village,
                "other": self.village,
            }
        if self.status != AgreementStatus.DRAFT and not self.signed_on:
            errors["signed_on"] = _("A signed agreement has a signing date.")
        if errors:
            raise ValidationError(errors)

    def is_expired(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == AgreementStatus.EXPIRED or (
            self.status == AgreementStatus.SIGNED and self.end < on
        )

    @property
    def effective_status(self) -> str:
        """The stored status, except that a signed agreement past its end reads as expired."""
        return AgreementStatus.EXPIRED if self.is_expired() else self.status

    def get_effective_status_display(self) -> str:
        return str(AgreementStatus(self.effective_status).label)

    def workflow_date(self):
        return self.signed_on

    def workflow_area(self):
        return self.village.area


class ProductLine(ChangeLoggedModel):
    """What agreement lines and order lines share: a product of the selling village's
    catalogue (or one named freely), its unit and unit price; `quantity` and the catalogue
    link are the subclass's own."""

    product_name = models.CharField(_("product"), max_length=100)
    unit = models.CharField(_("unit"), max_length=20)
    unit_price = price_field()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.product_name} {self.quantity}{self.unit}"

    def seller_village_id(self) -> int | None:
        """The village that sells this line (None while the parent is not set)."""
        raise NotImplementedError

    def clean(self):
        super().clean()
        seller = self.seller_village_id()
        if self.product_id and seller is not None and self.product.village_id != seller:
            raise ValidationError(
                {"product": _("The product is not in the selling village's catalogue.")}
            )


class AgreementLine(ProductLine):
    """One product of an agreement: unit, agreed quantity and unit price."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("catalogue product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quantity = quantity_field(_("agreed quantity"))

    class Meta:
        ordering = ["agreement", "id"]
        verbose_name = _("agreement line")
        verbose_name_plural = _("agreement lines")

    @property
    def amount_yuan(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price)

    def seller_village_id(self) -> int | None:
        return self.agreement.village_id if self.agreement_id else None


class CallOff(ChangeLoggedModel):
    """A call-off order (要货): the enterprise asks for part of an agreed quantity."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="call_offs"
    )
    line = models.ForeignKey(
        AgreementLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="call_offs"
    )
    date = models.DateField(_("date"))
    quantity = quantity_field()
    note = models.CharField(_("note"), max_length=200, blank=True)
    override_reason = models.CharField(
        _("override reason"),
        max_length=300,
        blank=True,
        help_text=_("Why a programme admin recorded it past the agreed quantity or the term."),
    )

    class Meta:
        ordering = ["-date", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [models.Index(fields=["-date", "-id"], name="commerce_calloff_list_idx")]
        verbose_name = _("call-off order")
        verbose_name_plural = _("call-off orders")

    def __str__(self) -> str:
        return f"{self.date} {self.line.product_name} {self.quantity}"

    def workflow_date(self):
        return self.date

    def workflow_area(self):
        return self.agreement.village.area


class Delivery(ChangeLoggedModel, TwoSided):
    """A delivery against an agreement line; its value is quantity × the line's unit price.

    `amount_yuan` is derived (set on save from the line), so figures sum one column.
    """

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="deliveries"
    )
    line = models.ForeignKey(
        AgreementLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="deliveries"
    )
    call_off = models.ForeignKey(
        CallOff,
        verbose_name=_("call-off order"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    date = models.DateField(_("date"))
    quantity = quantity_field()
    amount_yuan = models.DecimalField(
        _("value (yuan)"), max_digits=14, decimal_places=2, editable=False, default=0
    )
    override_reason = models.CharField(
        _("override reason"),
        max_length=300,
        blank=True,
        help_text=_("Why an admin recorded this delivery after the agreement expired."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["-date", "-id"], name="commerce_delivery_list_idx"),
            corrections_index("commerce_delivery_corr_idx"),
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.date} {self.line.product_name} {self.quantity}{self.line.unit}"

    def save(self, *args, **kwargs):
        if self.line_id:
            self.amount_yuan = line_amount(self.quantity, self.line.unit_price)
        super().save(*args, **kwargs)

    def parties(self):
        return self.agreement.enterprise_id, self.agreement.village

    def workflow_date(self):
        return self.date

    def workflow_area(self):
        return self.agreement.village.area


class PurchaseOrder(ChangeLoggedModel):
    """A 共富购 purchase order: an enterprise buys a village's products (for its canteen,
    festival gifts …), within an agreement or outside one. placed → delivered → paid."""

    enterprise = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        limit_choices_to={"kind": OrganizationKind.ENTERPRISE},
    )
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase_orders",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase_orders",
    )
    purpose = models.CharField(
        _("purpose"), max_length=16, choices=OrderPurpose.choices, default=OrderPurpose.OTHER
    )
    placed_on = models.DateField(_("placed on"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OrderStatus.choices,
        default=OrderStatus.PLACED,
        editable=False,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-placed_on", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["-placed_on", "-id"], name="commerce_order_list_idx"),
            # Sorted by status (the list's other sortable column).
            models.Index(fields=["status", "id"], name="commerce_order_status_idx"),
        ]
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")

    def __str__(self) -> str:
        return _("Order %(id)s: %(enterprise)s ← %(village)s") % {
            "id": self.pk or "—",
            "enterprise": self.enterprise if self.enterprise_id else "—",
            "village": self.village if self.village_id else "—",
        }

    def clean(self):
        super().clean()
        errors = {}
        if self.enterprise_id and self.enterprise.kind != OrganizationKind.ENTERPRISE:
            errors["enterprise"] = _("Choose an enterprise.")
        if self.agreement_id and (
            self.agreement.enterprise_id != self.enterprise_id
            or self.agreement.village_id != self.village_id
        ):
            errors["agreement"] = _("The agreement is between other parties.")
        if self.project_id and self.village_id and self.project.village_id != self.village_id:
            errors["project"] = _("The project belongs to %(village)s, not to %(other)s.") % {
                "village": self.project.village,
                "other": self.village,
            }
        if errors:
            raise ValidationError(errors)

    def workflow_date(self):
        return self.placed_on

    def workflow_area(self):
        return self.village.area


class PurchaseOrderLine(ProductLine):
    """One product of a purchase order; `amount_yuan` = quantity × unit price (derived)."""

    order = models.ForeignKey(
        PurchaseOrder, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("catalogue product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
    )
    quantity = quantity_field()
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, editable=False, default=0
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def seller_village_id(self) -> int | None:
        return self.order.village_id if self.order_id else None

    def save(self, *args, **kwargs):
        if self.quantity is not None and self.unit_price is not None:
            self.amount_yuan = line_amount(self.quantity, self.unit_price)
        super().save(*args, **kwargs)


class OrderDelivery(ChangeLoggedModel, TwoSided):
    """The delivery of a whole purchase order, reported by one side, confirmed by the other."""

    order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    date = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["-date", "-id"], name="commerce_orderdeliv_list_idx"),
            corrections_index("commerce_orderdeliv_corr_idx"),
        ]
        verbose_name = _("order delivery")
        verbose_name_plural = _("order deliveries")

    def __str__(self) -> str:
        return _("Delivery of order %(id)s on %(date)s") % {"id": self.order_id, "date": self.date}

    def parties(self):
        return self.order.enterprise_id, self.order.village

    def workflow_date(self):
        return self.date

    def workflow_area(self):
        return self.order.village.area


class Payment(ChangeLoggedModel, TwoSided):
    """A payment for a purchase order: income of the village collective once confirmed."""

    order = models.ForeignKey(
        PurchaseOrder, verbose_name=_("order"), on_delete=models.PROTECT, related_name="payments"
    )
    date = models.DateField(_("date"))
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, validators=[validate_positive]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["-date", "-id"], name="commerce_payment_list_idx"),
            corrections_index("commerce_payment_corr_idx"),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return _("Payment of %(amount)s yuan for order %(id)s") % {
            "amount": self.amount_yuan,
            "id": self.order_id,
        }

    def parties(self):
        return self.order.enterprise_id, self.order.village

    def workflow_date(self):
        return self.date

    def workflow_area(self):
        return self.order.village.area
