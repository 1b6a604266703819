"""The optimiser on the Lin'an demo, through the API: the figures docs/matching-platform.md quotes.

The demo's 65 FIC enterprises in its 13 active alliances are left out (the programme allows one
core alliance per enterprise at a time), and the 180 FIC enterprises in no alliance yet and a
chamber in every town make the default run — all unpaired villages — feasible. Re-optimising
the 13 paired villages frees their enterprises and is solved to optimality.
"""

import pytest

from tianmu.accounts.tests.factories import UserFactory
from tianmu.alliances.models import Pairing
from tianmu.core.tests.api_client import ApiClient
from tianmu.matching.selectors import unpaired_villages

pytestmark = pytest.mark.django_db


class DemoClient(ApiClient):
    """The API client, as a county admin of the demo (the demo has no users)."""

    def __init__(self, user):
        super().__init__(world=None)
        self.user = user

    def key(self, who: str) -> str:
        from tianmu.accounts.models import ApiToken

        if who not in self._keys:
            _token, self._keys[who] = ApiToken.issue(self.user)
        return self._keys[who]


def test_the_optimiser_on_the_linan_demo(demo):
    """The `demo` fixture: the demo loaded once per session, restored for this test."""
    ctx = demo
    program = ctx.refs["program"]
    admin = UserFactory(username="linan_admin", role="admin", scope_area=ctx.refs["county"])
    api = DemoClient(admin)

    # All unpaired villages (the default): feasible with the enterprises in no alliance yet.
    unpaired = list(unpaired_villages(program=program))
    r = api("admin", "post", "/matching/runs", {"program": program.pk})
    assert r.status_code == 201
    run = r.json()
    assert run["status"] == "done"
    assert run["options"]["villages"] == sorted(v.pk for v in unpaired)
    assert run["solver_status"] == "optimal"
    assert any("65 enterprises are left out" in n for n in run["notes"])
    assert len(run["proposals"]) == len(unpaired)
    for a in run["result"]["alliances"]:
        assert (len(a["core"]), len(a["chamber"])) == (5, 1)
    print(f"\nunpaired: {len(unpaired)} villages, {run['solver_status']}, {run['seconds']} s")

    # The 13 paired villages, re-optimised: their cores are free within the run.
    paired = sorted(
        Pairing.objects.filter(alliance__program=program).values_list("village", flat=True)
    )
    r = api("admin", "post", "/matching/runs", {"program": program.pk, "villages": paired})
    run = r.json()
    assert run["solver_status"] == "optimal"
    assert len(run["proposals"]) == 13
    for a in run["result"]["alliances"]:
        assert len(a["core"]) == 5
        assert len(a["chamber"]) == 1
        assert 1 <= len(a["partners"]) <= 5
    cores = [c for a in run["result"]["alliances"] for c in a["core"]]
    assert len(cores) == len(set(cores)) == 65
    assert all(p["current_alliance"] for p in run["proposals"])
    print(f"paired: 13 villages, {run['solver_status']}, {run['seconds']} s")
