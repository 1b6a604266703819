"""Forms for the catalogue, agreements and orders (pages and API share them).

Forms check the input's shape and scope; the rules that need the database (agreement
status, expiry, agreed quantities, period lock) live in the services, so both the pages and
the API hit them.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    Payment,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tianmu.core.forms import ScopedModelForm
from tianmu.registry.choices import OrganizationKind

DATE = forms.DateInput(attrs={"type": "date"})


class ProductForm(ScopedModelForm):
    scoped_fields = {"village": "editable"}

    class Meta:
        model = Product
        fields = [
            "village",
            "name",
            "category",
            "unit",
            "price",
            "season",
            "photo",
            "description",
            "available",
        ]


class AgreementForm(ScopedModelForm):
    scoped_fields = {"enterprise": "visible", "village": "visible", "project": "visible"}

    class Meta:
        model = Agreement
        fields = ["title", "enterprise", "village", "project", "start", "end", "note"]
        widgets = {"start": DATE, "end": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=OrganizationKind.ENTERPRISE
        )
        self.fields["village"].required = False
        self.fields["village"].help_text = _("Leave empty to take the project's village.")

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if not data.get("village"):
            if project is None:
                self.add_error("village", _("Choose the village or a project."))
            else:
                self.instance.village = project.village
        return data


class AgreementLineForm(ScopedModelForm):
    scoped_fields = {"product": "visible"}

    class Meta:
        model = AgreementLine
        fields = ["product", "product_name", "unit", "quantity", "unit_price"]

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.agreement = agreement
        self.fields["product"].queryset = self.fields["product"].queryset.filter(
            village=agreement.village_id
        )
        self.fields["product_name"].required = False
        self.fields["unit"].required = False

    def clean(self):
        data = super().clean()
        product = data.get("product")
        if product is not None:
            data["product_name"] = data.get("product_name") or product.name
            data["unit"] = data.get("unit") or product.unit
            self.instance.product_name = data["product_name"]
            self.instance.unit = data["unit"]
        if not data.get("product_name"):
            self.add_error("product_name", _("Name the product or choose one."))
        if not data.get("unit"):
            self.add_error("unit", _("Give the unit."))
        return data


class CallOffForm(forms.Form):
    """Record a call-off; past the agreed quantity or the term an admin's `override_reason`."""

    line = forms.ModelChoiceField(label=_("line"), queryset=AgreementLine.objects.none())
    date = forms.DateField(label=_("date"), widget=DATE)
    quantity = forms.DecimalField(label=_("quantity"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("note"), max_length=200, required=False)
    override_reason = forms.CharField(
        label=_("override reason (admins, past the agreed quantity or the term)"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args, agreement: Agreement, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = agreement.lines.all()


class DeliveryForm(CallOffForm):
    """Report a delivery; an excess over the agreed quantity needs `accept_excess`, a delivery
    after expiry an admin's `override_reason`."""

    accept_excess = forms.BooleanField(
        label=_("Record it even though it exceeds the agreed quantity"), required=False
    )
    override_reason = forms.CharField(
        label=_("override reason (admins, after expiry)"), max_length=300, required=False
    )


class PurchaseOrderForm(ScopedModelForm):
    scoped_fields = {
        "enterprise": "visible",
        "village": "visible",
        "agreement": "visible",
        "project": "visible",
    }

    class Meta:
        model = PurchaseOrder
        fields = ["enterprise", "village", "agreement", "project", "purpose", "placed_on", "note"]
        widgets = {"placed_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = self.fields["enterprise"].queryset.filter(
            kind=OrganizationKind.ENTERPRISE
        )


class OrderLineForm(ScopedModelForm):
    scoped_fields = {"product": "visible"}

    class Meta:
        model = PurchaseOrderLine
        fields = ["product", "product_name", "unit", "quantity", "unit_price"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("product_name", "unit", "unit_price"):
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        product = data.get("product")
        if product is None and not data.get("product_name"):
            self.add_error("product_name", _("Name the product or choose one."))
        if product is None and data.get("unit_price") is None and "unit_price" not in self.errors:
            self.add_error("unit_price", _("Give the unit price."))
        return data


class OrderDeliveryForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE)
    note = forms.CharField(label=_("note"), max_length=200, required=False)


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["date", "amount_yuan", "note"]
        widgets = {"date": DATE}


class DisputeForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
