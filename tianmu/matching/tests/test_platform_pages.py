"""The matching pages: propose, follow the progress, read the proposals, accept."""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.alliances.models import Alliance
from tianmu.matching.models import MatchingRun, Proposal

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def admin(mworld):
    return client_for(mworld.users["admin"])


def propose(client, program, **data):
    url = reverse("matching:matchingrun_add") + f"?program={program.pk}"
    return client.post(url, {"program": program.pk, "selection": "county", **data})


def test_propose_page_runs_and_shows_the_proposals(admin, mworld):
    w = mworld
    page = admin.get(reverse("matching:matchingrun_add"))  # one programme: chosen for them
    assert page.status_code == 200
    assert "Need fit" in page.content.decode()
    r = propose(admin, w.program, weight_need="0.5")
    run = MatchingRun.objects.get()
    assert r.status_code == 302
    assert r["Location"] == reverse("matching:matchingrun_detail", args=[run.pk])
    assert run.weights == {"need": 0.5}
    detail = admin.get(r["Location"]).content.decode()
    assert "示例一村" in detail
    assert w.free[0].name in detail
    assert "Think tank" in detail and "think_tank" not in detail
    assert "Accept all" in detail


def test_propose_page_shows_field_errors(admin, mworld):
    r = propose(admin, mworld.program, weight_need="-1", selection="list")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Ensure this value is greater than or equal to 0." in body
    assert "Pick at least one village." in body
    assert not MatchingRun.objects.exists()


def test_status_partial_polls_then_reloads(admin, mworld):
    propose(admin, mworld.program)
    run = MatchingRun.objects.get()
    url = reverse("matching:matchingrun_status", args=[run.pk])
    r = admin.get(url, HTTP_HX_REQUEST="true")
    assert r["HX-Refresh"] == "true"  # finished: the page reloads with the result
    MatchingRun.objects.filter(pk=run.pk).update(status="solving", progress=40)
    r = admin.get(url, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'aria-valuenow="40"' in body


def test_accept_from_the_page(admin, mworld):
    propose(admin, mworld.program)
    run = MatchingRun.objects.get()
    url = reverse("matching:matchingrun_accept", args=[run.pk])
    r = admin.post(url, {"villages": [mworld.v1b.pk]})
    assert r.status_code == 302
    alliance = Alliance.objects.get(proposals__run=run)
    assert alliance.status == "draft"
    admin.post(url, {"all": "1"})  # again: nothing new
    assert Alliance.objects.filter(proposals__run=run).count() == 1
    detail = admin.get(reverse("matching:matchingrun_detail", args=[run.pk])).content.decode()
    assert "Accepted" in detail


def test_a_paired_village_shows_why_it_cannot_be_accepted(admin, mworld):
    w = mworld
    propose(admin, w.program, selection="list", villages=[w.v1a.pk])
    run = MatchingRun.objects.get()
    detail = admin.get(reverse("matching:matchingrun_detail", args=[run.pk])).content.decode()
    assert "already paired with “望湖村共富联盟”" in detail
    assert "Current alliance" in detail
    r = admin.post(reverse("matching:matchingrun_accept", args=[run.pk]), {"all": "1"})
    assert r.status_code == 302
    assert not Proposal.objects.filter(alliance__isnull=False).exists()


@pytest.mark.parametrize("who", ["leader", "town", "village", "enterprise", "bank"])
def test_others_cannot_propose_or_accept(mworld, admin, who):
    propose(admin, mworld.program)
    run = MatchingRun.objects.get()
    c = client_for(mworld.users[who])
    assert c.get(reverse("matching:matchingrun_add")).status_code == 404
    assert propose(c, mworld.program).status_code == 404
    accept = reverse("matching:matchingrun_accept", args=[run.pk])
    assert c.post(accept, {"all": "1"}).status_code == 404
    assert MatchingRun.objects.count() == 1
    assert not Alliance.objects.filter(proposals__run=run).exists()
    detail = c.get(reverse("matching:matchingrun_detail", args=[run.pk]))
    assert detail.status_code == (200 if who == "leader" else 404)


def test_outsider_admin_gets_404(mworld, admin):
    propose(admin, mworld.program)
    run = MatchingRun.objects.get()
    c = client_for(mworld.outsiders["admin"])
    assert c.get(reverse("matching:matchingrun_detail", args=[run.pk])).status_code == 404
    assert propose(c, mworld.program).status_code == 404


def test_navigation_links_admins_to_the_page(mworld, admin):
    url = reverse("matching:matchingrun_list")
    assert url in admin.get(reverse("alliances:alliance_list")).content.decode()
    town = client_for(mworld.users["town"])
    assert url not in town.get(reverse("alliances:alliance_list")).content.decode()
    assert admin.get(url).status_code == 200
