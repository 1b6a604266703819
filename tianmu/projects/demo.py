"""Demo data for projects: the 望湖村 common-prosperity garden (“浙西天路·共富菜园”).

The article names the project, its village, its brand and that it brought 8 surrounding
villages along (带动周边8个村); it does not name them, nor give the investment or the land
area, so the demo takes 8 villages of 龙岗镇 and its neighbouring towns and leaves the
figures the article does not give at zero. Its sales come from the agreements and
deliveries the commerce demo step records (tianmu/commerce/demo.py), never from a number.
"""

from __future__ import annotations

import datetime

from tianmu.core.demo import DemoContext, register_demo_step
from tianmu.projects.choices import ProjectCategory, ProjectKind, ProjectStatus
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage
from tianmu.registry.models import Village

GARDEN_BRAND = "浙西天路·共富菜园"
# Surrounding villages (towns next to 龙岗镇), none of them a paired village.
NEIGHBOUR_TOWNS = ["龙岗镇", "清凉峰镇", "岛石镇", "昌化镇", "河桥镇"]
SUPPLIES = ["蔬菜", "土豆", "番薯", "玉米", "高山萝卜", "茄子", "辣椒", "南瓜"]


def garden_neighbours(ctx: DemoContext, wanghu: Village) -> list[Village]:
    paired = {v.pk for v in ctx.refs["paired_villages"].values()}
    found: list[Village] = []
    for town_name in NEIGHBOUR_TOWNS:
        town = ctx.refs["towns"][town_name]
        for village in Village.objects.filter(area__parent=town).order_by("area__code"):
            if village.pk not in paired and village.pk != wanghu.pk and len(found) < 8:
                found.append(village)
    return found


@register_demo_step(300, "projects.garden")
def build_garden(ctx: DemoContext) -> None:
    wanghu = ctx.refs["paired_villages"]["龙岗镇"]
    start = datetime.date(ctx.today.year - 1, 3, 1)
    project, _ = ctx.ensure(
        Project,
        {"village": wanghu, "name": "共富菜园"},
        brand=GARDEN_BRAND,
        kind=ProjectKind.BUSINESS,
        category=ProjectCategory.PLANTING,
        alliance=ctx.refs["alliances"]["龙岗镇"],
        status=ProjectStatus.OPERATING,
        start=start,
        description=(
            "盘活闲置农田建设蔬菜专供基地：按统一标准种植，联盟企业签订认购协议、统一收购蔬菜，"
            "并帮助打开蔬菜订购市场。（投资额、面积等文章未披露，示例数据留空。）"
        ),
        standard="统一标准种植（共富菜园种植规范）",
    )
    ctx.refs["garden"] = project
    for n, village in enumerate(garden_neighbours(ctx, wanghu)):
        ctx.ensure(
            ProjectVillage,
            {"project": project, "village": village},
            supplies=SUPPLIES[n % len(SUPPLIES)],
            joined=start + datetime.timedelta(days=60 * n),
        )
    ctx.ensure(
        ProjectUpdate,
        {"project": project, "title": "共富菜园首批蔬菜上市"},
        date=datetime.date(ctx.today.year, 1, 1),
        text="联盟企业统一收购首批高山蔬菜。（示例进展）",
        review_status="approved",
    )
