"""The period and term rules, in one place (docs/figures.md).

Every figure and every list that takes `from`/`to` uses these, so a figure and the list it links
to cannot disagree about what "in the period" means:

- A **term** is a row's own [start, end] (end empty = open-ended). It *meets* a period when it
  started on or before the period's end and did not end before the period's start. A row
  without a start date has not started and meets no period. Either end of the period may be
  missing: `from` alone means "from then on", `to` alone means "up to then".
- A **dated record** (a payment, an event) is *in* the period when its date is within
  [from, to], either bound optional.
- With neither date, a *stock* asks what is active today and a *flow* asks for all time.

Only Django is imported here: core knows no app. `prefix` leads from the queried model to the
row that carries the term ("pairings__", "project__").
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The message for a period whose end comes before its start (on the `to` field).
END_BEFORE_START = _("The end date cannot be before the start date.")


def term_q(start: datetime.date | None, end: datetime.date | None, *, prefix: str = "") -> Q:
    """Rows whose term meets [start, end]; a missing bound is open. A term needs a start date.

    Through a relation the start requirement also keeps out rows with no related row at all
    (a LEFT JOIN gives NULLs there, which would otherwise read as "no end").
    """
    q = Q(**{f"{prefix}start__isnull": False})
    if start is not None:
        q &= Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": start})
    if end is not None:
        q &= Q(**{f"{prefix}start__lte": end})
    return q


def active_on_q(on: datetime.date, *, prefix: str = "") -> Q:
    """Rows whose term includes the day `on`."""
    return term_q(on, on, prefix=prefix)


def dated_q(field: str, start: datetime.date | None, end: datetime.date | None) -> Q:
    """Rows whose date `field` is in [start, end]; a missing bound is open."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def period_errors(start: datetime.date | None, end: datetime.date | None) -> dict[str, list]:
    """Field errors of a period: `to` before `from` is the only wrong combination."""
    if start is not None and end is not None and end < start:
        return {"to": [END_BEFORE_START]}
    return {}


def query_period(query) -> tuple[datetime.date | None, datetime.date | None]:
    """(from, to) of a query string, leniently: a date that does not parse is absent.

    For list pages that annotate their rows with the period's amounts; the FilterSet on the
    same query string reports the bad date to the user.
    """

    def parse(raw):
        try:
            return datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    return parse(query.get("from")), parse(query.get("to"))


@dataclass(frozen=True)
class Period:
    """The [start, end] of a figure or list query; `explicit` is False when no date was given."""

    start: datetime.date | None
    end: datetime.date | None

    @property
    def explicit(self) -> bool:
        return self.start is not None or self.end is not None

    def stock_bounds(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The bounds a stock uses: today when no date was given."""
        if not self.explicit:
            today = timezone.localdate()
            return today, today
        return self.start, self.end

    def overlap_q(self, prefix: str = "") -> Q:
        """Rows whose term meets this period (today when not explicit)."""
        start, end = self.stock_bounds()
        return term_q(start, end, prefix=prefix)

    def within_q(self, field: str) -> Q:
        """Rows whose `field` (a date) falls in the period (all time when not explicit)."""
        return dated_q(field, self.start, self.end)


NAMED_PERIOD_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})|Q([1-4]))?$")


@dataclass(frozen=True)
class NamedPeriod:
    """A month, quarter or year by its name: `value` "2025-10", "2025Q3" or "2025" (the
    canonical spelling), `unit` "month", "quarter" or "year", and its first and last day."""

    value: str
    unit: str
    start: datetime.date
    end: datetime.date


def named_period(value: str | None) -> NamedPeriod | None:
    """`2025-10` (or `2025-1`), `2025Q3` or `2025` as a NamedPeriod; None for anything else.
    The reports, the cockpit and the reporting rounds name their periods so."""
    m = NAMED_PERIOD_RE.match((value or "").strip())
    if not m:
        return None
    year = int(m[1])
    if m[2]:
        month = int(m[2])
        if not 1 <= month <= 12:
            return None
        last = calendar.monthrange(year, month)[1]
        return NamedPeriod(
            f"{year}-{month:02d}",
            "month",
            datetime.date(year, month, 1),
            datetime.date(year, month, last),
        )
    if m[3]:
        q = int(m[3])
        last_month = 3 * q
        last = calendar.monthrange(year, last_month)[1]
        return NamedPeriod(
            f"{year}Q{q}",
            "quarter",
            datetime.date(year, last_month - 2, 1),
            datetime.date(year, last_month, last),
        )
    return NamedPeriod(str(year), "year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
