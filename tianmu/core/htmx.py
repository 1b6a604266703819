"""Small helpers for answering htmx requests from ordinary Django views.

htmx sends `HX-Request: true` on every request it makes; a view answers those with a partial
(only the part of the page that changes) and everything else with the full page, from the same
URL. See docs/pages.md for the conventions.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """A request made by htmx that wants a partial (boosted links want whole pages)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers with a page or a partial: caches must keep them apart."""
    patch_vary_headers(response, ("HX-Request",))
    return response


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to `url`: an HX-Redirect for htmx, an ordinary 302 otherwise."""
    if is_htmx(request):
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def trigger(response: HttpResponse, *events: str) -> HttpResponse:
    """Ask htmx to fire `events` on the page (e.g. to refresh a panel after a change)."""
    existing = response.get("HX-Trigger")
    names = dict.fromkeys(json.loads(existing)) if existing else {}
    names.update(dict.fromkeys(events))
    response["HX-Trigger"] = json.dumps(dict.fromkeys(names))
    return response


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    """A service's refusal as flash messages (for pages that redirect back)."""
    for message in exc.messages:
        messages.error(request, message)


def form_errors_to_messages(request: HttpRequest, form) -> None:
    """A form's errors as flash messages, each led by its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
