"""Forms for events, used by the pages and (for validation) by the API."""

from __future__ import annotations

from django import forms

from tianmu.core.forms import ScopedModelForm
from tianmu.events.models import Event, EventPhoto


class EventForm(ScopedModelForm):
    scoped_fields = {"village": "visible", "alliance": "visible", "organizations": "visible"}

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "date",
            "village",
            "alliance",
            "organizations",
            "villagers_served",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.select_related("area")


class EventPhotoForm(forms.ModelForm):
    class Meta:
        model = EventPhoto
        fields = ["image", "caption"]
