"""Queries per request do not grow with the page: every API list, every list page, the API's
detail endpoints and the home page run as many queries over a small world with `limit=5` as
over a larger one with `limit=50`.

The endpoints are discovered, not listed: API lists are the GET routes without path
parameters whose answer is `{"count", "items"}` in the OpenAPI document of `tianmu.api.api`;
pages are the URL names ending in `_list`; details are the GET routes with one path
parameter, each mapped below to the object it shows. A new endpoint is measured from the day
it is added (a detail route without a mapping fails, saying so).

Everything is measured once per test process in `measured`: the world is built, grown by one
"chain" of records in every module (one child of each kind), measured, grown by more chains
with more children each, and measured again, inside a transaction rolled back at the end.
Every request is made twice and the second one counted, so one-off look-ups (the token's
user, content types) are the same on both sides.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tianmu.accounts.models import ApiToken
from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.tests.factories import (
    AllianceFactory,
    AllianceMemberFactory,
    PairingFactory,
    ProgramFactory,
)
from tianmu.commerce.models import CallOff
from tianmu.commerce.tests.factories import (
    AgreementFactory,
    AgreementLineFactory,
    DeliveryFactory,
    OrderDeliveryFactory,
    PaymentFactory,
    ProductFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
)
from tianmu.core.context import acting_as
from tianmu.employment.tests.factories import (
    MonthlyEarningFactory,
    PersonFactory,
    PlacementFactory,
    PositionFactory,
    WorkshopFactory,
    make_id_number,
)
from tianmu.events.tests.factories import EventFactory
from tianmu.loans import services as loan_services
from tianmu.loans.tests.factories import CreditLineFactory, LoanFactory, LoanProductFactory
from tianmu.matching.models import MatchingRun, Proposal
from tianmu.projects.tests.factories import (
    ProjectFactory,
    ProjectUpdateFactory,
    ProjectVillageFactory,
)
from tianmu.registry.models import ChamberMembership, VillageIncome
from tianmu.registry.tests.factories import AreaFactory, OrganizationFactory, VillageFactory

#: The tests only read what `measured` recorded; the mark makes pytest-django set up the
#: test database, which `measured` fills and rolls back.
pytestmark = pytest.mark.django_db

D = datetime.date
FEW_LIMIT, MANY_LIMIT = 5, 50
#: The second growth: chains added, and children of each kind in each of them.
MORE_CHAINS, MORE_CHILDREN = 4, 4
WHO = "admin"  # the programme admin of county A, where the chains are built


# --- Discovery --------------------------------------------------------------------------------


@functools.cache
def _openapi():
    from tianmu.api import api

    return api.get_openapi_schema()


def _response_schema(schema: dict, operation: dict) -> dict:
    responses = operation.get("responses", {})
    content = (responses.get(200) or responses.get("200") or {}).get("content", {})
    body = content.get("application/json", {}).get("schema", {})
    ref = body.get("$ref")
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else body


def api_list_paths() -> list[str]:
    """GET routes without path parameters that answer `{"count", "items"}` (under /api/v1)."""
    schema = _openapi()
    paths = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        if {"count", "items"} <= set(_response_schema(schema, get).get("properties", {})):
            paths.append(path.removeprefix("/api/v1"))
    return sorted(paths)


def api_detail_paths() -> list[str]:
    """GET routes with exactly one path parameter, with the parameter written `{}`."""
    paths = []
    for path, operations in _openapi()["paths"].items():
        if "get" in operations and path.count("{") == 1:
            paths.append(re.sub(r"\{[^}]*\}", "{}", path.removeprefix("/api/v1")))
    return sorted(paths)


def list_page_names() -> list[str]:
    """The `*_list` URL names of the pages (the API's own URL names and the admin's aside)."""
    names = []

    def walk(resolver, namespace):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("api", "admin"):
                    continue
                walk(p, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and p.name.endswith("_list"):
                names.append(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver(), "")
    return sorted(names)


#: Which chain object each detail route shows (the first chain's in the small world, the last
#: chain's, with more children, in the large one).
DETAIL_OBJECTS = {
    "/areas/{}": "town",
    "/villages/{}": "village",
    "/organizations/{}": "chamber",
    "/organizations/{}/chamber-members": "chamber",
    "/organizations/{}/contributions": "enterprise",
    "/programs/{}": "program",
    "/alliances/{}": "alliance",
    "/alliances/{}/members": "alliance",
    "/pairings/{}": "pairing",
    "/projects/{}": "project",
    "/products/{}": "product",
    "/agreements/{}": "agreement",
    "/agreements/{}/call-offs": "agreement",
    "/agreements/{}/deliveries": "agreement",
    "/deliveries/{}": "delivery",
    "/orders/{}": "order",
    "/orders/{}/deliveries": "order",
    "/orders/{}/payments": "order",
    "/workshops/{}": "workshop",
    "/positions/{}": "position",
    "/people/{}": "person",
    "/placements/{}": "placement",
    "/placements/{}/earnings": "placement",
    "/loan-products/{}": "loan_product",
    "/loans/{}": "loan",
    "/events/{}": "event",
    "/matching/runs/{}": "run",
    "/matching/runs/{}/instance": "run",
    "/kpis/{}/records": "kpi",
    "/imports/{}": "import_job",
    "/reports/{}": "report",  # the monthly brief of the last whole month
    "/reporting-rounds/{}": "round",
    "/imports/{}/errors": "import_job",  # a figure's records, paged: the events figure
    "/assessment-schemes/{}": "scheme",
    "/assessments/{}": "assessment",
}


# --- The data: one chain of records through every module ---------------------------------------


def add_chain(w, i: int, children: int) -> SimpleNamespace:
    """A town of county A with `children` + 1 villages and, for its first village, records in
    every module, each with `children` children of every kind (incomes, members, lines,
    deliveries, placements, earnings, loans…), each child pointing at distinct related rows
    so that a query per row would show."""
    n = children
    c = SimpleNamespace()
    c.town = AreaFactory(
        name=f"链{i}镇", level="town", code=f"330112{300 + i:03d}000", parent=w.county
    )
    c.villages = [
        VillageFactory(
            area=AreaFactory(
                name=f"链{i}村{j}", level="village", code=f"330112{300 + i:03d}{201 + j:03d}",
                parent=c.town,
            ),
            main_products=["茶叶"],
            development_needs=["电商"],
        )
        for j in range(n + 1)
    ]  # fmt: skip
    c.village = v0 = c.villages[0]
    for v in c.villages:
        for y in range(n):
            VillageIncome.objects.create(village=v, year=2020 + y, amount_yuan=Decimal("1000"))
    c.enterprises = [OrganizationFactory(home_town=c.town) for _ in range(5 + n)]
    c.enterprise = e0 = c.enterprises[0]
    blank = {"credit_code": None, "fic_executive": False, "fic_position": "", "industry": ""}
    c.chamber = OrganizationFactory(kind="chamber", home_town=c.town, employees=None, **blank)
    c.bank = OrganizationFactory(
        kind="partner", partner_kind="financial", home_town=c.town, employees=None, **blank
    )
    c.bank.service_area.set([c.town, w.t1])
    for e in c.enterprises[:n]:
        ChamberMembership.objects.create(chamber=c.chamber, enterprise=e)
        e.service_area.set([c.town])

    c.program = ProgramFactory(county=w.county)
    c.alliance = AllianceFactory(program=c.program)
    roles = ["think_tank", "resource", "innovation", "", ""]
    for e, fn in zip(c.enterprises[:5], roles, strict=True):
        AllianceMemberFactory(alliance=c.alliance, organization=e, role="core", function=fn)
    AllianceMemberFactory(alliance=c.alliance, organization=c.chamber, role="chamber")
    AllianceMemberFactory(alliance=c.alliance, organization=c.bank, role="partner")
    for e in c.enterprises[5:]:
        AllianceMemberFactory(alliance=c.alliance, organization=e, role="chamber_member")
    c.pairing = PairingFactory(alliance=c.alliance, village=v0)
    for _ in range(n - 1):  # more alliances, each paired, so the alliance list grows
        more = AllianceFactory(program=c.program)
        AllianceMemberFactory(alliance=more, organization=c.chamber, role="chamber")
    for v in c.villages[1:]:
        a = AllianceFactory(program=c.program)
        PairingFactory(alliance=a, village=v)

    c.project = ProjectFactory(village=v0, alliance=c.alliance)
    for v in c.villages[1:]:
        ProjectVillageFactory(project=c.project, village=v)
    for _ in range(n):
        ProjectUpdateFactory(project=c.project)
    for v in c.villages[1:]:
        ProjectFactory(village=v, alliance=c.alliance)

    c.product = ProductFactory(village=v0)
    for v in c.villages[1:]:
        ProductFactory(village=v)
    c.agreement = AgreementFactory(enterprise=e0, village=v0, project=c.project)
    lines = [AgreementLineFactory(agreement=c.agreement, product=c.product) for _ in range(n)]
    c.delivery = None
    for line in lines:
        d = DeliveryFactory(line=line, quantity=Decimal("10.00"))
        c.delivery = c.delivery or d
        CallOff.objects.create(
            agreement=c.agreement, line=line, date=D(2024, 2, 1), quantity=Decimal("5.00")
        )
    for v, e in zip(c.villages[1:], c.enterprises[1:], strict=False):
        AgreementFactory(enterprise=e, village=v)
    c.order = None
    for v, e in zip(c.villages[:n], c.enterprises[:n], strict=True):
        order = PurchaseOrderFactory(enterprise=e, village=v)
        c.order = c.order or order
        for _ in range(n):
            PurchaseOrderLineFactory(order=order, product=c.product)
    for _ in range(n):
        OrderDeliveryFactory(order=c.order)
        PaymentFactory(order=c.order, amount_yuan=Decimal("10.00"))

    c.workshop = WorkshopFactory(
        enterprise=e0, town=c.town, alliance=c.alliance, villages=c.villages
    )
    for v, e in zip(c.villages[1:], c.enterprises[1:], strict=False):
        WorkshopFactory(enterprise=e, town=c.town, villages=[v])
    positions = [PositionFactory(workshop=c.workshop) for _ in range(n)]
    c.position = positions[0]
    people = [
        PersonFactory(village=v, id_number=make_id_number(100 * i + j, born="19900101"))
        for j, v in enumerate(c.villages[:n])
    ]
    c.person = people[0]
    placements = [
        PlacementFactory(person=p, position=pos) for p, pos in zip(people, positions, strict=True)
    ]
    c.placement = placements[0]
    for m in range(n):
        MonthlyEarningFactory(placement=c.placement, month=D(2024, m + 1, 1))
        MonthlyEarningFactory(placement=placements[m], month=D(2023, 12, 1))

    # The programme admin reveals each person's number once: rows for the reveal log.
    from tianmu.employment.services import person_reveal

    for person in people:
        person_reveal(user=w.users[WHO], person=person, field="id_number")

    c.loan_product = LoanProductFactory(bank=c.bank)
    for v in c.villages[:n]:
        CreditLineFactory(product=c.loan_product, village=v)
    banker = UserFactory(username=f"bank-chain-{i}", role="bank", scope_organization=c.bank)
    c.loan = None
    for v in c.villages[:n]:
        loan = LoanFactory(product=c.loan_product, village=v)
        c.loan = c.loan or loan
    amount = Decimal(120_000) * n
    loan_services.loan_approve(user=banker, loan=c.loan, amount_yuan=amount, date=D(2024, 1, 12))
    loan_services.loan_disburse(user=banker, loan=c.loan, amount_yuan=amount, date=D(2024, 1, 15))
    for m in range(n):
        loan_services.repayment_record(
            user=banker, loan=c.loan, amount_yuan=Decimal(1000), date=D(2024, 2 + m, 15)
        )

    c.event = None
    for v in c.villages[:n]:
        event = EventFactory(village=v, alliance=c.alliance, organizations=c.enterprises[:n])
        c.event = c.event or event

    c.kpi = SimpleNamespace(pk="events")  # the figure whose records the chain's events are
    c.report = SimpleNamespace(pk="monthly")
    c.run = None
    for _ in range(n):
        run = MatchingRun.objects.create(
            program=c.program,
            requested_by=w.users[WHO],
            status="succeeded",
            options={"villages": [v.pk for v in c.villages]},
            instance={"villages": [], "enterprises": []},
            result={},
        )
        c.run = c.run or run
        for v in c.villages[:n]:
            Proposal.objects.create(
                run=run, village=v, score=1.0, members={}, current_alliance=c.alliance
            )
    from tianmu.assessment.models import Assessment, AssessmentScheme

    c.scheme = AssessmentScheme.objects.create(
        program=c.program,
        name=f"链{i}考核",
        indicators=[{"indicator": "events", "weight": 100, "target": 10, "rule": "proportional"}],
    )
    parts = [
        {
            "indicator": "events",
            "value": 1,
            "target": 10,
            "weight": "100.00",
            "points": "10.00",
            "applicable": True,
            "link": None,
        }
    ]
    items = [{"subject": {"type": "alliance", "id": j, "name": f"链{i}联盟{j}"}, "score": "10.00",
              "grade": "不合格", "rank": 1, "parts": parts} for j in range(n)]  # fmt: skip
    c.assessment = Assessment.objects.create(
        scheme=c.scheme, year=2024, made_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC),
        made_by=w.users[WHO], results={"items": items},
    )  # fmt: skip
    # A lock of an old month of the chain's town (nothing the chain wrote is in it); the
    # failed import below is also an item of the admin's inbox.
    from tianmu.core.periodlocks import PeriodLock

    PeriodLock.objects.create(area=c.town, month=D(2010, 1, 1), reason=f"链{i}")
    from tianmu.rounds.kinds import parse_period
    from tianmu.rounds.services import round_open

    c.round = None
    for k in range(n):  # rounds of the chain's villages, one of them declaring
        r = round_open(
            user=w.users[WHO], program=c.program, kind="yearly_income",
            period=parse_period(str(2030 + k)), deadline=D(2031 + k, 1, 31), reporters=c.villages,
        )  # fmt: skip
        c.round = c.round or r
    c.round.reporters.filter(village=v0).update(declared_at=datetime.datetime.now(datetime.UTC))
    from tianmu.exchange.models import ImportJob

    errors = [{"row": i + 2, "column": "x", "message": "bad"} for i in range(n)]
    c.import_job = ImportJob.objects.create(
        user=w.users[WHO], resource="villages", filename="v.csv", content=b"a\n1\n",
        status="failed", errors=errors, actions=[[i + 2, "error", "bad"] for i in range(n)],
    )  # fmt: skip
    return c


# --- Measuring --------------------------------------------------------------------------------


def _count(client, url: str, **headers) -> tuple[int, int, object]:
    """(queries, status, response) of the second of two identical requests."""
    client.get(url, **headers)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    return len(ctx.captured_queries), response.status_code, response


def _rows(response) -> int | None:
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, list):
            return len(body)
        return len(body["items"]) if isinstance(body, dict) and "items" in body else None
    context = response.context
    page = context.get("page_obj") if context is not None else None
    return len(page.object_list) if page is not None else None


def _measure(w, chain, limit: int) -> dict:
    user = w.users[WHO]
    _token, key = ApiToken.issue(user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    page = Client()
    page.force_login(user)
    # A complete sign-in includes the admin's second factor (conftest's force_login does this
    # per test; this module-scoped measurement runs outside that fixture).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = page.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    out = {}
    for path in api_list_paths():
        out[("api", path)] = _count(api, f"/api/v1{path}?limit={limit}")
    for path in api_detail_paths():
        attr = DETAIL_OBJECTS.get(path)
        if attr is not None:
            url = "/api/v1" + path.format(getattr(chain, attr).pk)
            out[("detail", path)] = _count(api, f"{url}?limit={limit}")
    with override_settings(TIANMU_PAGE_SIZE=limit):
        for name in list_page_names():
            out[("page", name)] = _count(page, reverse(name))
        out[("page", "dashboard:home")] = _count(page, reverse("dashboard:home"))
    return out


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """{(kind, endpoint): (small world's (queries, status, response), large world's)}."""
    from tianmu.testing.world import build_world

    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    unblocked = django_db_blocker.unblock()
    with unblocked, override_settings(PASSWORD_HASHERS=hashers), transaction.atomic():
        with acting_as(username="test-setup"):
            w = build_world()
            first = add_chain(w, 0, children=1)
        few = _measure(w, first, FEW_LIMIT)
        with acting_as(username="test-setup"):
            for i in range(1, MORE_CHAINS + 1):
                last = add_chain(w, i, children=MORE_CHILDREN)
        many = _measure(w, last, MANY_LIMIT)
        transaction.set_rollback(True)
    return {key: (few[key], many.get(key)) for key in few}


def _check(measured, key):
    (q_few, s_few, r_few), (q_many, s_many, r_many) = measured[key]
    assert (s_few, s_many) == (200, 200), key
    rows_few, rows_many = _rows(r_few), _rows(r_many)
    if rows_few is not None:
        # The large world must show more rows, or the comparison proves nothing.
        assert 1 <= rows_few <= FEW_LIMIT and rows_many > rows_few, (rows_few, rows_many)
    assert q_few == q_many, f"{key}: {q_few} queries with few rows, {q_many} with more"


#: Endpoints whose query count grows today (the lead engineer's rewrite is to fix them).
NOT_CONSTANT_YET: dict[tuple[str, str], str] = {
    # The change-log page names each changed record's references: one query per kind of
    # model on the page, so it grows with the kinds (bounded by the model count), not rows.
    ("page", "changes:change_list"): "one name look-up per kind of model on the page",
}


def _params(kind: str, names: list[str]) -> list:
    params = []
    for name in names:
        reason = NOT_CONSTANT_YET.get((kind, name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param((kind, name), id=name, marks=marks))
    return params


@pytest.mark.parametrize("key", _params("api", api_list_paths()))
def test_api_list_queries_do_not_grow(measured, key):
    _check(measured, key)


@pytest.mark.parametrize("key", _params("detail", api_detail_paths()))
def test_api_detail_queries_do_not_grow(measured, key):
    assert key[1] in DETAIL_OBJECTS, f"map {key[1]} to a chain object in DETAIL_OBJECTS"
    _check(measured, key)


@pytest.mark.parametrize("key", _params("page", [*list_page_names(), "dashboard:home"]))
def test_page_queries_do_not_grow(measured, key):
    _check(measured, key)


def test_every_kind_of_endpoint_was_found():
    """Discovery itself: if it found nothing, the tests above would pass vacuously."""
    assert {"/villages", "/placements", "/loans", "/events"} <= set(api_list_paths())
    assert {"/villages/{}", "/loans/{}"} <= set(api_detail_paths())
    assert {"registry:village_list", "employment:placement_list"} <= set(list_page_names())
