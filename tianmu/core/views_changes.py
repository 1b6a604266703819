"""The change-log browser page (`/changes/`): the same reads and filters as
`GET /api/v1/changes` (tianmu/core/changes.py), for programme admins and superusers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.views import View

from tianmu.core.changes import (
    ObjectChangeFilterSet,
    changes_visible_to,
    may_read_change_log,
    model_of,
)
from tianmu.core.counting import CappedPaginator
from tianmu.core.views import describe_changes


class ChangeLogView(LoginRequiredMixin, View):
    template_name = "core/change_list.html"

    def get(self, request):
        if not may_read_change_log(request.user):
            raise Http404
        wanted = request.GET.get("model", "").strip()
        model = model_of(wanted) if wanted else None
        qs = changes_visible_to(request.user, models=[model] if model is not None else None)
        filterset = ObjectChangeFilterSet(request.GET or None, queryset=qs, request=request)
        page = CappedPaginator(filterset.qs, settings.TIANMU_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            "filter_form": filterset.form,
            "page_obj": page,
            "entries": describe_changes(request.user, page.object_list, main=None),
        }
        return render(request, self.template_name, context)
