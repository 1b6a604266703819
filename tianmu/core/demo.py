"""The demo: ordered steps that each app contributes, run together by `tianmu loaddemo`.

An app that has demo data puts it in its own `demo.py` and registers one or more steps::

    from tianmu.core.demo import DemoContext, register_demo_step

    @register_demo_step(200, "alliances")
    def build_alliances(ctx: DemoContext) -> None:
        program, _ = ctx.ensure(Program, {"name": ...}, area=ctx.refs["county"], ...)

`load_demo()` imports every installed app's `demo` module, then runs the steps by `order`
(registry 100s, alliances 200s, instruments 300s and up) in one transaction, as the actor
“loaddemo”, so the change log records every object the demo creates.

Steps must be idempotent: they look each object up by a natural key (`DemoContext.ensure`) and
create it only when it is missing; an existing object is left as it is, even if someone has
edited it since. Running the demo twice therefore writes nothing the second time.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from stdnum.cn import uscc

from tianmu.core.context import acting_as
from tianmu.core.models import ChangeLoggedModel

M = TypeVar("M", bound=models.Model)

DEMO_ACTOR = "loaddemo"


@dataclass
class DemoContext:
    """What the steps share: the reference date, objects earlier steps made, and counts."""

    today: datetime.date
    #: Objects an earlier step hands to later ones, by name (e.g. "county", "towns").
    refs: dict[str, Any] = field(default_factory=dict)
    #: Objects created in this run, per model label ("registry.Area": 84).
    created: Counter = field(default_factory=Counter)

    def ensure(
        self,
        model: type[M],
        lookup: dict[str, Any],
        *,
        m2m: dict[str, Iterable] | None = None,
        exclude: list[str] | None = None,
        **defaults: Any,
    ) -> tuple[M, bool]:
        """Find the object matching `lookup`, or validate and create it with `defaults`.

        Creation goes through `full_clean()` and `save()`, so model invariants hold and the
        change log records it; many-to-many values in `m2m` are set only on creation.
        """
        obj = model._default_manager.filter(**lookup).first()
        if obj is not None:
            return obj, False
        obj = model(**lookup, **defaults)
        obj.full_clean(exclude=exclude)
        obj.save()
        for name, values in (m2m or {}).items():
            getattr(obj, name).set(values)
        self.created[model._meta.label] += 1
        return obj, True


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    fn: Callable[[DemoContext], None]


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(order: int, name: str | None = None, fn: Callable | None = None):
    """Register `fn` as a demo step run at `order`; usable as a decorator or called directly.

    `name` defaults to the function's dotted path and must be unique: registering a second,
    different function under a taken name is a programming error.
    """

    def add(func: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        path = f"{func.__module__}.{func.__qualname__}"
        key = name or path
        existing = _STEPS.get(key)
        # The same function again (a module imported twice, a reload) simply replaces itself.
        if existing is not None and f"{existing.fn.__module__}.{existing.fn.__qualname__}" != path:
            raise RuntimeError(f"Demo step {key!r} registered twice")
        _STEPS[key] = DemoStep(order=order, name=key, fn=func)
        return func

    return add(fn) if fn is not None else add


def demo_steps() -> list[DemoStep]:
    """Every registered step (after discovering the apps' `demo` modules), in run order."""
    autodiscover_modules("demo")
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def load_demo(*, today: datetime.date | None = None) -> DemoContext:
    """Run every demo step in one transaction as the actor “loaddemo”; returns the context."""
    ctx = DemoContext(today=today or timezone.localdate())
    steps = demo_steps()
    with transaction.atomic(), acting_as(username=DEMO_ACTOR):
        for step in steps:
            step.fn(ctx)
    return ctx


def domain_records_exist() -> bool:
    """Whether any change-logged domain record (an area, an organisation…) exists.

    `loaddemo --if-empty` asks this; it names no app's model, since the demo runner is in core,
    below every app that contributes steps.
    """
    return any(
        model._default_manager.exists()
        for model in apps.get_models()
        if issubclass(model, ChangeLoggedModel)
    )


def example_uscc(n: int) -> str:
    """A unified social credit code that passes the GB 32100 check, for invented organisations.

    The organisation-code part starts with 7 followed by the running number, so demo codes
    are recognisable (and do not clash with the test factories' codes).
    """
    body = f"913301127{n:08d}"
    return body + uscc.calc_check_digit(body)
