"""Demo data for alliances: the programme “天目共富联盟” and its 13 alliances (5+1+X).

Built on the registry step's objects (see tianmu/registry/demo.py for `ctx.refs`). Each of the
13 towns has one alliance paired with one of its villages: five core enterprises (each core in
exactly one alliance, 65 in all), the town's chamber of commerce, and one to three cooperating
units, always including a bank (the article's 共富贷 comes from the alliances' financial units).
"""

from __future__ import annotations

import datetime

from tianmu.alliances.choices import AllianceStatus, MemberFunction, MemberRole
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.core.demo import DemoContext, register_demo_step
from tianmu.registry.choices import PartnerKind
from tianmu.registry.demo import PAIRED_TOWNS, PAIRING_YEARS_AGO

PROGRAM_PREFIX = "天目共富联盟"

# Which town's alliance the two enterprises the article names belong to. 西子电梯 is the
# article's example for 望湖村 (龙岗镇); 奥星电子's town is not given, so its placement is
# the demo's choice.
REAL_CORE_TOWN = {
    "杭州西子电梯集团有限公司": "龙岗镇",
    "临安奥星电子股份有限公司": "於潜镇",
}

# Functions (智囊团, 资源团, 创新团) go to three of the five core enterprises, in this order.
FUNCTIONS = [
    MemberFunction.THINK_TANK,
    MemberFunction.RESOURCE,
    MemberFunction.INNOVATION,
    MemberFunction.NONE,
    MemberFunction.NONE,
]

# Industry positioning per town. 龙岗镇's is the article's; the others are invented.
POSITIONING = {
    "高虹镇": "高山茶叶品牌化与农文旅融合，打造茶园观光线路。",
    "太湖源镇": "笋干、茶叶统一收购与冷链销售，发展源头生态旅游。",
    "於潜镇": "道地药材规范种植与收购，优质大米订单种植。",
    "天目山镇": "禅茶与笋干品牌打造，借景区客流发展乡村旅游。",
    "太阳镇": "杨梅保鲜冷链与电商直销，延长销售季。",
    "潜川镇": "大米、蔬菜订单农业，统一品牌和包装。",
    "昌化镇": "山核桃精深加工与电商销售，村集体入股加工项目。",
    "龙岗镇": "盘活闲置农田建设“浙西天路·共富菜园”：统一标准种植，联盟企业签订认购协议、"
    "统一收购蔬菜，并帮助打开订购市场。",
    "河桥镇": "传统月饼、笋干等古镇特产的品牌设计与线上销售，带动古镇旅游。",
    "湍口镇": "温泉康养旅游配套，发展蔬菜、茶叶供应。",
    "清凉峰镇": "中药材种植技术指导与统一收购，山核桃冷链仓储。",
    "岛石镇": "山核桃电商销售与共富贷支持的村集体加工项目。",
    "板桥镇": "大米、杨梅订单收购，家门口就业岗位。",
}


def program_term(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The demo programme's term, and its alliances' pairings and memberships: 1 January three
    years ago (`PAIRING_YEARS_AGO`) to 31 December next year, so it is active today and the
    villages' incomes have years before and after the pairing."""
    start = datetime.date(today.year - PAIRING_YEARS_AGO, 1, 1)
    return start, datetime.date(today.year + 1, 12, 31)


def activity_start(today: datetime.date) -> datetime.date:
    """The first day of the instruments' demo records (purchases, workshops, events): 1 January
    last year. The article's figures are counted from them, so they do not move with the
    pairings' start."""
    return datetime.date(today.year - 1, 1, 1)


def core_assignment(enterprises: list, towns: list[str]) -> dict[str, list]:
    """Five core enterprises per town, each enterprise in exactly one alliance.

    The real enterprises go where REAL_CORE_TOWN says, second in their list (the resource
    group, for the enterprises that buy the produce and offer the jobs); the invented ones
    are dealt out in order to fill the rest.
    """
    by_town: dict[str, list] = {town: [] for town in towns}
    real = [e for e in enterprises if e.name in REAL_CORE_TOWN]
    invented = iter(e for e in enterprises if e.name not in REAL_CORE_TOWN)
    for town in towns:
        placed = [e for e in real if REAL_CORE_TOWN[e.name] == town]
        members = [next(invented) for _ in range(5 - len(placed))]
        for e in placed:
            members.insert(1, e)
        by_town[town] = members
    return by_town


@register_demo_step(200, "alliances.program")
def build_alliances(ctx: DemoContext) -> None:
    """The programme, then per town: alliance (draft), members, pairing, then activation.

    Activation runs `Alliance.clean()`, which refuses unless `alliance_rule_check` passes,
    so every demo alliance is checked against the 5+1+X rules as it is loaded.
    """
    county = ctx.refs["county"]
    start, end = program_term(ctx.today)
    program = (
        Program.objects.filter(area=county, name__startswith=PROGRAM_PREFIX)
        .order_by("-start")
        .first()
    )
    if program is None:
        program, _ = ctx.ensure(
            Program,
            {"area": county, "name": f"{PROGRAM_PREFIX} {start.year}–{end.year}"},
            start=start,
            end=end,
            core_count=5,
            chamber_count=1,
            chamber_must_be_local=True,
            partners_min=1,
            partners_max=5,
            core_must_be_fic=True,
            description=(
                "“5+1+X”组团结对：5家工商联执委会成员企业 + 1个属地商会 + 若干协作单位，"
                "13个联盟定向结对全区13个村集体。"
            ),
        )
    ctx.refs["program"] = program
    ctx.refs["activity_start"] = activity_start(ctx.today)

    villages = ctx.refs["paired_villages"]
    chambers = ctx.refs["chambers"]
    partners = ctx.refs["partners"]
    banks = partners[PartnerKind.FINANCIAL]
    cores = core_assignment(ctx.refs["enterprises"], PAIRED_TOWNS)
    alliances = {}
    for i, town in enumerate(PAIRED_TOWNS):
        village = villages[town]
        alliance, created = ctx.ensure(
            Alliance,
            {"program": program, "name": f"{town}{village.name}共富联盟"},
            status=AllianceStatus.DRAFT,
            positioning=POSITIONING[town],
        )
        term = {"start": program.start, "end": program.end}
        for org, function in zip(cores[town], FUNCTIONS, strict=True):
            ctx.ensure(
                AllianceMember,
                {"alliance": alliance, "organization": org, "role": MemberRole.CORE},
                function=function,
                **term,
            )
        ctx.ensure(
            AllianceMember,
            {"alliance": alliance, "organization": chambers[town], "role": MemberRole.CHAMBER},
            **term,
        )
        units = [banks[i % len(banks)]]
        needs = set(village.development_needs)
        if needs & {"技术指导", "品牌设计"}:
            units += partners[PartnerKind.ACADEMIC]
        if needs & {"就业岗位", "乡村旅游"}:
            units += partners[PartnerKind.SOCIAL]
        for org in units:
            ctx.ensure(
                AllianceMember,
                {"alliance": alliance, "organization": org, "role": MemberRole.PARTNER},
                **term,
            )
        ctx.ensure(
            Pairing,
            {"alliance": alliance, "village": village},
            note="浙西天路·共富菜园" if town == "龙岗镇" else "",
            **term,
        )
        if created:
            alliance.status = AllianceStatus.ACTIVE
            alliance.full_clean()
            alliance.save()
        alliances[town] = alliance
    ctx.refs["alliances"] = alliances
