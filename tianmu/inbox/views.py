"""The inbox page (`/inbox/`, phone-first): the landing page of village cadres, enterprise
liaisons and bank officers; each item opens its record, and a record to confirm is confirmed
from here in one tap (after the browser asks)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from tianmu.core.htmx import errors_to_messages
from tianmu.core.services import NotFound
from tianmu.inbox.selectors import inbox_for
from tianmu.inbox.sources import inbox_source


class InboxView(LoginRequiredMixin, View):
    def get(self, request):
        items = inbox_for(request.user)
        return render(request, "inbox/inbox.html", {"items": items, "count": len(items)})


class InboxActView(LoginRequiredMixin, View):
    """Run an item's one-tap action (confirm) through the owning app's service."""

    def post(self, request, kind, pk):
        source = inbox_source(kind)
        pending = source.pending(request.user) if source and source.act else None
        obj = pending.filter(pk=pk).first() if pending is not None else None
        if obj is None:
            raise Http404  # not waiting for this user (or already done)
        try:
            source.act(request.user, obj)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Confirmed: %(record)s.") % {"record": obj})
        return redirect("inbox:inbox")
