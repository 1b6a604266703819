"""The sheets that are not one resource's rows: memberships and a bank's statement."""

from __future__ import annotations

import datetime

import pytest

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.models import AllianceMember
from tianmu.exchange.services import import_create
from tianmu.exchange.tests.test_imports import xlsx
from tianmu.loans.models import Loan, Repayment
from tianmu.registry.models import ChamberMembership
from tianmu.registry.tests.factories import OrganizationFactory


def _run(user, resource, rows, dry_run=False):
    return import_create(user=user, resource=resource, filename="x.xlsx", content=xlsx(rows),
                         dry_run=dry_run)  # fmt: skip


@pytest.mark.django_db
def test_chamber_memberships_by_name_or_credit_code(world):
    admin = world.users["admin"]
    new = OrganizationFactory(home_town=world.t1, name="新会员企业")
    rows = [["商会", "企业"], ["龙岗镇商会", "新会员企业"], ["龙岗镇商会", world.e1.credit_code]]
    before = ChamberMembership.objects.count()
    job = _run(admin, "chamber-memberships", rows)
    assert job.errors == [], job.errors
    assert ChamberMembership.objects.filter(chamber=world.c1, enterprise=new).exists()
    assert ChamberMembership.objects.count() == before + job.created
    again = _run(admin, "chamber-memberships", rows)
    assert (again.created, again.unchanged) == (0, 2), again.errors


@pytest.mark.django_db
def test_alliance_members_in_their_alliance_and_scope(world):
    admin = world.users["admin"]
    org = OrganizationFactory(home_town=world.t1, name="新成员企业")
    rows = [
        ["联盟", "单位", "角色", "开始日期"],
        ["望湖村共富联盟", "新成员企业", "核心企业", "2025/1/1"],
    ]
    job = _run(admin, "alliance-members", rows)
    assert job.errors == [], job.errors
    member = AllianceMember.objects.get(alliance=world.a1, organization=org)
    assert member.role == "core" and member.start == datetime.date(2025, 1, 1)
    assert _run(admin, "alliance-members", rows).unchanged == 1
    # County B's admin cannot add to county A's alliance: an invalid choice, nothing written.
    other = _run(world.outsiders["admin"], "alliance-members", rows)
    assert other.errors and other.errors[0]["row"] == 2


@pytest.mark.django_db
def test_a_bank_statement_records_repayments_of_its_own_loans(demo):
    loan = Loan.objects.filter(status__in=["disbursed", "repaying"]).order_by("pk").first()
    if loan is None:
        pytest.skip("the demo has no loan on the books")
    bank = UserFactory(username="bank_stmt", role="bank", scope_organization=loan.product.bank)
    last = loan.repayments.order_by("-date").values_list("date", flat=True).first()
    day = max(last or loan.disbursements.order_by("date").first().date, datetime.date(2026, 11, 1))
    rows = [
        ["贷款编号", "还款日期", "还款金额", "提前还款"],
        [loan.pk, day.isoformat(), "1,000.00", "是"],
    ]
    before = Repayment.objects.filter(loan=loan).count()
    job = _run(bank, "repayments", rows)
    assert job.errors == [], job.errors
    assert Repayment.objects.filter(loan=loan).count() == before + 1
    assert _run(bank, "repayments", rows).unchanged == 1  # the same line again: matched
    # Another bank's officer sees no such loan.
    other_bank = OrganizationFactory(kind="partner", partner_kind="financial", name="别的银行",
                                     home_town=loan.product.bank.home_town)  # fmt: skip
    other = UserFactory(username="bank_x", role="bank", scope_organization=other_bank)
    refused = _run(other, "repayments", rows)
    assert refused.errors and refused.errors[0]["column"] == "贷款编号"


@pytest.mark.django_db
def test_orders_with_their_lines_then_payments(world):
    from tianmu.commerce.models import Payment, PurchaseOrder

    admin = world.users["admin"]
    header = ["企业", "村", "下单日期", "用途", "产品名称", "单位", "数量", "单价"]
    e1 = world.e1.name
    rows = [header, [e1, "330112107201", "2026-11-02", "食堂", "高山蔬菜", "斤", 100, "3.50"],
            [e1, "330112107201", "2026-11-02", "食堂", "土鸡蛋", "个", 200, "1.20"],
            [e1, "330112107202", "2026-11-03", "食堂", "笋干", "斤", 10, "40"]]  # fmt: skip
    before = PurchaseOrder.objects.count()
    dry = _run(admin, "orders", rows, dry_run=True)
    assert (dry.errors, dry.created) == ([], 3), dry.errors
    assert PurchaseOrder.objects.count() == before
    job = _run(admin, "orders", rows)
    assert job.errors == [], job.errors
    assert PurchaseOrder.objects.count() == before + 2
    order = PurchaseOrder.objects.get(village=world.v1a, placed_on=datetime.date(2026, 11, 2))
    assert order.lines.count() == 2
    assert _run(admin, "orders", rows).unchanged == 3

    changed = [r[:] for r in rows]
    changed[1][6] = 120
    refused = _run(admin, "orders", changed)
    assert refused.errors and refused.errors[0]["row"] == 2
    assert order.lines.get(product_name="高山蔬菜").quantity == 100

    pay = [["订单编号", "付款日期", "付款金额"], [order.pk, "2026-11-20", "590.00"]]
    paid = _run(admin, "payments", pay)
    assert (paid.errors, paid.created) == ([], 1), paid.errors
    assert Payment.objects.filter(order=order).count() == 1
    assert _run(admin, "payments", pay).unchanged == 1
    too_much = [["订单编号", "付款日期", "付款金额"], [order.pk, "2026-11-21", "5,000"]]
    over = _run(admin, "payments", too_much)
    assert over.errors and "more than" in over.errors[0]["message"]
