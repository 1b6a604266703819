"""A dictionary-free check that a page speaks one language: the UI's, apart from the data.

Every page of every role is rendered in English and in Chinese (test_languages.py). What the
page shows is split into text (visible text nodes and the attributes people read: title,
placeholder, aria-label, alt) and the data it shows is taken out: every string stored in the
database (names, codes, notes…) and every number. What is left must be the UI's language:

- English UI: no CJK character at all;
- Chinese UI: no Latin word of two letters or more, apart from a short allow-list (abbreviations
  and product names that are written in Latin letters in Chinese too).
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser

from django.apps import apps
from django.db import models

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")

#: Latin words a Chinese page may show: abbreviations and names written in Latin in Chinese too.
ALLOWED_LATIN = {
    "API", "ID", "PAR", "PAR30", "Excel", "CSV", "XLSX", "xlsx", "csv", "JSON", "TOTP", "URL",
    "English", "Tianmu", "km", "FIC", "OK", "PDF", "JPEG", "PNG", "OpenAPI", "Bearer", "MIP",
    "HiGHS", "OR-Tools", "Token", "token", "IP", "UTC", "Lin'an", "kg", "MB", "KB", "htmx",
    "Microsoft", "Google", "Authenticator", "FreeOTP",
}  # fmt: skip
#: What the language switcher shows in the other language on purpose.
SWITCHER = ("简体中文", "中文", "English")

VISIBLE_ATTRS = ("title", "placeholder", "aria-label", "alt")
SKIP_TAGS = {"script", "style", "code", "pre", "template", "svg"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIP_TAGS:
            self._skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRS and value:
                self.parts.append(value)
            if tag == "option" and name == "data-data":
                continue

    def handle_endtag(self, tag):
        if tag in SKIP_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data)


def visible_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def _strings(value):
    """The text in a stored value. Of JSON, only strings and lists of strings (tags such as a
    village's needs): structured JSON (a run's result) holds codes, not text a page shows."""
    if isinstance(value, str):
        yield value.strip()
        yield from (v.strip() for v in value.splitlines())
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        for v in value:
            yield from _strings(v)


def data_strings() -> list[str]:
    """Every string stored in the database's text and JSON columns, longest first (so a name
    is taken out whole before a shorter name inside it). The change log's JSON gives its
    values (what was stored), not its keys (field names are shown by their labels)."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
            and not getattr(f, "encrypted", False)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                found.update(_strings(value))
    return sorted((s for s in found if s), key=len, reverse=True)


@cache
def _allowed_latin() -> frozenset:
    return frozenset(ALLOWED_LATIN)


def _take_out(text: str, value: str) -> str:
    """`text` without `value`; a value that starts or ends with a Latin letter or digit only
    where it is a whole word ("ft" is not taken out of "Microsoft")."""

    def latin(c: str) -> bool:
        return c.isascii() and c.isalnum()

    if not (latin(value[0]) or latin(value[-1])):
        return text.replace(value, " ")
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])", " ", text)


def foreign_text(html: str, language: str, data: list[str]) -> list[str]:
    """The pieces of `html`'s text that are in the other language than `language`."""
    problems = []
    suspect = CJK if language == "en" else LATIN_WORD
    for part in visible_text(html):
        if not suspect.search(part):
            continue  # nothing of the other language, data or not
        text = part
        for word in SWITCHER:
            text = text.replace(word, " ")
        for value in data:
            if value in text:
                text = _take_out(text, value)
        if language == "en":
            if CJK.search(text):
                problems.append(part.strip())
        else:
            words = [w for w in LATIN_WORD.findall(text) if w not in _allowed_latin()]
            if words:
                problems.append(f"{part.strip()} [{' '.join(words)}]")
    return problems


SKIP_NAMESPACES = {"admin", "api", None}
#: Pages that only answer a POST or end the session.
SKIP_NAMES = {"accounts:logout"}


def page_routes() -> list[tuple[str, str, type[models.Model] | None]]:
    """(namespace:name, pattern, model whose id it takes) of every page needing at most an id."""
    from django.urls import URLPattern, URLResolver, get_resolver

    routes = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
                continue
            if not isinstance(p, URLPattern) or namespace in SKIP_NAMESPACES or not p.name:
                continue
            name = f"{namespace}:{p.name}"
            pattern = str(p.pattern)
            if name in SKIP_NAMES or "<" in pattern.replace("<int:pk>", ""):
                continue
            model = None
            if "<int:pk>" in pattern:
                view = getattr(p.callback, "view_class", None)
                model = getattr(view, "model", None)
                if model is None:
                    prefix = p.name.split("_")[0]
                    model = next(
                        (m for m in apps.get_app_config(namespace).get_models()
                         if m._meta.model_name == prefix),
                        None,
                    )  # fmt: skip
                if model is None:
                    continue
            routes.append((name, pattern, model))

    walk(get_resolver().url_patterns)
    return routes


def page_urls_for(user) -> list[str]:
    """Every page `user` may open: list and form pages, and each object page for the first
    record of its model the user may see."""
    from django.urls import reverse

    from tianmu.accounts.models import User
    from tianmu.accounts.selectors import users_managed_by
    from tianmu.core.scoping import registered_models, visible_to

    known = set(registered_models())
    urls = []
    for name, _pattern, model in page_routes():
        if model is None:
            urls.append(reverse(name))
            continue
        if model is User:  # users are not a scoped model: an admin manages some of them
            qs = users_managed_by(user).exclude(pk=user.pk)
        else:
            qs = visible_to(user, model) if model in known else model._default_manager.all()
        pk = qs.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            urls.append(reverse(name, args=[pk]))
    return urls
