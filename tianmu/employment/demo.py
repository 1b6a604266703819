"""Demo: common-prosperity workshops and the 5,500+ villagers they employ (docs/demo.md).

What the article gives: 临安奥星电子股份有限公司's “天目共富岗” workshop, the villager 张红梅
who earned “3万多元” in a year there, and “5500余人” employed. Everything else is invented:
the other workshops, the positions, and the people — synthetic names, `is_example=True`, no
ID number or phone at all (the fields stay empty; nothing real-looking is generated).

The people, placements and earnings are bulk-inserted (`bulk_create_logged`: one change-log
row per object, as the actor “loaddemo”), which keeps the load to a few seconds. The step is
idempotent: if the demo's people are there already it adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from tianmu.alliances.choices import MemberRole
from tianmu.alliances.models import AllianceMember
from tianmu.core.bulk import bulk_create_logged
from tianmu.core.demo import DemoContext, register_demo_step
from tianmu.core.workflow import ConfirmationStatus, Side
from tianmu.employment.choices import EmploymentType, PayBasis, WorkshopKind, WorkshopStatus
from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop
from tianmu.registry.models import Village

AOXING = "临安奥星电子股份有限公司"
TIANMU_GANG = "天目共富岗"
ZHANG = "张红梅"
#: Distinct people with a confirmed placement active today (the article: “5500余人”).
PEOPLE = 5_523
#: 张红梅's pay in the last full year: 12 × 2,640 = 31,680 (“3万多元”).
ZHANG_MONTHLY = Decimal("2640.00")

KINDS = list(WorkshopKind.values)
# (title, pay basis, yuan per unit, fixed/temporary, typical monthly pay)
POSITIONS = [
    ("装配工", PayBasis.PIECE, Decimal("0.35"), EmploymentType.FIXED, 2600),
    ("质检员", PayBasis.MONTH, Decimal("2800"), EmploymentType.FIXED, 2800),
    ("包装工", PayBasis.HOUR, Decimal("18"), EmploymentType.TEMPORARY, 1500),
]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘")
GIVEN = list("秀英桂兰玉珍凤芳建国伟强军平红梅丽华明霞志勇海燕春花金龙小云洁杰斌丹敏静")


def _months(year: int) -> list[datetime.date]:
    return [datetime.date(year, m, 1) for m in range(1, 13)]


def _confirmed_at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


@register_demo_step(330, "employment.workshops")
def build_workshops(ctx: DemoContext) -> None:
    alliances = ctx.refs["alliances"]
    today = ctx.today
    last_year = today.year - 1
    # Workshops open half a year before the demo's records begin (alliances/demo.py).
    opened = ctx.refs["activity_start"] - datetime.timedelta(days=180)
    positions_by_town: dict[str, list[Position]] = {}
    villages_by_town: dict[str, list[Village]] = {}
    aoxing_position = None
    for i, (town, alliance) in enumerate(alliances.items()):
        village = ctx.refs["paired_villages"][town]
        nearby = list(Village.objects.filter(area__parent=village.area.parent_id))
        villages_by_town[town] = nearby
        cores = [
            m.organization
            for m in AllianceMember.objects.filter(alliance=alliance, role=MemberRole.CORE)
            .select_related("organization")
            .order_by("id")
        ]
        aoxing = next((o for o in cores if o.name == AOXING), None)
        enterprise = aoxing or cores[i % len(cores)]
        name = TIANMU_GANG if aoxing else f"{town}共富工坊"
        workshop, _ = ctx.ensure(
            Workshop,
            {"name": name, "enterprise": enterprise},
            kind=WorkshopKind.HIRING if aoxing else KINDS[i % len(KINDS)],
            alliance=alliance,
            town=village.area.parent,
            location=f"{village.name}村口",
            status=WorkshopStatus.ACTIVE,
            opened_on=opened,
            description="临安区工商联会长企业的“天目共富岗”车间" if aoxing else "",
            m2m={"villages": nearby},
        )
        positions = []
        for title, basis, rate, kind, _pay in POSITIONS:
            position, _ = ctx.ensure(
                Position,
                {"workshop": workshop, "title": title},
                headcount=600,
                pay_basis=basis,
                pay_rate_yuan=rate,
                employment_type=kind,
            )
            positions.append(position)
        positions_by_town[town] = positions
        if aoxing:
            aoxing_position = positions[0]
    if Person.objects.filter(is_example=True).exists():
        return  # the people were loaded before: nothing to add
    _people(ctx, positions_by_town, villages_by_town, aoxing_position, opened, last_year)


def _people(ctx, positions_by_town, villages_by_town, aoxing_position, opened, last_year):
    rng = random.Random(4)  # noqa: S311  (seeded demo data)
    towns = list(positions_by_town)
    today = ctx.today
    people: list[Person] = []
    homes: list[str] = []
    for n in range(PEOPLE - 1):
        town = towns[n % len(towns)]
        village = villages_by_town[town][rng.randrange(len(villages_by_town[town]))]
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        people.append(
            Person(
                name=name,
                village=village,
                household=f"示例户{n + 1:05d}",
                low_income=rng.random() < 0.18,
                gender=rng.choice("fm"),
                birth_year=rng.randint(1962, 2002),
                is_example=True,
            )
        )
        homes.append(town)
    aoxing_town = aoxing_position.workshop.town.name
    zhang = Person(
        name=ZHANG,
        village=ctx.refs["paired_villages"][aoxing_town],
        household="示例户00000",
        low_income=True,
        gender="f",
        birth_year=1975,
        is_example=True,
    )
    people.append(zhang)
    homes.append(aoxing_town)
    people = bulk_create_logged(Person, people)

    span = max((today - opened).days - 60, 1)
    placements: list[Placement] = []
    pay: list[int] = []
    for person, town in zip(people, homes, strict=True):
        if person is zhang:
            position, start, monthly = aoxing_position, datetime.date(last_year - 1, 9, 1), 0
        else:
            index = rng.choices((0, 1, 2), weights=(6, 2, 2))[0]
            position = positions_by_town[town][index]
            start = opened + datetime.timedelta(days=rng.randrange(span))
            monthly = POSITIONS[index][4]
        placements.append(_placement(person, position, start, None, today))
        pay.append(monthly)
        if rng.random() < 0.08:  # an earlier, ended stint elsewhere: the person counts once
            other = positions_by_town[towns[rng.randrange(len(towns))]][2]
            end = start - datetime.timedelta(days=1)
            begin = end - datetime.timedelta(days=rng.randint(60, 200))
            placements.append(_placement(person, other, begin, end, today))
            pay.append(0)
    placements = bulk_create_logged(Placement, placements)

    earnings = []
    for placement, monthly in zip(placements, pay, strict=True):
        if placement.person is zhang:
            earnings += [
                MonthlyEarning(placement=placement, month=m, amount_yuan=ZHANG_MONTHLY)
                for m in _months(last_year)
            ]
            continue
        if not monthly:
            continue
        for month in _months(last_year):
            if month >= placement.start.replace(day=1):
                amount = Decimal(monthly + rng.randint(-300, 400))
                earnings.append(
                    MonthlyEarning(placement=placement, month=month, amount_yuan=amount)
                )
    bulk_create_logged(MonthlyEarning, earnings)
    ctx.created["employment.Person"] += len(people)
    ctx.created["employment.Placement"] += len(placements)
    ctx.created["employment.MonthlyEarning"] += len(earnings)


def _placement(person, position, start, end, today) -> Placement:
    confirmed = min(start + datetime.timedelta(days=7), today)
    return Placement(
        person=person,
        position=position,
        start=start,
        end=end,
        employment_type=position.employment_type,
        reported_side=Side.ENTERPRISE,
        confirmation=ConfirmationStatus.CONFIRMED,
        confirmed_at=_confirmed_at(confirmed),
    )
