"""The Lin'an demo: idempotent, logged, and it reproduces the article's figures from records.

Tests that read the demo take the `demo` fixture (loaded once per session, conftest.py); the
ones about loading itself load into an empty database."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from stdnum.cn import uscc

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program
from tianmu.alliances.selectors import alliance_rule_check
from tianmu.core import demo as demo_module
from tianmu.core.demo import DemoContext, demo_steps, load_demo, register_demo_step
from tianmu.core.models import ObjectChange
from tianmu.dashboard.selectors import kpis
from tianmu.registry.models import (
    Area,
    ChamberMembership,
    Organization,
    Village,
    VillageIncome,
)

pytestmark = pytest.mark.django_db

XIZI = "杭州西子电梯集团有限公司"
AOXING = "临安奥星电子股份有限公司"
MODELS = [
    Area,
    Village,
    VillageIncome,
    Organization,
    ChamberMembership,
    Program,
    Alliance,
    AllianceMember,
    Pairing,
]


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in [*MODELS, ObjectChange]}


def only_foundation_steps(monkeypatch, below: int = 300) -> None:
    """Keep only the demo steps ordered below `below` (registry 100s, alliances 200s).

    For the tests of the runner itself (--if-empty, order, rollback): they need a real load,
    not the instruments' thousands of rows. The full demo is loaded by
    test_loaddemo_twice_changes_nothing_the_second_time and by the session's `demo` fixture.
    """
    demo_steps()  # every app's steps are discovered before the registry is narrowed
    kept = {k: s for k, s in demo_module._STEPS.items() if s.order < below}
    monkeypatch.setattr(demo_module, "_STEPS", kept)


def run(*args) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


def test_loaddemo_twice_changes_nothing_the_second_time():
    first = run()
    after_first = counts()
    second = run()

    assert counts() == after_first
    assert "Demo loaded" in first
    assert "nothing changed" in second
    assert after_first["registry.Area"] == 3 + 18 + after_first["registry.Village"]
    # 65 core enterprises, 180 not in an alliance yet, 18 chambers, 5 cooperating units.
    assert after_first["registry.Organization"] == 65 + 180 + 18 + 5
    assert after_first["alliances.Alliance"] == 13
    assert after_first["alliances.Pairing"] == 13


def test_if_empty_loads_only_into_an_empty_database(monkeypatch):
    only_foundation_steps(monkeypatch, below=200)
    assert "Demo loaded" in run("--if-empty")
    before = counts()
    assert "not loaded" in run("--if-empty")
    assert counts() == before


def test_if_empty_leaves_a_database_with_areas_alone():
    Area.objects.create(name="浙江省", level="province", code="330000000000")
    assert "not loaded" in run("--if-empty")
    assert Area.objects.count() == 1
    assert Organization.objects.count() == 0


def test_every_created_object_is_in_the_change_log_as_loaddemo(demo):
    creates = ObjectChange.objects.filter(action="create")
    assert set(ObjectChange.objects.values_list("user_name", flat=True)) == {"loaddemo"}
    assert creates.count() == sum(demo.created.values())
    for model in MODELS:
        logged = set(
            creates.filter(content_type__model=model._meta.model_name).values_list(
                "object_id", flat=True
            )
        )
        assert logged == {str(pk) for pk in model.objects.values_list("pk", flat=True)}
    # One request id for the whole load: it reads as one operation in the log.
    assert ObjectChange.objects.values("request_id").distinct().count() == 1


def test_kpis_reproduce_the_article_for_a_superuser_and_the_county_admin(demo):
    root = UserFactory(username="root", role="superuser", is_superuser=True)
    county = Area.objects.get(code="330112000000")
    admin = UserFactory(username="admin_linan", role="admin", scope_area=county)
    expected = {"alliances": 13, "core_enterprises": 65, "enterprises": 65, "villages_paired": 13}

    for user in (root, admin):
        figures = kpis(user=user)
        assert {k: figures[k] for k in expected} == expected


def test_an_admin_of_another_county_sees_none_of_it(demo):
    city = Area.objects.get(code="330100000000")
    fuyang = Area(name="富阳区", level="county", code="330111000000", parent=city)
    fuyang.save()
    outsider = UserFactory(username="admin_fuyang", role="admin", scope_area=fuyang)
    figures = kpis(user=outsider)
    assert [figures[k] for k in ("alliances", "core_enterprises", "villages_paired")] == [0, 0, 0]


def test_every_alliance_is_active_and_passes_the_rule_check(demo):
    program = Program.objects.get()
    assert program.name == f"天目共富联盟 {demo.today.year - 3}–{demo.today.year + 1}"
    assert program.is_active(demo.today)
    assert program.formula == "5+1+X"
    alliances = list(Alliance.objects.filter(program=program))
    assert len(alliances) == 13
    for alliance in alliances:
        check = alliance_rule_check(alliance=alliance)
        assert check.ok, (alliance.name, check.problems)
        assert alliance.status == "active"
        assert check.counts["core"] == 5
        assert check.counts["chamber"] == 1
        assert 1 <= check.counts["partner"] <= 3
        functions = ("think_tank", "resource", "innovation")
        assert [check.counts[f"function_{f}"] for f in functions] == [1, 1, 1]
        assert check.pairing.village.town.name in alliance.name


def test_each_enterprise_is_core_in_exactly_one_alliance(demo):
    enterprises = Organization.objects.filter(kind="enterprise")
    assert not enterprises.filter(fic_executive=False).exists()
    in_alliances = enterprises.filter(alliance_memberships__role="core").distinct()
    assert in_alliances.count() == 65
    # The others wait for the optimiser: five near each unpaired village.
    assert enterprises.count() - 65 == 5 * 36
    per_org = (
        AllianceMember.objects.filter(role="core")
        .values("organization")
        .annotate(n=Count("alliance", distinct=True))
    )
    assert len(per_org) == 65
    assert {row["n"] for row in per_org} == {1}


def test_one_alliance_per_town_paired_with_a_village_of_that_town(demo):
    pairings = Pairing.objects.select_related("village__area__parent")
    towns = [p.village.town.name for p in pairings]
    assert len(set(towns)) == 13
    assert all(t.endswith("镇") for t in towns)


def test_wanghu_is_paired_in_longgang_with_xizi_as_a_core_member(demo):
    wanghu = Village.objects.get(area__name="望湖村")
    assert wanghu.town.name == "龙岗镇"
    assert wanghu.code == "330112107201"
    assert not wanghu.is_example
    assert "蔬菜" in wanghu.main_products
    pairing = Pairing.objects.get(village=wanghu)
    core = set(
        pairing.alliance.members.filter(role="core").values_list("organization__name", flat=True)
    )
    assert XIZI in core
    assert AOXING not in core
    aoxing_alliance = AllianceMember.objects.get(organization__name=AOXING, role="core").alliance
    assert aoxing_alliance != pairing.alliance


def test_real_and_invented_names_are_marked(demo):
    xizi = Organization.objects.get(name=XIZI)
    aoxing = Organization.objects.get(name=AOXING)
    assert (xizi.fic_position, aoxing.fic_position) == ("chair", "president")
    assert not xizi.is_example and not aoxing.is_example
    assert xizi.credit_code is None and aoxing.credit_code is None

    invented = Organization.objects.exclude(name__in=[XIZI, AOXING])
    assert invented.count() == 63 + 180 + 18 + 5
    assert not invented.filter(is_example=False).exists()
    codes = invented.filter(kind="enterprise").values_list("credit_code", flat=True)
    assert len(set(codes)) == 63 + 180
    assert all(uscc.is_valid(c) for c in codes)
    assert Organization.objects.filter(kind="partner", partner_kind="financial").count() >= 2
    assert {"academic", "social"} <= set(
        Organization.objects.filter(kind="partner").values_list("partner_kind", flat=True)
    )
    assert list(Village.objects.filter(is_example=False).values_list("area__name", flat=True)) == [
        "望湖村"
    ]


def test_area_codes_follow_the_nbs_scheme(demo):
    county = Area.objects.get(code="330112000000")
    assert county.name == "临安区"
    assert [a.name for a in county.ancestors()] == ["浙江省", "杭州市"]
    towns = Area.objects.filter(parent=county).order_by("code")
    assert [t.code[6:9] for t in towns] == [f"{n:03d}" for n in (1, 2, 3, 4, 5, *range(100, 113))]
    assert [t.name for t in towns][5:] == [
        "高虹镇", "太湖源镇", "於潜镇", "天目山镇", "太阳镇", "潜川镇", "昌化镇",
        "龙岗镇", "河桥镇", "湍口镇", "清凉峰镇", "岛石镇", "板桥镇",
    ]  # fmt: skip
    for town in towns:
        assert town.code.endswith("000")
        assert 29.9 < town.lat < 30.5 and 118.8 < town.lon < 119.9
        villages = town.children.all()
        assert villages.exists()
        for v in villages:
            assert v.level == "village"
            assert v.code[:9] == town.code[:9] and v.code[9] == "2"


def test_village_profiles_coordinates_and_five_years_of_income(demo):
    """Every village has coordinates in Lin'an and total and operating income for the five
    completed years (operating below the total); the pairings begin three years ago, so each
    paired village has income years before and after its pairing."""
    years = list(range(demo.today.year - 5, demo.today.year))
    villages = Village.objects.select_related("area").prefetch_related("incomes", "pairings")
    assert villages.count() == 49
    for village in villages:
        assert 29.9 <= village.area.lat <= 30.45 and 118.85 <= village.area.lon <= 119.85
        incomes = sorted(village.incomes.all(), key=lambda i: i.year)
        assert [i.year for i in incomes] == years, village
        assert all(0 < i.operating_yuan < i.amount_yuan for i in incomes), village
        if village.is_example:
            assert village.population and village.households
            assert 0 < village.low_income_households <= village.households
            assert village.main_products and village.development_needs
        for pairing in village.pairings.all():
            assert years[0] < pairing.start.year <= years[-1]
    # The article gives no profile figures for 望湖村: the demo invents none of those, only
    # the incomes every village has (docs/demo.md).
    wanghu = Village.objects.get(area__name="望湖村")
    assert wanghu.population is None and wanghu.incomes.count() == 5
    assert wanghu.pairings.get().start == datetime.date(demo.today.year - 3, 1, 1)


def test_demo_steps_run_in_order_and_apps_can_add_their_own(monkeypatch):
    only_foundation_steps(monkeypatch)
    calls = []

    @register_demo_step(999, "test.last")
    def last(ctx: DemoContext) -> None:
        calls.append(("last", Alliance.objects.count()))

    @register_demo_step(1, "test.first")
    def first(ctx: DemoContext) -> None:
        calls.append(("first", Area.objects.count()))

    names = [s.name for s in demo_steps()]
    assert names[0] == "test.first" and names[-1] == "test.last"
    assert names.index("registry.areas") < names.index("alliances.program")
    load_demo()
    assert calls == [("first", 0), ("last", 13)]

    with pytest.raises(RuntimeError):
        register_demo_step(5, "test.first", fn=lambda ctx: None)


def test_a_failing_step_rolls_the_whole_demo_back(monkeypatch):
    only_foundation_steps(monkeypatch)

    @register_demo_step(999, "test.boom")
    def boom(ctx: DemoContext) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        load_demo()
    assert counts() == dict.fromkeys(counts(), 0)
