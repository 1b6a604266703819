"""`/forms/choices/`: the matches of a searchable select (tianmu.core.forms.SearchSelect).

The form is built for the signed-in user, so the matches come from the field's own scoped
queryset: only what the user may choose, never more than SEARCH_LIMIT at a time.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tianmu.core.forms import SEARCH_LIMIT, SEARCHABLE_FORMS, search_choices


@require_GET
@login_required
def choices(request):
    form_class = SEARCHABLE_FORMS.get(request.GET.get("form", ""))
    name = request.GET.get("field", "")
    if form_class is None or name not in form_class.searchable_fields:
        raise Http404
    form = form_class(user=request.user)
    if name not in form.fields:
        raise Http404
    found = search_choices(form, name, request.GET.get("q", ""))
    more = len(found) > SEARCH_LIMIT
    context = {"choices": found[:SEARCH_LIMIT], "more": more, "shown": SEARCH_LIMIT}
    return render(request, "core/widgets/search_options.html", context)
