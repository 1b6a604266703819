"""How many rows a list has, without counting millions of them on every page.

A list counts its rows exactly up to `settings.TIANMU_EXACT_COUNT_LIMIT` (10,000 by default):
`SELECT COUNT(*) FROM (SELECT 1 … LIMIT limit + 1)` stops reading at the limit, so a county's
list costs the same however large the province is. Past the limit it says "more than N"; on
PostgreSQL the planner's estimate (`EXPLAIN`, no rows read) may stand in as an approximate
figure. The pages show "10,000+ records" (“1万+ 条记录”) and offer next and previous without
a last page; the API answers `count_exact: false` (docs/api.md).

Figures are never counted this way: a KPI is exact (tianmu/core/kpis.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections, models
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Count:
    """A list's size: `value` rows exactly, or (`exact` false) at least `value`, or about
    `value` when it is the planner's estimate."""

    value: int
    exact: bool


def exact_count_limit() -> int:
    return settings.TIANMU_EXACT_COUNT_LIMIT


def capped_count(
    queryset: models.QuerySet, limit: int | None = None, *, estimate: bool = False
) -> Count:
    """The rows of `queryset`, counted exactly up to `limit` (default: the setting).

    Past it: `Count(limit, exact=False)`, or with `estimate` on PostgreSQL the planner's
    estimate of the rows when that is larger than the limit (it never reads them).
    """
    limit = exact_count_limit() if limit is None else limit
    counted = queryset.order_by()[: limit + 1].count()
    if counted <= limit:
        return Count(counted, True)
    if estimate:
        guess = planner_estimate(queryset)
        if guess is not None and guess > limit:
            return Count(guess, False)
    return Count(limit, False)


def planner_estimate(queryset: models.QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows `queryset` yields (`EXPLAIN (FORMAT JSON)`), or
    None elsewhere. An estimate: off by a factor of a few where the scope joins tables."""
    if connections[queryset.db].vendor != "postgresql":
        return None
    plan = json.loads(queryset.order_by().explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def format_count(n: int) -> str:
    """A count as its reader reads it: “10,000” in English, “1万” in Chinese (round 万 and
    亿 only; other numbers keep their digits)."""
    if (get_language() or "").startswith("zh"):
        for unit, name in ((100_000_000, "亿"), (10_000, "万")):
            if n >= unit and n % unit == 0:
                return f"{n // unit:,}{name}"
    return f"{n:,}"


def more_than_label(count: Count) -> str:
    """“10,000+ records” / “1万+ 条记录”, for a count that is not exact."""
    return _("%(count)s+ records") % {"count": format_count(count.value)}


class CappedPage(Page):
    """A page of a list whose end is not known: it knows only whether a row follows."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class CappedPaginator(Paginator):
    """A Paginator whose `count` is `capped_count`: exact up to the limit, the limit past it.

    When the count is not exact (`count_exact` false) a page is read with one row more than
    it shows, which says whether there is a next page; there is no last page to jump to.
    """

    @cached_property
    def capped(self) -> Count:
        if isinstance(self.object_list, models.QuerySet):
            return capped_count(self.object_list)
        return Count(len(self.object_list), True)

    @cached_property
    def count(self) -> int:
        return self.capped.value

    @property
    def count_exact(self) -> bool:
        return self.capped.exact

    @property
    def count_label(self) -> str:
        """“10,000+ records” when the count is not exact (the template says it otherwise)."""
        return "" if self.count_exact else more_than_label(self.capped)

    def validate_number(self, number):
        if self.count_exact:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number):
        if self.count_exact:
            return super().get_page(number)
        try:
            return self.page(number)
        except EmptyPage:  # before the first page or past the last: show one that exists
            return self.page(1 if self._below_one(number) else self.num_pages)

    @staticmethod
    def _below_one(number) -> bool:
        try:
            return int(number) < 1
        except (TypeError, ValueError):
            return True

    def page(self, number):
        if self.count_exact:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)
