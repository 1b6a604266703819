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
    #: Foreign keys over many records: {field: (lookups searched)}. They render as a search box
    #: and a select holding only the current choice; matches load on demand (`/forms/choices/`)
    #: from the field's own (scoped) queryset, so only what the user may choose is offered.
    searchable_fields: dict[str, tuple[str, ...]] = {}
    #: Fields that name the acting organisation: for a user scoped to one (an enterprise
    #: liaison, a bank officer) they are filled in with it and offer nothing else.
    own_organization_fields: tuple[str, ...] = ("enterprise", "bank")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, which in self.scoped_fields.items():
            field = self.fields.get(name)
            if field is None:
                continue
            fn = editable_by if which == "editable" else visible_to
            field.queryset = fn(user, field.queryset)
        for name, search in self.searchable_fields.items():
            field = self.fields.get(name)
            if field is not None:
                field.widget = SearchSelect(
                    form_key=form_key(type(self)), field_name=name, search=search
                )
                field.widget.choices = field.choices
                field.widget.is_required = field.required
        self._fill_own_organization(user)

    def _fill_own_organization(self, user) -> None:
        from tianmu.core.scoping import scope_for

        scope = scope_for(user)
        if not scope.is_org:
            return
        org = scope.organization
        for name in self.own_organization_fields:
            field = self.fields.get(name)
            queryset = getattr(field, "queryset", None)
            if queryset is None or queryset.model is not type(org):
                continue
            if not queryset.filter(pk=org.pk).exists():
                continue  # not the kind this field takes (a bank officer's "enterprise")
            field.queryset = queryset.filter(pk=org.pk)
            field.empty_label = None
            if not self.is_bound and getattr(self.instance, f"{name}_id", None) is None:
                self.initial[name] = org.pk

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.searchable_fields:
            SEARCHABLE_FORMS[form_key(cls)] = cls


#: Forms with searchable fields, by `form_key` (what the choices endpoint instantiates).
SEARCHABLE_FORMS: dict[str, type[forms.Form]] = {}

#: How many matches the choices endpoint answers at most.
SEARCH_LIMIT = 20


def form_key(form_class) -> str:
    return f"{form_class.__module__.split('.')[1]}.{form_class.__name__}"


class SearchSelect(forms.Select):
    """A select that holds only its current choice and a search box that fills it with the
    matches of what is typed (htmx, from `/forms/choices/`): a form over 10,000 people stays
    small and opens at once."""

    template_name = "core/widgets/search_select.html"

    def __init__(self, *, form_key: str, field_name: str, search: tuple[str, ...], attrs=None):
        super().__init__(attrs)
        self.form_key, self.field_name, self.search = form_key, field_name, search

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.form_key, obj.field_name, obj.search = self.form_key, self.field_name, self.search
        return obj

    def optgroups(self, name, value, attrs=None):
        """Only the chosen value (and the empty choice), never the whole queryset."""
        chosen = [str(v) for v in value if v not in (None, "")]
        groups = [(None, [self.create_option(name, "", "---------", not chosen, 0)], 0)]
        if chosen:
            qs = self.choices.queryset.filter(pk__in=chosen)
            label = self.choices.field.label_from_instance
            for i, obj in enumerate(qs, start=1):
                option = self.create_option(name, str(obj.pk), label(obj), True, i)
                groups.append((None, [option], i))
        return groups

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = (
            reverse("forms:choices") + f"?form={self.form_key}&field={self.field_name}"
        )
        return context


def search_choices(form, field_name: str, q: str, limit: int = SEARCH_LIMIT) -> list:
    """The field's choices (its scoped queryset) matching `q` in any of its search lookups."""
    from django.db.models import Q

    field = form.fields[field_name]
    lookups = type(form).searchable_fields[field_name]
    qs = field.queryset
    q = (q or "").strip()
    if q:
        match = Q()
        for lookup in lookups:
            match |= Q(**{f"{lookup}__icontains": q})
        qs = qs.filter(match)
    return [(obj.pk, field.label_from_instance(obj)) for obj in qs[: limit + 1]]
