"""Commerce services called outside any request name their user in the change log."""

import datetime
from decimal import Decimal

import pytest

from tianmu.commerce import services
from tianmu.commerce.models import Agreement, AgreementLine, PurchaseOrder
from tianmu.testing.world import change_authors, changed_models, logged_changes

pytestmark = pytest.mark.django_db

D = datetime.date


def test_an_agreement_outside_a_request_names_each_user(world):
    admin, ent, village = world.users["admin"], world.users["enterprise"], world.users["village"]
    with logged_changes() as rows:
        agreement = services.agreement_save(
            user=admin,
            agreement=Agreement(
                title="蔬菜认购", enterprise=world.e1, village=world.v1a,
                start=D(2024, 1, 1), end=D(2099, 12, 31),
            ),
        )  # fmt: skip
        line = services.agreement_line_save(
            user=admin,
            line=AgreementLine(
                agreement=agreement, product_name="蔬菜", unit="kg",
                quantity=Decimal("100"), unit_price=Decimal("8.50"),
            ),
        )  # fmt: skip
    assert changed_models(rows) == [("agreement", "create"), ("agreementline", "create")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    # Signing saves the agreement directly (not through object_save): it was "system" here.
    with logged_changes() as rows:
        services.agreement_sign(user=admin, agreement=agreement, signed_on=D(2024, 1, 5))
    assert changed_models(rows) == [("agreement", "update")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}

    with logged_changes() as rows:
        delivery = services.delivery_report(
            user=ent, agreement=agreement, line=line, date=D(2024, 3, 1), quantity=Decimal("10")
        )
    assert changed_models(rows) == [("delivery", "create")]
    assert change_authors(rows) == {(ent.pk, "ent_e1")}

    with logged_changes() as rows:
        services.delivery_confirm(user=village, delivery=delivery)
    assert changed_models(rows) == [("delivery", "update")]
    assert change_authors(rows) == {(village.pk, "village_v1a")}

    with logged_changes() as rows:
        services.agreement_close(user=admin, agreement=agreement)
    assert changed_models(rows) == [("agreement", "update")]
    assert change_authors(rows) == {(admin.pk, "admin_a")}


def test_an_order_outside_a_request_names_each_user(world):
    ent, village = world.users["enterprise"], world.users["village"]
    with logged_changes() as rows:
        order = services.order_place(
            user=ent,
            order=PurchaseOrder(enterprise=world.e1, village=world.v1a, placed_on=D(2024, 5, 1)),
            lines=[
                services.LineInput(
                    quantity=Decimal("2"), product_name="月饼", unit="盒",
                    unit_price=Decimal("45.50"),
                )
            ],
        )  # fmt: skip
    # The lines are saved directly, after the order: they were "system" before.
    assert changed_models(rows) == [("purchaseorder", "create"), ("purchaseorderline", "create")]
    assert change_authors(rows) == {(ent.pk, "ent_e1")}

    with logged_changes() as rows:
        payment = services.payment_report(
            user=ent, order=order, date=D(2024, 6, 1), amount_yuan=Decimal("91.00")
        )
    assert changed_models(rows) == [("payment", "create")]
    assert change_authors(rows) == {(ent.pk, "ent_e1")}

    # Confirming the full payment moves the order to paid: both changes are the village's.
    with logged_changes() as rows:
        services.payment_confirm(user=village, payment=payment)
    assert changed_models(rows) == [("payment", "update"), ("purchaseorder", "update")]
    assert change_authors(rows) == {(village.pk, "village_v1a")}
    order.refresh_from_db()
    assert order.status == "paid"
