"""Content-Security-Policy: scripts only from our own static files, none inline, no CDN.

Every page of every app is rendered (as a superuser, on the test world) and its HTML is
checked for an inline <script>, an inline event handler (onclick=…) or a javascript: URL.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tianmu.core.tests.pages import client_for

pytestmark = pytest.mark.django_db

SKIP_NAMESPACES = {"admin", "api", None}


class ScriptAudit(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block, and every external URL."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.external: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and value:
                if value.strip().lower().startswith("javascript:"):
                    self.problems.append(f"<{tag} {name}=javascript:…>")
                if value.startswith(("http://", "https://", "//")):
                    self.external.append(value)
        if tag == "script":
            data_block = (attrs.get("type") or "").lower() == "application/json"
            if not attrs.get("src") and not data_block:
                self.problems.append("<script> without src")


def audit(html: str) -> ScriptAudit:
    parser = ScriptAudit()
    parser.feed(html)
    return parser


def page_urls() -> list[str]:
    urls = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace not in SKIP_NAMESPACES and p.name:
                if "<" in str(p.pattern).replace("<int:pk>", ""):
                    continue  # needs more than an id
                args = [1] if "<int:pk>" in str(p.pattern) else []
                urls.append(reverse(f"{namespace}:{p.name}", args=args))

    walk(get_resolver().url_patterns)
    return sorted(set(urls))


def test_the_audit_finds_what_it_looks_for():
    found = audit(
        '<script>alert(1)</script><button onclick="x()">b</button><a href="javascript:x()">a</a>'
        '<script src="https://cdn.example.com/x.js"></script>'
        '<script type="application/json" id="d">{}</script>'
    )
    assert found.problems == [
        "<script> without src",
        "<button onclick=…>",
        "<a href=javascript:…>",
    ]
    assert found.external == ["https://cdn.example.com/x.js"]


def test_every_page_has_a_csp_and_no_inline_script(world):
    client = client_for(world.users["superuser"])
    rendered = 0
    for url in page_urls():
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], url
        found = audit(response.content.decode())
        assert found.problems == [], url
        assert found.external == [], url
    assert rendered >= 30


def test_the_login_and_public_pages_have_a_csp_and_no_inline_script(world):
    client = Client()
    for url in (reverse("accounts:login"), reverse("dashboard:public")):
        response = client.get(url)
        assert response.status_code == 200
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert audit(response.content.decode()).problems == [], url


def test_the_api_docs_load_nothing_from_another_host(world):
    client = client_for(world.users["village"])
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    found = audit(html)
    assert found.problems == [] and found.external == []
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # The vendored files are served from our own static files.
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_in_production_the_api_docs_are_for_signed_in_users_only(world, settings):
    from tianmu.core.tests.api_client import quiet_token

    anonymous = Client()
    settings.DEBUG = False
    for url in ("/api/v1/docs", "/api/v1/openapi.json"):
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")
    assert (
        anonymous.get("/api/v1/openapi.json", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    )
    key = quiet_token(world.users["village"])
    ok = anonymous.get("/api/v1/openapi.json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert ok.status_code == 200 and "paths" in ok.json()

    settings.DEBUG = True  # development: open, as before
    assert anonymous.get("/api/v1/docs").status_code == 200
