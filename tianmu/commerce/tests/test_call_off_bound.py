"""Call-off orders are bounded by the line's agreed quantity, as deliveries are; past it only a
programme admin may record one, with a reason that is kept on the call-off."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tianmu.commerce.models import CallOff
from tianmu.core.models import ObjectChange
from tianmu.core.tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def post(api, who, trade, quantity, **extra):
    body = {"line": trade.line.pk, "date": "2024-05-01", "quantity": quantity, **extra}
    return api(who, "post", f"/agreements/{trade.agreement.pk}/call-offs", body)


def state():
    return CallOff.objects.count(), ObjectChange.objects.count()


def test_a_call_off_past_the_agreed_quantity_is_refused(world, trade):
    api = ApiClient(world)
    assert trade.line.quantity == Decimal("1000.00")
    before = state()
    r = post(api, "enterprise", trade, "2400")
    assert r.status_code == 400, r.content
    assert r.json()["errors"]["quantity"] == [
        "This call-off brings 蔬菜 to 2400.00 kg called off, over the agreed 1000.00 kg; only "
        "a programme admin can record it, with a reason."
    ]
    assert state() == before
    assert post(api, "enterprise", trade, "600").status_code == 201
    assert post(api, "enterprise", trade, "400").status_code == 201  # exactly the agreed 1000
    before = state()
    r = post(api, "enterprise", trade, "0.01")
    assert r.status_code == 400 and "1000.01" in r.json()["errors"]["quantity"][0]
    # A reason from someone who is not a programme admin changes nothing.
    r = post(api, "enterprise", trade, "50", override_reason="客户追加")
    assert r.status_code == 400 and list(r.json()["errors"]) == ["quantity"]
    assert state() == before
    r = post(api, "village", trade, "50", lang="zh-hans")
    assert r.status_code == 400 and "蔬菜" in r.json()["errors"]["quantity"][0]
    assert state() == before


def test_a_programme_admin_records_the_excess_with_a_reason(world, trade):
    api = ApiClient(world)
    before = state()
    r = post(api, "admin", trade, "1500")
    assert r.status_code == 400, r.content
    assert list(r.json()["errors"]) == ["override_reason"]
    assert state() == before
    r = post(api, "admin", trade, "1500", override_reason="中秋追加订单，双方同意")
    assert r.status_code == 201, r.content
    assert r.json()["override_reason"] == "中秋追加订单，双方同意"
    call_off = CallOff.objects.get(pk=r.json()["id"])
    assert call_off.quantity == Decimal("1500.00")
    assert call_off.override_reason == "中秋追加订单，双方同意"
    change = ObjectChange.objects.filter(object_id=str(call_off.pk)).latest("pk")
    assert change.after["override_reason"] == "中秋追加订单，双方同意"
