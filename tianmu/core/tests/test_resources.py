"""The generated API: its paths stay as they were, and it refuses bad input with 400."""

from __future__ import annotations

from pathlib import Path

import pytest

from tianmu.core.resources import Resource
from tianmu.core.tests.api_client import ApiClient

PATHS_FILE = Path(__file__).parent / "data" / "openapi_paths.txt"


def _resources() -> list[Resource]:
    import tianmu.api  # noqa: F401  (mounts every router, so every resource is declared)

    found = []
    import gc

    for obj in gc.get_objects():
        if isinstance(obj, Resource):
            found.append(obj)
    return sorted(found, key=lambda r: r.path)


def test_openapi_paths_are_the_checked_in_list():
    """Every method and path of the API as it was before the generated routes, and no other.

    A new route is added to the list on purpose, with its documentation in docs/api.md.
    """
    from tianmu.api import api

    schema = api.get_openapi_schema()
    have = sorted(f"{m.upper()} {p}" for p, ops in schema["paths"].items() for m in ops)
    want = sorted(line for line in PATHS_FILE.read_text().splitlines() if line.strip())
    assert have == want


def test_operation_ids_are_unique():
    from tianmu.api import api

    ids = [
        op["operationId"]
        for ops in api.get_openapi_schema()["paths"].values()
        for op in ops.values()
    ]
    assert len(ids) == len(set(ids))


def _writable(res: Resource, op: str) -> bool:
    return op in res.operations and res.input_schema is not None


class _Admin:
    """The world's programme admin, through the bearer-token client."""

    def __init__(self, world):
        self.api = ApiClient(world)

    def get(self, path):
        return self.api("admin", "get", path)

    def post(self, path, body):
        return self.api("admin", "post", path, body)

    def patch(self, path, body):
        return self.api("admin", "patch", path, body)

    def delete(self, path):
        return self.api("admin", "delete", path)


@pytest.fixture
def admin_api(world):
    return _Admin(world)


@pytest.mark.django_db
@pytest.mark.parametrize("res", _resources(), ids=lambda r: r.path)
def test_unknown_field_in_a_write_is_400_naming_it(res, world, admin_api):
    before = res.model._default_manager.count()
    if _writable(res, "create"):
        r = admin_api.post(f"/{res.path}", {"no_such_field": 1})
        assert r.status_code == 400, r.content
        assert "no_such_field" in r.json()["errors"]
    if _writable(res, "update"):
        from tianmu.core.scoping import editable_by

        obj = editable_by(world.users["admin"], res.model).first()
        if obj is not None:
            r = admin_api.patch(f"/{res.path}/{obj.pk}", {"no_such_field": 1})
            assert r.status_code == 400, r.content
            assert "no_such_field" in r.json()["errors"]
    assert res.model._default_manager.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("res", _resources(), ids=lambda r: r.path)
def test_integers_beyond_64_bits_are_400(res, world, admin_api):
    huge = 2**64
    if "list" in res.operations:
        r = admin_api.get(f"/{res.path}?offset={huge}")
        assert r.status_code == 400, r.content
        assert "offset" in r.json()["errors"]
        if res.filterset is not None:
            name = next(iter(res.filterset.base_filters))
            r = admin_api.get(f"/{res.path}?{name}={huge}")
            assert r.status_code in (200, 400), r.content
            if r.status_code == 400:
                assert name in r.json()["errors"]
    for op, method in (("detail", "get"), ("update", "patch"), ("delete", "delete")):
        if op in res.operations:
            args = (f"/{res.path}/{huge}",) + (({},) if method == "patch" else ())
            r = getattr(admin_api, method)(*args)
            assert r.status_code == 400, (op, r.content)


@pytest.mark.django_db
@pytest.mark.parametrize("res", _resources(), ids=lambda r: r.path)
def test_generated_list_equals_its_filtered_queryset(res, world, admin_api):
    """The list's count is the scoped queryset's count, and items are the first rows."""
    if "list" not in res.operations:
        pytest.skip("no list route")
    user = world.users["admin"]
    r = admin_api.get(f"/{res.path}?limit=1000")
    assert r.status_code == 200, r.content
    qs = res.queryset(user)
    assert r.json()["count"] == qs.count()
    assert [i["id"] for i in r.json()["items"]] == list(qs.values_list("pk", flat=True)[:1000])


@pytest.mark.django_db
def test_integers_beyond_64_bits_in_a_write_body_are_400(world, admin_api):
    """A list of ids with one beyond 64 bits (schemathesis found a 500 here) is refused."""
    from tianmu.core.scoping import editable_by
    from tianmu.registry.models import Organization

    org = editable_by(world.users["admin"], Organization).first()
    before = Organization.objects.get(pk=org.pk).name
    r = admin_api.patch(f"/organizations/{org.pk}", {"service_area": [1, 2**70], "name": "x"})
    assert r.status_code == 400, r.content
    assert "service_area" in r.json()["errors"]
    assert Organization.objects.get(pk=org.pk).name == before


@pytest.mark.django_db
def test_nested_ids_beyond_64_bits_are_400(world, admin_api):
    """The parent id of a nested route (schemathesis found 500s here) is refused, too."""
    huge = 2**64
    for path in (
        f"/projects/{huge}/villages/1",
        f"/organizations/{huge}/chamber-members/1",
        f"/agreements/{huge}/lines/1",
    ):
        r = admin_api.delete(path)
        assert r.status_code == 400, (path, r.content)
        assert r.json()["errors"], r.content


@pytest.mark.django_db
def test_page_ids_beyond_64_bits_are_404(world, client):
    """A page's id that no database can hold is an id that does not exist: 404, not a 500."""
    client.force_login(world.users["admin"])
    for url in (f"/registry/organizations/{2**64}/", f"/projects/{2**64}/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_a_filter_of_unicode_digits_is_400_not_500(world, admin_api):
    """schemathesis sent `from=¹`: "¹".isdigit() is true, int("¹") fails."""
    r = admin_api.get("/deliveries?from=%C2%B9")
    assert r.status_code == 400, r.content
    assert "from" in r.json()["errors"]
