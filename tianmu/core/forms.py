"""Form helpers shared by pages and API: the same form validates both (one write path)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.core.scoping import editable_by, visible_to


class TagsField(forms.CharField):
    """A list of short tags, typed as comma-separated text (中文逗号 and 、 accepted too)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            items = [str(v) for v in value]
        else:
            text = super().to_python(value) or ""
            for sep in ("，", "、", ";", "；", "\n"):
                text = text.replace(sep, ",")
            items = text.split(",")
        tags = []
        for item in items:
            item = item.strip()
            if item and item not in tags:
                if len(item) > 50:
                    raise forms.ValidationError(_("A tag has at most 50 characters."))
                tags.append(item)
        return tags


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose foreign-key choices are limited to what the user may see or edit.

    `scoped_fields` maps a field name to "visible" or "editable". A choice outside the scope
    is rejected as an invalid choice, exactly like one that does not exist.
    """

    scoped_fields: dict[str, str] = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, which in self.scoped_fields.items():
            field = self.fields.get(name)
            if field is None:
                continue
            fn = editable_by if which == "editable" else visible_to
            field.queryset = fn(user, field.queryset)
