"""The page shell: login, every page behind it, the menu by role, languages, htmx helpers."""

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tianmu.core.htmx import is_htmx, redirect_to, trigger
from tianmu.core.tests.pages import client_for

pytestmark = pytest.mark.django_db

PAGE_NAMESPACES = {"dashboard", "registry", "alliances"}


def page_urls() -> list[str]:
    """Every page URL of the apps whose pages this suite covers (with pk=1 where needed)."""
    urls = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace in PAGE_NAMESPACES and p.name:
                args = [1] if "<int:pk>" in str(p.pattern) else []
                urls.append(reverse(f"{namespace}:{p.name}", args=args))

    walk(get_resolver().url_patterns)
    return urls


#: Pages meant for everyone: the public aggregates (tianmu/dashboard/tests/test_public.py).
PUBLIC_PAGES = {"/public/"}


def test_every_page_needs_login(world):
    client = Client()
    urls = page_urls()
    assert len(urls) > 30
    assert set(urls) >= PUBLIC_PAGES
    for url in sorted(set(urls) - PUBLIC_PAGES):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login") + "?next="), url


def test_login_and_logout(world):
    client = Client()
    page = client.get(reverse("accounts:login"))
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    # A leader: admins add a second factor after the password (tianmu/accounts/tests/test_auth.py).
    wrong = client.post(reverse("accounts:login"), {"username": "leader_a", "password": "nope"})
    assert wrong.status_code == 200 and "alert-danger" in wrong.content.decode()
    ok = client.post(
        reverse("accounts:login"), {"username": "leader_a", "password": "pw-for-tests-1"}
    )
    assert ok.status_code == 302 and ok["Location"] == reverse("dashboard:start")
    # A leader starts on the cockpit (tianmu/dashboard/tests/test_cockpit.py).
    assert client.get(ok["Location"])["Location"] == reverse("dashboard:cockpit")
    assert client.get(reverse("dashboard:home")).status_code == 200
    out = client.post(reverse("accounts:logout"))
    assert out["Location"] == reverse("accounts:login")
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_base_page_loads_htmx_from_static_with_csrf_header(world):
    html = client_for(world.users["admin"]).get(reverse("dashboard:home")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "cdn" not in html.lower() and "https://" not in html
    assert 'name="viewport"' in html and "navbar-toggler" in html


MENU = {
    "admin": ["Home", "Villages", "Areas", "Organisations", "Programmes", "Alliances", "Pairings"],
    "leader": ["Home", "Villages", "Areas", "Organisations", "Programmes", "Alliances", "Pairings"],
    "town": ["Home", "Villages", "Areas", "Organisations", "Alliances", "Pairings"],
    "village": ["Home", "Villages", "Organisations", "Alliances", "Pairings"],
    "enterprise": ["Home", "Villages", "Organisations", "Alliances", "Pairings"],
    "bank": ["Home", "Villages", "Organisations", "Alliances", "Pairings"],
}


@pytest.mark.parametrize("role", sorted(MENU))
def test_menu_by_role(world, role):
    """The foundation's menu items by role (other modules may add theirs after them)."""
    response = client_for(world.users[role]).get(reverse("registry:village_list"))
    groups = response.context["nav_items"]
    items = [item for group in groups for item in group["items"]]
    foundation = set(MENU["admin"])
    labels = [str(i["label"]) for i in items]
    assert [label for label in labels if label in foundation] == MENU[role]
    assert [str(i["label"]) for i in items if i["active"]] == ["Villages"]
    assert [str(g["label"]) for g in groups if g["active"]] == ["Registry"]


# --- Languages ---------------------------------------------------------------------------------


def test_home_is_chinese_by_default(world):
    client = Client()
    client.force_login(world.users["admin"])
    html = client.get(reverse("dashboard:home")).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "首页" in html and "村庄" in html and "Villages" not in html


def test_home_in_english_by_cookie_or_accept_language(world):
    html = client_for(world.users["admin"], "en").get(reverse("dashboard:home")).content.decode()
    assert '<html lang="en">' in html and "Villages" in html and "首页" not in html
    client = Client()
    client.force_login(world.users["admin"])
    html = client.get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Villages" in html.content.decode()


def test_language_switcher_sets_the_cookie(world):
    client = Client()
    client.force_login(world.users["admin"])
    html = client.get(reverse("dashboard:home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Villages" in client.get(reverse("dashboard:home")).content.decode()


def test_login_page_in_both_languages(db):
    assert "登录" in Client().get(reverse("accounts:login")).content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("accounts:login")).content.decode()
    assert "Log in" in english


# --- htmx helpers --------------------------------------------------------------------------------


def _request(**headers) -> HttpRequest:
    request = HttpRequest()
    request.META.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()})
    return request


def test_htmx_helpers():
    assert is_htmx(_request(**{"HX-Request": "true"}))
    assert not is_htmx(_request())
    assert not is_htmx(_request(**{"HX-Request": "true", "HX-Boosted": "true"}))
    hx = redirect_to(_request(**{"HX-Request": "true"}), "/x/")
    assert hx.status_code == 200 and hx["HX-Redirect"] == "/x/"
    plain = redirect_to(_request(), "/x/")
    assert plain.status_code == 302 and plain["Location"] == "/x/"
    response = trigger(trigger(HttpResponse(), "a"), "b", "a")
    assert response["HX-Trigger"] == '{"a": null, "b": null}'


def test_a_scope_refusal_names_the_field_that_causes_it(world):
    """“…outside your area” says which choice is not the user's, on that field."""
    from django import forms

    from tianmu.core.views import add_scope_errors
    from tianmu.registry.models import Organization, Village

    class OrderLike(forms.Form):
        village = forms.ModelChoiceField(queryset=Village.objects.all(), label="village")
        enterprise = forms.ModelChoiceField(queryset=Organization.objects.all(), label="enterprise")

    form = OrderLike({"village": world.v2a.pk, "enterprise": world.e_other.pk})
    assert form.is_valid()
    add_scope_errors(form, world.users["village"])
    # The cadre looks after 望湖村 only; organisations are not theirs to look after at all.
    assert form.errors == {
        "village": [f"“{world.v2a}” is not one you look after: choose your own village."]
    }
    other = OrderLike({"village": world.v1a.pk, "enterprise": world.e1.pk})
    assert other.is_valid()
    add_scope_errors(other, world.users["village"])
    assert other.errors == {"__all__": ["That would place the record outside your area."]}
