"""Users from the web: a programme admin creates, changes, deactivates and resets the users of
their county and issues or revokes their API tokens — through services, change-logged, never
outside their own area; other roles have no such page."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from tianmu.accounts import services
from tianmu.accounts.models import ApiToken, User
from tianmu.accounts.tests.factories import UserFactory
from tianmu.core.models import ObjectChange
from tianmu.core.services import NotFound
from tianmu.core.tests.pages import client_for, snapshot

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-initial-pass-7"


def changes_of(obj):
    ct = ContentType.objects.get_for_model(type(obj))
    return list(ObjectChange.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def test_admin_creates_a_user_in_their_county_who_must_change_the_password(world):
    admin = world.users["admin"]
    response = client_for(admin).post(
        reverse("accounts:user_add"),
        {
            "username": "cadre-new",
            "first_name": "王村干",
            "role": "village",
            "scope_area": world.v1b.area.pk,
            "password": PASSWORD,
        },
        follow=True,
    )
    account = User.objects.get(username="cadre-new")
    assert (account.role, account.scope_area, account.must_change_password) == (
        "village",
        world.v1b.area,
        True,
    )
    assert account.check_password(PASSWORD)
    page = response.content.decode()
    assert (
        f"Created user cadre-new (Village cadre, {world.v1b.area}). They must change the "
        "initial password at their first sign-in." in page
    )
    (change,) = changes_of(account)
    assert (change.action, change.user_id) == ("create", admin.pk)
    assert "password" not in change.after


def test_admin_cannot_create_a_user_outside_their_area(world):
    admin = world.users["admin"]
    before = snapshot(User)
    client = client_for(admin)
    form = client.get(reverse("accounts:user_add")).content.decode()
    # The scope lists offer only what lies inside the admin's county.
    assert f'value="{world.v1b.area.pk}"' in form
    assert f'value="{world.vb.area.pk}"' not in form and f'value="{world.e_b.pk}"' not in form
    response = client.post(
        reverse("accounts:user_add"),
        {"username": "far", "role": "village", "scope_area": world.vb.area.pk,
         "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.user_create(
            user=admin, username="far", role="village", password=PASSWORD,
            scope_area=world.vb.area,
        )  # fmt: skip
    assert "Choose a scope inside your own area (临安区)." in str(refused.value)
    with pytest.raises(ValidationError):
        services.user_create(
            user=admin, username="far", role="enterprise", password=PASSWORD,
            scope_organization=world.e_b,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.user_create(user=admin, username="root2", role="superuser", password=PASSWORD)
    assert snapshot(User) == before


def test_admin_changes_role_and_scope_and_the_change_is_logged(world):
    admin, town = world.users["admin"], world.users["town"]
    client = client_for(admin)
    response = client.post(
        reverse("accounts:user_detail", args=[town.pk]),
        {"action": "update", "role": "town", "scope_area": world.t2.pk, "first_name": "",
         "email": ""},
        follow=True,
    )  # fmt: skip
    town.refresh_from_db()
    assert town.scope_area == world.t2
    assert f"Saved town_t1: Town officer, {world.t2}." in response.content.decode()
    change = changes_of(town)[-1]
    assert change.user_id == admin.pk
    assert (change.before["scope_area_id"], change.after["scope_area_id"]) == (
        world.t1.pk,
        world.t2.pk,
    )
    # Moving a user out of the county is refused and changes nothing.
    with pytest.raises(ValidationError):
        services.user_update(user=admin, account=town, role="town", scope_area=world.tb)
    town.refresh_from_db()
    assert town.scope_area == world.t2


def test_admin_deactivates_and_reactivates_a_user(world):
    admin, bank = world.users["admin"], world.users["bank"]
    _token, key = ApiToken.issue(bank, name="script")
    client = client_for(admin)
    assert ApiToken.objects.authenticate(key) == bank
    response = client.post(
        reverse("accounts:user_active", args=[bank.pk]), {"active": "0"}, follow=True
    )
    bank.refresh_from_db()
    assert not bank.is_active
    assert "bank_p1 is deactivated" in response.content.decode()
    assert ApiToken.objects.authenticate(key) is None
    assert changes_of(bank)[-1].after["is_active"] is False
    client.post(reverse("accounts:user_active", args=[bank.pk]), {"active": "1"})
    bank.refresh_from_db()
    assert bank.is_active
    # Nobody deactivates themselves.
    with pytest.raises(ValidationError):
        services.user_set_active(user=admin, account=admin, active=False)


def test_admin_resets_a_password_which_must_then_be_changed(world):
    admin, village = world.users["admin"], world.users["village"]
    client = client_for(admin)
    response = client.post(
        reverse("accounts:user_detail", args=[village.pk]),
        {"action": "password", "password": "short"},
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    village.refresh_from_db()
    assert not village.must_change_password
    client.post(
        reverse("accounts:user_detail", args=[village.pk]),
        {"action": "password", "password": PASSWORD},
    )
    village.refresh_from_db()
    assert village.check_password(PASSWORD) and village.must_change_password


def test_admin_issues_and_revokes_a_users_token(world):
    admin, village = world.users["admin"], world.users["village"]
    client = client_for(admin)
    url = reverse("accounts:user_detail", args=[village.pk])
    page = client.post(url, {"action": "token", "name": "monthly export", "days": "30"})
    token = ApiToken.objects.get(user=village, name="monthly export")
    assert 'id="new-token"' in page.content.decode()
    assert changes_of(token)[0].user_id == admin.pk
    response = client.post(
        reverse("accounts:token_revoke", args=[token.pk]), {"next": url}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    token.refresh_from_db()
    assert token.revoked is not None


def test_users_outside_the_county_are_not_found_and_other_roles_have_no_page(world):
    admin = world.users["admin"]
    outsider = world.outsiders["village"]
    far = UserFactory(username="far_cadre", role="village", scope_area=world.vb.area)
    client = client_for(admin)
    listing = client.get(reverse("accounts:user_list")).content.decode()
    assert outsider.username in listing  # village_v1b: another village of the same county
    assert "far_cadre" not in listing and "root" not in listing
    before = snapshot(User)
    assert client.get(reverse("accounts:user_detail", args=[far.pk])).status_code == 404
    response = client.post(reverse("accounts:user_active", args=[far.pk]), {"active": "0"})
    assert response.status_code == 404
    assert snapshot(User) == before
    for role in ("leader", "town", "village", "enterprise", "bank"):
        user_client = client_for(world.users[role])
        assert user_client.get(reverse("accounts:user_list")).status_code == 404, role
        assert user_client.get(reverse("accounts:user_add")).status_code == 404, role
    with pytest.raises(NotFound):
        services.user_create(
            user=world.users["town"], username="x", role="village", password=PASSWORD,
            scope_area=world.v1a.area,
        )  # fmt: skip


def test_a_province_admin_manages_the_users_of_every_county_and_city(world):
    """A province admin lists both counties' users, creates a city's leader and a county's
    admin; a county admin cannot make a city's leader (the city is above their area)."""
    province_admin = UserFactory(username="admin_zj", role="admin", scope_area=world.province)
    client = client_for(province_admin)
    listing = client.get(reverse("accounts:user_list")).content.decode()
    for name in ("admin_a", "admin_b", "leader_b", "village_v1b", "ent_b", "bank_b"):
        assert name in listing, name
    assert "root" not in listing
    for username, role, area in (
        ("leader-city", "leader", world.city),
        ("admin-fuyang", "admin", world.county_b),
    ):
        client.post(
            reverse("accounts:user_add"),
            {"username": username, "role": role, "scope_area": area.pk, "password": PASSWORD},
        )
        account = User.objects.get(username=username)
        assert (account.role, account.scope_area) == (role, area)
    # A county's admin is offered neither the city nor the province, and a post is refused.
    admin = world.users["admin"]
    form_page = client_for(admin).get(reverse("accounts:user_add"))
    offered = set(form_page.context["form"].fields["scope_area"].queryset)
    assert world.county in offered and world.city not in offered
    assert world.province not in offered
    before = snapshot(User)
    client_for(admin).post(
        reverse("accounts:user_add"),
        {"username": "too-high", "role": "leader", "scope_area": world.city.pk,
         "password": PASSWORD},
    )  # fmt: skip
    assert snapshot(User) == before
