"""Panels that a higher app adds to a lower app's detail page, without the lower app knowing.

A lower app may not import a higher one (docs/overview.md#layers), yet a village's page (in
registry) shows what the impact app knows of it: its income status and its income chart. The
higher app registers a panel for the model from its `AppConfig.ready()`; `ObjectDetailView`
asks `detail_panels(request, obj)` and `core/object_detail.html` includes each panel's template
with the context its function returned (a function answering None shows no panel).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

__all__ = ["DetailPanel", "detail_panels", "register_detail_panel"]


@dataclass(frozen=True)
class DetailPanel:
    template: str
    #: `context(request, obj) -> dict | None`: the panel's context, or None for no panel.
    context: Callable[[object, models.Model], dict | None]
    order: int = 100


_PANELS: dict[type[models.Model], list[DetailPanel]] = {}


def register_detail_panel(
    model: type[models.Model],
    *,
    template: str,
    context: Callable[[object, models.Model], dict | None],
    order: int = 100,
) -> None:
    """Show `template` on the detail page of every `model` object (below its own sections)."""
    panels = _PANELS.setdefault(model, [])
    if any(p.template == template for p in panels):
        return  # ready() may run twice (tests); one panel per template
    panels.append(DetailPanel(template=template, context=context, order=order))
    panels.sort(key=lambda p: p.order)


def detail_panels(request, obj: models.Model) -> list[dict]:
    """The panels registered for `obj`'s model, as `{"template", "context"}`, in order."""
    out = []
    for panel in _PANELS.get(type(obj), []):
        context = panel.context(request, obj)
        if context is not None:
            out.append({"template": panel.template, "context": context})
    return out
