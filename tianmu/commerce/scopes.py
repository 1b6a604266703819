"""Scope rules for the catalogue, agreements and purchase orders (see tianmu/core/scoping.py).

An agreement or order has two parties, an enterprise and a village collective: each party's
users see and edit it (the enterprise's liaison, the village's cadres and the town and county
staff above them). A catalogue is seen by the village's area staff and by the enterprises of
alliances paired with the village (they are the ones who buy), and kept by the area staff.
"""

from __future__ import annotations

from django.db.models import Q

from tianmu.accounts.choices import Role
from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    CallOff,
    Delivery,
    OrderDelivery,
    Payment,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tianmu.core.scoping import NOTHING, Scope, register

AREA_WRITERS = {Role.ADMIN, Role.TOWN, Role.VILLAGE}
PARTIES = {Role.ADMIN, Role.TOWN, Role.VILLAGE, Role.ENTERPRISE}


def product_visible(scope: Scope) -> Q:
    if scope.is_area:
        return scope.area_q("village__area")
    return Q(village__pairings__alliance__members__organization=scope.organization)


def product_editable(scope: Scope) -> Q:
    if scope.is_area and scope.role in AREA_WRITERS:
        return scope.area_q("village__area")
    return NOTHING


def party_visible(scope: Scope) -> Q:
    """Agreements and orders: the village's area staff, or the enterprise itself."""
    if scope.is_area:
        return scope.area_q("village__area")
    if scope.role == Role.ENTERPRISE:
        return Q(enterprise=scope.organization)
    return NOTHING


def party_editable(scope: Scope) -> Q:
    if scope.is_area and scope.role in AREA_WRITERS:
        return scope.area_q("village__area")
    if scope.role == Role.ENTERPRISE:
        return Q(enterprise=scope.organization)
    return NOTHING


def _via(field: str, parent, rule):
    def q(scope: Scope) -> Q:
        inner = rule(scope)
        if inner is NOTHING:
            return NOTHING
        return Q(**{f"{field}__in": parent.objects.filter(inner).values("pk")})

    return q


register(Product, visible=product_visible, editable=product_editable, creators=AREA_WRITERS)
for _model, _field, _parent in (
    (Agreement, None, None),
    (AgreementLine, "agreement", Agreement),
    (CallOff, "agreement", Agreement),
    (Delivery, "agreement", Agreement),
    (PurchaseOrder, None, None),
    (PurchaseOrderLine, "order", PurchaseOrder),
    (OrderDelivery, "order", PurchaseOrder),
    (Payment, "order", PurchaseOrder),
):
    if _field is None:
        register(_model, visible=party_visible, editable=party_editable, creators=PARTIES)
    else:
        register(
            _model,
            visible=_via(_field, _parent, party_visible),
            editable=_via(_field, _parent, party_editable),
            creators=PARTIES,
        )
