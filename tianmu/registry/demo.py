"""Demo data for the registry: Lin'an District's area tree, villages and organisations.

What is real and what is invented is listed in docs/demo.md. In short: the province, city,
district and the 18 subdistrict/town names are public; the district code 330112 is official,
the sub-district codes follow the NBS scheme but are not checked against the NBS list; the
coordinates are approximate. Of the villages only 望湖村 (龙岗镇) is real, and of the
enterprises only the two the article names. Everything invented has `is_example=True`.

Steps hand their objects to later steps through `ctx.refs`:
- "county": the Lin'an Area; "towns": {town name: Area} for the 18 subdistricts and towns;
- "paired_villages": {town name: Village} for the 13 towns (the village each alliance pairs);
- "enterprises": the 65 enterprises in a fixed order (the two real ones first);
- "chambers": {town name: Organization}; "partners": {"bank": [...], "academic": [...], ...}.
"""

from __future__ import annotations

import random
from decimal import Decimal

from tianmu.core.demo import DemoContext, example_uscc, register_demo_step
from tianmu.registry.choices import AreaLevel, FicPosition, OrganizationKind, PartnerKind
from tianmu.registry.models import Area, ChamberMembership, Organization, Village, VillageIncome

COUNTY_CODE = "330112000000"
_AREA_EXCLUDE = ["path"]  # computed in Area.save()

# (name, township code, approximate lat, lon). Subdistricts 001–005, towns 100–112 in the
# order the article and the district list them.
TOWNS: list[tuple[str, str, float, float]] = [
    ("锦城街道", "001", 30.234, 119.722),
    ("锦北街道", "002", 30.262, 119.716),
    ("锦南街道", "003", 30.205, 119.713),
    ("玲珑街道", "004", 30.214, 119.657),
    ("青山湖街道", "005", 30.252, 119.803),
    ("高虹镇", "100", 30.362, 119.638),
    ("太湖源镇", "101", 30.318, 119.590),
    ("於潜镇", "102", 30.205, 119.418),
    ("天目山镇", "103", 30.298, 119.452),
    ("太阳镇", "104", 30.180, 119.525),
    ("潜川镇", "105", 30.120, 119.478),
    ("昌化镇", "106", 30.162, 119.228),
    ("龙岗镇", "107", 30.215, 119.030),
    ("河桥镇", "108", 30.070, 119.300),
    ("湍口镇", "109", 30.082, 119.150),
    ("清凉峰镇", "110", 30.150, 118.920),
    ("岛石镇", "111", 29.990, 118.985),
    ("板桥镇", "112", 30.180, 119.790),
]
PAIRED_TOWNS = [name for name, code, _lat, _lon in TOWNS if code >= "100"]

WANGHU = "望湖村"

#: The demo's pairings begin this many years before the current one (1 January), and the
#: villages' incomes cover the five completed years: so each paired village has income years
#: before its pairing and after it (docs/demo.md). The alliances step reads it.
PAIRING_YEARS_AGO = 3
INCOME_YEARS = 5

# Villages per town: the first of a town (code 201) is the one its alliance pairs with.
# (name, main products, development needs). Needs use the same words as enterprise
# capabilities, so the matching optimiser can compare them.
VILLAGES: dict[str, list[tuple[str, list[str], list[str]]]] = {
    "锦城街道": [("城南坞村", ["蔬菜"], ["就业岗位"])],
    "锦北街道": [
        ("北山坞村", ["茶叶"], ["电商运营", "就业岗位"]),
        ("横潭岭村", ["笋干"], ["农产品收购"]),
    ],
    "锦南街道": [
        ("南湖畈村", ["大米", "蔬菜"], ["农产品收购"]),
        ("长桥坞村", ["蔬菜"], ["乡村旅游"]),
    ],
    "玲珑街道": [("玲珑坞村", ["山核桃"], ["电商运营"])],
    "青山湖街道": [
        ("湖畔岭村", ["蔬菜", "茶叶"], ["就业岗位"]),
        ("研里村", ["杨梅"], ["品牌设计", "农产品收购"]),
    ],
    "高虹镇": [
        ("虹溪村", ["茶叶", "蔬菜"], ["品牌设计", "电商运营", "乡村旅游"]),
        ("龙门坞村", ["笋干"], ["农产品收购"]),
        ("上岭村", ["茶叶"], ["技术指导"]),
    ],
    "太湖源镇": [
        ("源头坞村", ["笋干", "茶叶"], ["农产品收购", "冷链物流", "乡村旅游"]),
        ("白沙岭村", ["笋干"], ["电商运营"]),
        ("青竹村", ["茶叶", "笋干"], ["品牌设计"]),
        ("横溪口村", ["蔬菜"], ["就业岗位"]),
    ],
    "於潜镇": [
        ("术乡村", ["药材", "大米"], ["技术指导", "农产品收购", "品牌设计"]),
        ("西溪畈村", ["大米"], ["农产品收购"]),
        ("光明坞村", ["药材"], ["就业岗位"]),
    ],
    "天目山镇": [
        ("禅源村", ["茶叶", "笋干"], ["乡村旅游", "品牌设计", "电商运营"]),
        ("月亮坞村", ["茶叶"], ["乡村旅游"]),
        ("杨岭村", ["笋干"], ["冷链物流"]),
    ],
    "太阳镇": [
        ("梅岭村", ["杨梅"], ["冷链物流", "农产品收购", "电商运营"]),
        ("双溪坞村", ["杨梅", "蔬菜"], ["就业岗位"]),
        ("下坞村", ["大米"], ["技术指导"]),
    ],
    "潜川镇": [
        ("川口村", ["大米", "蔬菜"], ["农产品收购", "品牌设计", "金融服务"]),
        ("竹坞岭村", ["笋干"], ["电商运营"]),
        ("伍家畈村", ["大米"], ["就业岗位"]),
    ],
    "昌化镇": [
        ("核桃岭村", ["山核桃"], ["电商运营", "品牌设计", "金融服务"]),
        ("白果坞村", ["山核桃", "笋干"], ["农产品收购"]),
        ("双石村", ["山核桃"], ["冷链物流"]),
        ("后溪村", ["蔬菜"], ["就业岗位"]),
    ],
    "龙岗镇": [
        (WANGHU, ["蔬菜"], ["农产品收购", "技术指导", "就业岗位"]),
        ("高山坞村", ["山核桃", "蔬菜"], ["农产品收购"]),
        ("云栖岭村", ["笋干"], ["乡村旅游"]),
    ],
    "河桥镇": [
        ("古埠村", ["月饼", "笋干"], ["品牌设计", "电商运营", "乡村旅游"]),
        ("柳溪村", ["笋干"], ["农产品收购"]),
        ("泥坞口村", ["蔬菜"], ["就业岗位"]),
    ],
    "湍口镇": [
        ("温泉坞村", ["蔬菜", "茶叶"], ["乡村旅游", "品牌设计", "金融服务"]),
        ("塘坞岭村", ["茶叶"], ["农产品收购"]),
        ("芹川口村", ["蔬菜"], ["技术指导"]),
    ],
    "清凉峰镇": [
        ("峰下村", ["药材", "山核桃"], ["技术指导", "农产品收购", "冷链物流"]),
        ("杨溪坞村", ["山核桃"], ["电商运营"]),
        ("浙川村", ["药材"], ["就业岗位"]),
    ],
    "岛石镇": [
        ("石岛坞村", ["山核桃"], ["电商运营", "冷链物流", "金融服务"]),
        ("银坑村", ["山核桃"], ["农产品收购"]),
        ("仁里岭村", ["笋干", "山核桃"], ["品牌设计"]),
    ],
    "板桥镇": [
        ("桥东村", ["大米", "杨梅"], ["农产品收购", "就业岗位", "电商运营"]),
        ("花戏畈村", ["蔬菜"], ["乡村旅游"]),
        ("上田坞村", ["大米"], ["技术指导"]),
    ],
}

# The two enterprises the article names: real names, FIC positions from the article, the
# industry their names state and capabilities from what the article says they do. Their
# credit codes, sizes and addresses are not in the article, so they stay empty.
REAL_ENTERPRISES = [
    {
        "name": "杭州西子电梯集团有限公司",
        "industry": "电梯制造",
        "fic_position": FicPosition.CHAIR,
        "capabilities": ["农产品收购", "技术指导"],
    },
    {
        "name": "临安奥星电子股份有限公司",
        "industry": "电子元器件制造",
        "fic_position": FicPosition.PRESIDENT,
        "capabilities": ["就业岗位", "技术指导"],
    },
]

# Invented trade names (字号) for the 63 invented enterprises, so 65 in all. One string reads
# as the list it is; a 63-line list literal would not.
_TRADE_NAMES = (  # noqa: SIM905
    "锦程 天禾 青川 瑞丰 恒泰 嘉和 东湖 苕溪 昌盛 宏远 华阳 鑫源 汇通 百川 云峰 明德 晨曦 长青 "
    "万松 金穗 银杉 翠峰 竹海 山岚 远航 新禾 立诚 博远 德信 福临 和润 泓毅 佳木 坤元 乐丰 茂源 "
    "宁远 浦阳 启明 仁和 泰和 维新 兴旺 雅诚 益康 永兴 卓越 曜石 峻岭 澄江 溪谷 丰登 麦浪 朗润 "
    "青溪 碧云 松涛 秋实 春晖 竹韵 沐阳 景行 致远"
).split()

# industry key: (industry, name word, capabilities, employees range)
_INDUSTRIES: dict[str, tuple[str, str, list[str], tuple[int, int]]] = {
    "electronics": ("电子元器件制造", "电子科技", ["就业岗位", "技术指导"], (150, 900)),
    "machinery": ("机械制造", "机械", ["就业岗位", "技术指导"], (80, 600)),
    "bamboo": ("竹木制品", "竹木制品", ["农产品收购", "就业岗位"], (40, 300)),
    "food": ("食品加工", "食品", ["农产品收购", "品牌设计", "冷链物流"], (50, 400)),
    "tea": ("茶叶加工", "茶业", ["农产品收购", "品牌设计", "技术指导"], (20, 150)),
    "hickory": ("山核桃加工", "山核桃食品", ["农产品收购", "电商运营"], (30, 250)),
    "ecommerce": ("电子商务", "电子商务", ["电商运营", "品牌设计"], (20, 120)),
    "logistics": ("物流", "供应链管理", ["冷链物流", "农产品收购"], (40, 300)),
    "tourism": ("文化旅游", "文旅发展", ["乡村旅游", "品牌设计"], (20, 200)),
    "construction": ("建筑建材", "建设", ["就业岗位", "技术指导"], (100, 800)),
    "biotech": ("生物医药", "生物科技", ["技术指导", "农产品收购"], (60, 500)),
    "materials": ("新材料", "新材料", ["技术指导", "就业岗位"], (80, 600)),
    "apparel": ("纺织服装", "服饰", ["就业岗位"], (100, 700)),
    "agriculture": ("农业开发", "农业开发", ["技术指导", "农产品收购", "金融服务"], (20, 150)),
    "hotel": ("餐饮酒店", "酒店管理", ["农产品收购", "乡村旅游"], (30, 250)),
    "lighting": ("照明电器", "照明电器", ["就业岗位"], (100, 600)),
}
_INDUSTRY_CYCLE = list(_INDUSTRIES)

# Where invented enterprises are based: most in the subdistricts around the district seat
# and the 青山湖 science park, some in the towns.
_HOME_CYCLE = [
    "青山湖街道",
    "锦北街道",
    "锦城街道",
    "青山湖街道",
    "锦南街道",
    "玲珑街道",
    *PAIRED_TOWNS,
]

# Cooperating units (协作单位), all invented. (name, kind)
PARTNERS = [
    ("示例农村商业银行临安支行", PartnerKind.FINANCIAL),
    ("示例城市商业银行临安支行", PartnerKind.FINANCIAL),
    ("示例村镇银行临安营业部", PartnerKind.FINANCIAL),
    ("示例农林学院乡村振兴研究中心", PartnerKind.ACADEMIC),
    ("示例乡村振兴公益基金会", PartnerKind.SOCIAL),
]


def _rng(key: str) -> random.Random:
    """A generator seeded by a stable key, so each object's invented figures never change."""
    return random.Random(f"tianmu-demo:{key}")


def invented_enterprises() -> list[dict]:
    """The 63 invented FIC executive enterprises, in a fixed order."""
    rows = []
    for i, trade in enumerate(_TRADE_NAMES):
        key = _INDUSTRY_CYCLE[i % len(_INDUSTRY_CYCLE)]
        industry, word, capabilities, (lo, hi) = _INDUSTRIES[key]
        if i < 6:
            position = FicPosition.VICE_CHAIR
        elif i < 20:
            position = FicPosition.STANDING
        else:
            position = FicPosition.EXECUTIVE
        rows.append(
            {
                "name": f"临安{trade}{word}有限公司",
                "industry": industry,
                "employees": _rng(trade).randint(lo, hi),
                "home_town": _HOME_CYCLE[i % len(_HOME_CYCLE)],
                "capabilities": capabilities,
                "fic_position": position,
                "credit_code": example_uscc(i + 1),
            }
        )
    return rows


#: Core places a village's alliance has (5+1+X): how many uncommitted enterprises the demo
#: invents for each village not yet paired, so the default "Propose alliances" run is feasible.
CORE_PER_VILLAGE = 5


def unpaired_demo_villages() -> list[tuple[str, str, list[str]]]:
    """(town, village, needs) of the villages no demo alliance pairs: every village of a
    subdistrict and all but the first village of each town."""
    rows = []
    for town, villages in VILLAGES.items():
        for i, (name, _products, needs) in enumerate(villages):
            if town in PAIRED_TOWNS and i == 0:
                continue
            rows.append((town, name, needs))
    return rows


def uncommitted_enterprises() -> list[dict]:
    """Invented FIC executive enterprises in no alliance yet: five near each unpaired
    village, in its town, of the industries whose capabilities best answer its needs."""
    rows = []
    n = len(_TRADE_NAMES)
    for town, village, needs in unpaired_demo_villages():
        ranked = sorted(
            _INDUSTRY_CYCLE,
            key=lambda key: (
                -len(set(needs) & set(_INDUSTRIES[key][2])),
                _INDUSTRY_CYCLE.index(key),
            ),
        )
        for key in ranked[:CORE_PER_VILLAGE]:
            industry, word, capabilities, (lo, hi) = _INDUSTRIES[key]
            n += 1
            rows.append(
                {
                    "name": f"临安{village.removesuffix('村')}{word}有限公司",
                    "industry": industry,
                    "employees": _rng(f"{village}:{key}").randint(lo, hi),
                    "home_town": town,
                    "capabilities": capabilities,
                    "fic_position": FicPosition.EXECUTIVE,
                    "credit_code": example_uscc(n),
                }
            )
    return rows


@register_demo_step(100, "registry.areas")
def build_areas(ctx: DemoContext) -> None:
    """Zhejiang > Hangzhou > Lin'an, and Lin'an's 5 subdistricts and 13 towns."""
    province, _ = ctx.ensure(
        Area,
        {"code": "330000000000"},
        name="浙江省",
        level=AreaLevel.PROVINCE,
        exclude=_AREA_EXCLUDE,
    )
    city, _ = ctx.ensure(
        Area,
        {"code": "330100000000"},
        name="杭州市",
        level=AreaLevel.CITY,
        parent=province,
        lat=30.274,
        lon=120.155,
        exclude=_AREA_EXCLUDE,
    )
    county, _ = ctx.ensure(
        Area,
        {"code": COUNTY_CODE},
        name="临安区",
        level=AreaLevel.COUNTY,
        parent=city,
        lat=30.233,
        lon=119.725,
        exclude=_AREA_EXCLUDE,
    )
    towns = {}
    for name, township, lat, lon in TOWNS:
        towns[name], _ = ctx.ensure(
            Area,
            {"code": f"330112{township}000"},
            name=name,
            level=AreaLevel.TOWN,
            parent=county,
            lat=lat,
            lon=lon,
            exclude=_AREA_EXCLUDE,
        )
    ctx.refs["county"] = county
    ctx.refs["towns"] = towns


def _village_profile(code: str, products: list[str], needs: list[str]) -> dict:
    rng = _rng(code)
    population = rng.randint(650, 3200)
    households = round(population / rng.uniform(2.7, 3.3))
    return {
        "population": population,
        "households": households,
        "low_income_households": max(1, round(households * rng.uniform(0.01, 0.05))),
        "idle_farmland_mu": Decimal(rng.randint(0, 1500)) / 10,
        "main_products": products,
        "development_needs": needs,
        "is_example": True,
    }


def _income_series(
    code: str, years: list[int], paired_from: int | None = None
) -> dict[int, tuple[Decimal, Decimal]]:
    """(Collective income, of which operating income 经营性收入) for consecutive years.

    A base of ¥0.3–2.5M, 25–60 % of it operating; the operating part grows 2–10 % a year and
    the rest 0–8 %, so operating income is always below the total. A paired village's
    operating income grows 6–14 % a year more from its pairing's year on (what the alliances
    are for: the effect the impact page measures). Seeded by the village's code.
    """
    rng = _rng(f"income:{code}")
    base = rng.randint(300, 2500) * 1000
    operating = round(base * rng.uniform(0.25, 0.60), -2)
    other = base - operating
    series = {}
    for year in years:
        series[year] = (Decimal(operating + other), Decimal(operating))
        bump = rng.uniform(0.06, 0.14)  # drawn for every village, so the series stay seeded
        paired = paired_from is not None and year + 1 >= paired_from
        operating = round(operating * (rng.uniform(1.02, 1.10) + (bump if paired else 0)), -2)
        other = round(other * rng.uniform(1.00, 1.08), -2)
    return series


@register_demo_step(110, "registry.villages")
def build_villages(ctx: DemoContext) -> None:
    """Villages in every subdistrict and town, with profiles, coordinates and five years of
    income (total and operating).

    望湖村 is real, but the article gives no figures for it: its profile keeps only what the
    article says (vegetables, idle farmland to revitalise, produce to sell) and no numbers.
    Its incomes are invented like every other village's, so that the impact and assessment
    pages have its years before and after the pairing (docs/demo.md says so).
    """
    towns = ctx.refs["towns"]
    years = list(range(ctx.today.year - INCOME_YEARS, ctx.today.year))
    paired_from = ctx.today.year - PAIRING_YEARS_AGO
    paired = {}
    for town_name, villages in VILLAGES.items():
        town = towns[town_name]
        for n, (name, products, needs) in enumerate(villages, start=1):
            code = f"{town.code[:9]}2{n:02d}"
            area, _ = ctx.ensure(
                Area,
                {"code": code},
                name=name,
                level=AreaLevel.VILLAGE,
                parent=town,
                lat=round(town.lat + _rng(code).uniform(-0.03, 0.03), 4),
                lon=round(town.lon + _rng(code + "lon").uniform(-0.03, 0.03), 4),
                exclude=_AREA_EXCLUDE,
            )
            if name == WANGHU:
                profile = {
                    "main_products": products,
                    "development_needs": needs,
                    "is_example": False,
                }
            else:
                profile = _village_profile(code, products, needs)
            village, _ = ctx.ensure(Village, {"area": area}, **profile)
            is_paired = n == 1 and town_name in PAIRED_TOWNS
            series = _income_series(code, years, paired_from if is_paired else None)
            for year, (total, operating) in series.items():
                ctx.ensure(
                    VillageIncome,
                    {"village": village, "year": year},
                    amount_yuan=total,
                    operating_yuan=operating,
                )
            if is_paired:
                paired[town_name] = village
    ctx.refs["paired_villages"] = paired


@register_demo_step(120, "registry.organizations")
def build_organizations(ctx: DemoContext) -> None:
    """65 FIC executive enterprises in the alliances, 180 more in none yet (five near each
    unpaired village), a chamber for every town and the cooperating units."""
    towns = ctx.refs["towns"]
    county = ctx.refs["county"]
    enterprises = []
    for row in REAL_ENTERPRISES:
        org, _ = ctx.ensure(
            Organization,
            {"kind": OrganizationKind.ENTERPRISE, "name": row["name"]},
            industry=row["industry"],
            capabilities=row["capabilities"],
            fic_executive=True,
            fic_position=row["fic_position"],
            is_example=False,
            registered_area=county,  # the demo's organisations are Lin'an's records
        )
        enterprises.append(org)

    def invented_one(row) -> Organization:
        org, _ = ctx.ensure(
            Organization,
            {"kind": OrganizationKind.ENTERPRISE, "name": row["name"]},
            credit_code=row["credit_code"],
            industry=row["industry"],
            employees=row["employees"],
            home_town=towns[row["home_town"]],
            capabilities=row["capabilities"],
            fic_executive=True,
            fic_position=row["fic_position"],
            is_example=True,
            registered_area=county,
        )
        return org

    enterprises += [invented_one(row) for row in invented_enterprises()]
    uncommitted = [invented_one(row) for row in uncommitted_enterprises()]

    # Every town has a chamber of commerce; the demo's records for them are invented.
    chambers = {}
    for town_name, _code, _lat, _lon in TOWNS:
        chambers[town_name], _ = ctx.ensure(
            Organization,
            {"kind": OrganizationKind.CHAMBER, "name": f"{town_name}商会"},
            home_town=towns[town_name],
            is_example=True,
            registered_area=county,
        )
    # Invented enterprises based in a town belong to its chamber (属地商会会员企业).
    chamber_by_town = {c.home_town_id: c for c in chambers.values()}
    for org in enterprises + uncommitted:
        chamber = chamber_by_town.get(org.home_town_id)
        if chamber is not None:
            ctx.ensure(ChamberMembership, {"chamber": chamber, "enterprise": org})

    partners: dict[str, list[Organization]] = {kind: [] for kind in PartnerKind.values}
    for name, kind in PARTNERS:
        org, _ = ctx.ensure(
            Organization,
            {"kind": OrganizationKind.PARTNER, "name": name},
            partner_kind=kind,
            is_example=True,
            registered_area=county,
            m2m={"service_area": [county]},
        )
        partners[kind].append(org)

    ctx.refs["enterprises"] = enterprises  # the 65 the alliances take as core members
    ctx.refs["uncommitted"] = uncommitted
    ctx.refs["chambers"] = chambers
    ctx.refs["partners"] = partners
