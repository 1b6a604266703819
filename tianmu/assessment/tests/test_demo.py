"""The demo ends with the programme's assessment scheme and its published result."""

import pytest
from django.test import Client
from django.urls import reverse

from tianmu.assessment.models import Assessment, AssessmentScheme

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_published_assessment_of_the_last_full_year(demo):
    scheme = AssessmentScheme.objects.get()
    assert sum(p["weight"] for p in scheme.indicators) == 100
    a = Assessment.objects.get()
    assert (a.scheme, a.year, a.version, a.status) == (scheme, demo.today.year - 1, 1, "published")
    items = a.results["items"]
    alliances = [i for i in items if i["subject"]["type"] == "alliance"]
    assert len(alliances) == 13
    assert [i["rank"] for i in alliances] == sorted(i["rank"] for i in alliances)
    assert len({i["grade"] for i in alliances}) > 1  # the scheme tells them apart
    assert {i["subject"]["type"] for i in items} == {"alliance", "town", "enterprise"}
    for item in items:
        points = sum(float(p["points"]) for p in item["parts"] if p["points"] is not None)
        assert f"{points:.2f}" == item["score"]
    from tianmu.accounts.tests.factories import UserFactory

    leader = UserFactory(username="demo-leader-x", role="leader", scope_area=scheme.program.county)
    c = Client()
    c.force_login(leader)
    page = c.get(reverse("assessment:assessment_detail", args=[a.pk]))
    assert page.status_code == 200 and alliances[0]["subject"]["name"] in page.content.decode()
