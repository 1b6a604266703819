"""Pages for the uses of full personal data: exact ID-number search and the reveal log
(docs/personal-data.md). Kept apart from `views.py`, which holds the ordinary CRUD pages.

The search form posts: the number never appears in a URL, and the answer is sent
`Cache-Control: no-store`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views import View

from tianmu.core.tables import Column, Table
from tianmu.core.views import ObjectListView
from tianmu.employment.api_people import may_read_access_log
from tianmu.employment.filtersets import PersonalDataAccessFilterSet
from tianmu.employment.models import PersonalDataAccess
from tianmu.employment.services import (
    RateLimited,
    may_search_id_number,
    person_search_id_number,
)


class IdSearchForm(forms.Form):
    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class PersonIdSearchView(LoginRequiredMixin, View):
    """GET: the form; POST: the person with that full ID number (logged, rate-limited)."""

    template_name = "employment/person_search.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_search_id_number(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def render(self, form, found=None):
        context = {"form": form, "found": found, "searched": found is not None}
        response = render(self.request, self.template_name, context)
        add_never_cache_headers(response)
        return response

    def get(self, request):
        return self.render(IdSearchForm())

    def post(self, request):
        form = IdSearchForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            found = person_search_id_number(
                user=request.user, id_number=form.cleaned_data["id_number"]
            )
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    form.add_error("id_number", message)
            return self.render(form)
        except (PermissionDenied, RateLimited) as exc:
            form.add_error(None, str(exc))
            return self.render(form)
        return self.render(IdSearchForm(), found=found)


class AccessTable(Table):
    model = PersonalDataAccess
    columns = (
        Column("time"),
        Column("user_name"),
        Column("action"),
        Column("field"),
        Column("person"),
        Column("request_id"),
    )


class AccessLogView(ObjectListView):
    """The personal-data access log, for programme admins (their county) and superusers."""

    model = PersonalDataAccess
    queryset = PersonalDataAccess.objects.select_related("person")
    filterset_class = PersonalDataAccessFilterSet
    table_class = AccessTable

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_access_log(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)
