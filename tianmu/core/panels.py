"""Panels a higher app adds to a lower app's detail page (docs/pages.md#detail-panels).

A lower app cannot import a higher one (docs/overview.md#layers), yet its detail page may show
what the higher app knows: an organisation's contribution ledger (tianmu/dashboard) on the
registry's organisation page. The higher app registers a panel from its `AppConfig.ready()`:

    register_detail_panel(Organization, "dashboard/partials/contributions.html", fn)

`fn(request, obj)` returns the template's context, or None to leave the panel out for that
object (an organisation that is not an enterprise or a bank). The generic detail view
(`ObjectDetailView`) renders every panel registered for the object's model, in registration
order, below the page's own sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class DetailPanel:
    template_name: str
    context_fn: Callable[[object, object], dict | None]


_PANELS: dict[type, list[DetailPanel]] = {}


def register_detail_panel(
    model: type, template_name: str, context_fn: Callable[[object, object], dict | None]
) -> None:
    """Show `template_name` on `model`'s detail page, with `context_fn(request, obj)`.

    Registering the same template for the same model again is ignored (ready() may run twice
    in tests).
    """
    panels = _PANELS.setdefault(model, [])
    if any(p.template_name == template_name for p in panels):
        return
    panels.append(DetailPanel(template_name, context_fn))


def detail_panels(request, obj) -> list[SafeString]:
    """The rendered panels for `obj`'s detail page (an empty list when none is registered)."""
    out = []
    for panel in _PANELS.get(type(obj), ()):
        context = panel.context_fn(request, obj)
        if context is None:
            continue
        html = render_to_string(panel.template_name, {"object": obj, **context}, request=request)
        out.append(mark_safe(html))  # noqa: S308  (a template's own autoescaped output)
    return out
