"""Template helpers for Tianmu pages: Bootstrap form widgets and links to objects."""

from __future__ import annotations

from django import forms, template

from tianmu.core.tables import display_value, object_url

register = template.Library()


@register.filter
def bs(bound_field):
    """Render a form field's widget with Bootstrap's classes (and its error state)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple | forms.NullBooleanSelect):
        css = "form-select"
    else:
        css = "form-control"
    if isinstance(widget, forms.DateInput):
        widget.input_type = "date"
        widget.format = "%Y-%m-%d"  # what <input type=date> needs, in every language
    if bound_field.errors:
        css += " is-invalid"
    attrs = {"class": f"{widget.attrs.get('class', '')} {css}".strip()}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_errors"
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.simple_tag
def url_of(obj, action: str = "detail") -> str:
    """The URL of an object's page (`detail`, `edit`, `delete`, `history`), or ""."""
    return object_url(obj, action) or ""


@register.filter
def show(value):
    """A value as a page shows it: links for objects, ✓ for yes, — for nothing."""
    return display_value(value)
