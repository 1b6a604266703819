"""Pages for village–enterprise events: list, detail with photos, edit, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from tianmu.core.htmx import redirect_to
from tianmu.core.scoping import editable_by
from tianmu.core.services import NotFound
from tianmu.core.views import (
    ObjectDetailView,
    ObjectHistoryView,
    can_edit_object,
)
from tianmu.events.forms import EventPhotoForm
from tianmu.events.models import Event, EventPhoto
from tianmu.events.services import event_photo_add


class EventDetailView(ObjectDetailView):
    detail_fields = (
        "kind",
        "date",
        "village",
        "alliance",
        "villagers_served",
        "description",
    )

    def extra_context(self, obj):
        can_edit = can_edit_object(self.request.user, obj)
        return {
            "organizations": obj.organizations.all(),
            "photos": obj.photos.all(),
            "photo_form": EventPhotoForm() if can_edit else None,
        }


class EventHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [(EventPhoto, obj.photos.all())]


class EventPhotoAddView(LoginRequiredMixin, View):
    def post(self, request, pk):
        event = get_object_or_404(editable_by(request.user, Event), pk=pk)
        form = EventPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                event_photo_add(
                    user=request.user,
                    event=event,
                    image=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            except NotFound as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Saved."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect_to(request, reverse("events:event_detail", args=[pk]))
