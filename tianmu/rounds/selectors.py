"""Reading reporting rounds: who has reported (computed from the records), the counts, what
waits for a reporter, the overdue summary of the cockpit and the monthly brief's list."""

from __future__ import annotations

from collections import Counter

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.core.scoping import scope_for, visible_to
from tianmu.rounds.choices import ReporterStatus, RoundStatus
from tianmu.rounds.kinds import first_record_expr, records_q
from tianmu.rounds.models import Round, RoundReporter

#: Statuses that count as done: the round closes by itself when every reporter has one.
DONE = (ReporterStatus.REPORTED, ReporterStatus.DECLARED)


def with_status(qs: QuerySet, today=None) -> QuerySet:
    """RoundReporter rows with `status` (ReporterStatus) and `reported_at` (the declaration,
    or when the first record that counts was entered), both computed in SQL."""
    today = today or timezone.localdate()
    return qs.annotate(
        has_records=records_q(),
    ).annotate(
        status=Case(
            When(has_records=True, then=Value(ReporterStatus.REPORTED)),
            When(declared_at__isnull=False, then=Value(ReporterStatus.DECLARED)),
            When(round__deadline__lt=today, then=Value(ReporterStatus.OVERDUE)),
            default=Value(ReporterStatus.PENDING),
            output_field=CharField(),
        ),
        first_record_at=first_record_expr(),
    )


def reported_at(reporter):
    """When the reporter reported: its first counted record, else its declaration."""
    return getattr(reporter, "first_record_at", None) or reporter.declared_at


def rounds_of(user) -> QuerySet:
    """The rounds `user` may see, latest deadline first."""
    return visible_to(user, Round).select_related("program", "opened_by", "closed_by")


def reporters_of(user, round_: Round, *, status: str | None = None) -> QuerySet:
    """The round's reporters `user` may see (a town officer: the town's), with their status."""
    qs = with_status(visible_to(user, RoundReporter).filter(round=round_))
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("village__area", "organization", "declared_by")


def counts_of(user, rounds, *, everyone: bool = False) -> dict[int, dict[str, int]]:
    """{round id: {"total", "reported", "declared", "pending", "overdue"}} over the reporters
    `user` may see (all of them with `everyone`), in one query for all the rounds."""
    ids = [r.pk for r in rounds]
    base = RoundReporter.objects.all() if everyone else visible_to(user, RoundReporter)
    rows = with_status(base.filter(round_id__in=ids))
    seen = Counter(rows.values_list("round_id", "status"))
    out = {}
    for pk in ids:
        counts = {s.value: seen.get((pk, s.value), 0) for s in ReporterStatus}
        counts["total"] = sum(counts.values())
        out[pk] = counts
    return out


def is_complete(counts: dict[str, int]) -> bool:
    return counts["total"] > 0 and sum(counts[s] for s in DONE) == counts["total"]


def own_reporter(user, round_: Round) -> RoundReporter | None:
    """The user's own row in the round (a village cadre's village, a liaison's or a bank
    officer's organisation), with its status; None when they are not asked in it."""
    mine = _own_q(user)
    if mine is None:
        return None
    return (
        with_status(RoundReporter.objects.filter(mine, round=round_))
        .select_related("village__area", "organization")
        .first()
    )


def _own_q(user) -> Q | None:
    from tianmu.core.roles import Role

    scope = scope_for(user)
    if scope.is_org:
        return Q(organization=scope.organization)
    if scope.role == Role.VILLAGE and scope.is_area:
        return Q(village__area=scope.area)
    return None


# --- the inbox --------------------------------------------------------------------------------


def pending_for(user) -> QuerySet | None:
    """The user's own rows in open rounds that have not reported or declared: what waits for
    them (the inbox's kind "round")."""
    mine = _own_q(user)
    if mine is None:
        return None
    return (
        RoundReporter.objects.filter(mine, round__status=RoundStatus.OPEN, declared_at__isnull=True)
        .exclude(records_q())
        .select_related("round__program")
    )


def inbox_title(reporter: RoundReporter) -> str:
    round_ = reporter.round
    return _("Report %(what)s for %(period)s") % {
        "what": round_.get_kind_display(),
        "period": round_.period,
    }


def round_url(round_: Round) -> str:
    return reverse("rounds:round_detail", args=[round_.pk])


# --- the cockpit and the monthly brief ----------------------------------------------------------


def _in_area_q(area) -> Q:
    """Reporters in `area`: its villages, the organisations based in it, and — for the county
    or an area above it — every reporter of its programmes."""
    if area is None:
        return Q()
    return (
        Q(village__area=area)
        | Q(village__area__path__startswith=area.subtree_prefix())
        | Q(organization__home_town=area)
        | Q(organization__home_town__path__startswith=area.subtree_prefix())
        | Q(round__program__area=area)
        | Q(round__program__area__path__startswith=area.subtree_prefix())
    )


def overdue_summary(user, area) -> list[dict]:
    """The open rounds past their deadline with overdue reporters, over what `user` may see
    in `area` (everything they may see when None): [{"round", "url", "overdue", "total"}]."""
    today = timezone.localdate()
    rows = with_status(
        visible_to(user, RoundReporter)
        .filter(round__status=RoundStatus.OPEN, round__deadline__lt=today)
        .filter(_in_area_q(area))
    )
    seen = Counter(rows.values_list("round_id", "status"))
    totals = Counter()
    overdue = Counter()
    for (pk, status), n in seen.items():
        totals[pk] += n
        if status == ReporterStatus.OVERDUE:
            overdue[pk] += n
    rounds = Round.objects.filter(pk__in=list(overdue)).select_related("program")
    return [
        {"round": r, "url": round_url(r) + "?status=overdue", "overdue": overdue[r.pk],
         "total": totals[r.pk]}
        for r in sorted(rounds, key=lambda r: (r.deadline, r.pk))
    ]  # fmt: skip


def not_reported(user, area, start, end) -> list[RoundReporter]:
    """Reporters that have neither reported nor declared, in the rounds whose period lies in
    [start, end], over what `user` may see in `area`; earliest deadline first."""
    qs = with_status(
        visible_to(user, RoundReporter)
        .filter(round__period_start__gte=start, round__period_end__lte=end)
        .filter(_in_area_q(area))
    ).filter(status__in=[ReporterStatus.PENDING, ReporterStatus.OVERDUE])
    return list(
        qs.select_related("round__program", "village__area", "organization").order_by(
            "round__deadline", "round_id", "pk"
        )
    )
