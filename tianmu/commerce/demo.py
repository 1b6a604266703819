"""Demo data for commerce: the garden's subscription agreements and 共富购 across the 13
paired villages.

- The 望湖村 garden: alliance enterprises (杭州西子电梯集团有限公司 among them) sign
  agreements for this year; deliveries from 1 January to today come to “30余万元” confirmed,
  with two more reported and awaiting confirmation.
- 共富购: each paired village gets a small catalogue of the article's products (杨梅, 月饼,
  山核桃, 大米, 药材); its alliance's core enterprises place orders (canteens, festival gifts)
  since the programme began, delivered and paid, confirmed by the other side, until the
  confirmed payments reach “800余万元”; a few recent payments await confirmation besides.

Quantities come from generators seeded by stable keys, so every run builds the same records;
dates are relative to today. Every figure is summed from these records, none is stored.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from tianmu.alliances.choices import MemberRole
from tianmu.alliances.models import AllianceMember
from tianmu.commerce.models import (
    Agreement,
    AgreementLine,
    Delivery,
    OrderDelivery,
    Payment,
    Product,
    PurchaseOrder,
    PurchaseOrderLine,
)
from tianmu.core.demo import DemoContext, register_demo_step
from tianmu.core.money import line_amount
from tianmu.registry.demo import PAIRED_TOWNS

XIZI = "杭州西子电梯集团有限公司"
#: Confirmed 共富购 payments stop once they reach this (orders are at most ~¥0.2M each).
PURCHASE_TARGET = Decimal("8300000")

# (name, category, unit, price, season): the article's products, invented prices.
ARTICLE_PRODUCTS = [
    ("杨梅", "bayberry", "斤", Decimal("25.00"), "6月"),
    ("月饼", "mooncake", "盒", Decimal("68.00"), "8–9月"),
    ("山核桃", "hickory", "斤", Decimal("75.00"), "9–10月"),
    ("大米", "rice", "kg", Decimal("8.00"), "10–11月"),
    ("药材礼盒", "herbs", "盒", Decimal("198.00"), "全年"),
]
#: Foreign keys the demo sets from objects it just made or looked up: validating that they
#: exist would cost a query each for ~700 objects (loaddemo must stay fast).
_KNOWN = ["order", "product", "enterprise", "village", "agreement", "project", "reported_by",
          "confirmed_by", "corrects"]  # fmt: skip
PURPOSES = ["canteen", "festival_gift", "welfare", "festival_gift", "canteen"]


def _rng(key: str) -> random.Random:
    return random.Random(f"tianmu-demo:{key}")


def _at(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(17, 0)))


def _cores(alliance) -> list:
    members = AllianceMember.objects.filter(alliance=alliance, role=MemberRole.CORE)
    return [m.organization for m in members.select_related("organization").order_by("id")]


@register_demo_step(310, "commerce.garden")
def build_garden_agreements(ctx: DemoContext) -> None:
    garden = ctx.refs["garden"]
    wanghu = garden.village
    year = ctx.today.year
    jan1 = datetime.date(year, 1, 1)
    days = (ctx.today - jan1).days
    vegetables, _ = ctx.ensure(
        Product,
        {"village": wanghu, "name": "高山蔬菜"},
        category="vegetables",
        unit="kg",
        price=Decimal("6.80"),
        season="全年",
        description="共富菜园按统一标准种植的高山蔬菜。",
    )
    potatoes, _ = ctx.ensure(
        Product,
        {"village": wanghu, "name": "高山土豆"},
        category="vegetables",
        unit="kg",
        price=Decimal("3.50"),
        season="6–10月",
    )
    cores = _cores(garden.alliance)
    buyers = [e for e in cores if e.name == XIZI] + [e for e in cores if e.name != XIZI][:2]
    rng = _rng(f"garden:{year}")
    for i, enterprise in enumerate(buyers):
        big = enterprise.name == XIZI
        agreement, _ = ctx.ensure(
            Agreement,
            {"enterprise": enterprise, "village": wanghu, "project": garden, "start": jan1},
            title=f"{enterprise.name}·共富菜园蔬菜认购协议（{year}）",
            end=datetime.date(year, 12, 31),
            status="signed",
            signed_on=jan1,
            note="统一标准种植，企业统一收购。",
        )
        veg_line, _ = ctx.ensure(
            AgreementLine,
            {"agreement": agreement, "product": vegetables},
            product_name=vegetables.name,
            unit="kg",
            quantity=Decimal(30000 if big else 15000),
            unit_price=vegetables.price,
        )
        lines = [(veg_line, 12, (1700, 2100) if big else (1000, 1200))]
        if big:
            potato_line, _ = ctx.ensure(
                AgreementLine,
                {"agreement": agreement, "product": potatoes},
                product_name=potatoes.name,
                unit="kg",
                quantity=Decimal(4000),
                unit_price=potatoes.price,
            )
            lines.append((potato_line, 4, (400, 600)))
        for line, count, (low, high) in lines:
            for n in range(count):
                quantity = Decimal(rng.randint(low, high))
                date = jan1 + datetime.timedelta(days=days * n // count)
                ctx.ensure(
                    Delivery,
                    {"line": line, "note": f"第{n + 1}批"},
                    agreement=agreement,
                    date=date,
                    quantity=quantity,
                    reported_side="village",
                    confirmation="confirmed",
                    confirmed_at=_at(date),
                )
        if i < 2:  # today's delivery, reported by the village, not yet confirmed
            ctx.ensure(
                Delivery,
                {"line": veg_line, "note": "今日送货（待确认）"},
                agreement=agreement,
                date=ctx.today,
                quantity=Decimal(rng.randint(300, 500)),
                reported_side="village",
            )


def _catalogue(ctx: DemoContext, village) -> list[Product]:
    rng = _rng(f"catalogue:{village.area.code}")
    chosen = rng.sample(ARTICLE_PRODUCTS, 3)
    products = []
    for name, category, unit, price, season in chosen:
        product, _ = ctx.ensure(
            Product,
            {"village": village, "name": name},
            category=category,
            unit=unit,
            price=price,
            season=season,
            description=f"{village.name}{name}（示例商品与价格）",
        )
        products.append(product)
    return products


def _order(ctx, *, n, village, enterprise, products, rng, placed_on, state) -> Decimal:
    """One order with 1–2 lines; `state` is paid (confirmed), awaiting (payment reported) or
    placed. Returns the order's amount."""
    order, _ = ctx.ensure(
        PurchaseOrder,
        {"village": village, "note": f"共富购示例订单{n:03d}"},
        enterprise=enterprise,
        purpose=PURPOSES[n % len(PURPOSES)],
        placed_on=placed_on,
        status={"paid": "paid", "awaiting": "delivered", "placed": "placed"}[state],
        exclude=_KNOWN,
    )
    total = Decimal("0")
    for product in rng.sample(products, rng.randint(1, 2)):
        # About ¥20k–¥60k of each product per order.
        quantity = Decimal(round(rng.uniform(20000, 60000) / float(product.price)))
        ctx.ensure(
            PurchaseOrderLine,
            {"order": order, "product": product},
            product_name=product.name,
            unit=product.unit,
            quantity=quantity,
            unit_price=product.price,
            exclude=_KNOWN,
        )
        total += line_amount(quantity, product.price)
    if state == "placed":
        return total
    delivered = placed_on + datetime.timedelta(days=rng.randint(3, 10))
    ctx.ensure(
        OrderDelivery,
        {"order": order},
        date=delivered,
        reported_side="village",
        confirmation="confirmed",
        confirmed_at=_at(delivered),
        exclude=_KNOWN,
    )
    paid = min(delivered + datetime.timedelta(days=rng.randint(5, 20)), ctx.today)
    confirmed = state == "paid"
    ctx.ensure(
        Payment,
        {"order": order},
        date=paid,
        amount_yuan=total,
        reported_side="enterprise",
        confirmation="confirmed" if confirmed else "reported",
        confirmed_at=_at(paid) if confirmed else None,
        exclude=_KNOWN,
    )
    return total


@register_demo_step(320, "commerce.purchases")
def build_purchases(ctx: DemoContext) -> None:
    since = ctx.refs["activity_start"]  # not the programme's start: see alliances/demo.py
    villages = [ctx.refs["paired_villages"][town] for town in PAIRED_TOWNS]
    alliances = [ctx.refs["alliances"][town] for town in PAIRED_TOWNS]
    catalogues = [_catalogue(ctx, v) for v in villages]
    buyers = [_cores(a) for a in alliances]
    rng = _rng("purchases")
    span = max((ctx.today - since).days - 40, 1)
    confirmed = Decimal("0")
    n = 0
    while confirmed < PURCHASE_TARGET:
        i = n % len(villages)
        placed_on = since + datetime.timedelta(days=rng.randint(0, span))
        confirmed += _order(
            ctx, n=n + 1, village=villages[i], enterprise=rng.choice(buyers[i]),
            products=catalogues[i], rng=rng, placed_on=placed_on, state="paid",
        )  # fmt: skip
        n += 1
    # A few recent ones whose payment the village has not confirmed yet, and one just placed.
    for state in ("awaiting", "awaiting", "awaiting", "placed"):
        i = n % len(villages)
        placed_on = max(ctx.today - datetime.timedelta(days=rng.randint(10, 30)), since)
        _order(
            ctx, n=n + 1, village=villages[i], enterprise=rng.choice(buyers[i]),
            products=catalogues[i], rng=rng, placed_on=placed_on, state=state,
        )  # fmt: skip
        n += 1
