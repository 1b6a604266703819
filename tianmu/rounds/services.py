"""Writes for reporting rounds: open (with its reporters), close, declare nothing to report,
and the automatic close once everyone has reported. Each runs in one transaction; a refusal
writes nothing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.core.bulk import bulk_create_logged
from tianmu.core.context import acting_as, current_actor
from tianmu.core.scoping import can_create, editable_by, visible_to
from tianmu.core.services import NotFound, object_save, service
from tianmu.rounds.choices import RoundStatus
from tianmu.rounds.kinds import VILLAGE, RoundPeriod, kind_of
from tianmu.rounds.models import Round, RoundReporter
from tianmu.rounds.selectors import counts_of, is_complete, own_reporter

#: Who the change log names for a round that closed by itself.
AUTO_CLOSE = "rounds:all-reported"


def _period_error(kind, period: RoundPeriod) -> str | None:
    if period.unit == kind.unit:
        return None
    examples = {"month": "2025-10", "quarter": "2025Q3", "year": "2025"}
    return _("%(kind)s is reported for a %(unit)s (e.g. %(example)s).") % {
        "kind": kind.label,
        "unit": {"month": _("month"), "quarter": _("quarter"), "year": _("year")}[kind.unit],
        "example": examples[kind.unit],
    }


@service
def round_open(
    *,
    user,
    program,
    kind: str,
    period: RoundPeriod,
    deadline: datetime.date,
    reporters: list | None = None,
) -> Round:
    """Open a round of `kind` for `period` in `program`, due by `deadline` (on or after the
    period's last day). The reporters are the kind's, generated from the programme's county,
    or `reporters` (villages or organisations, each one the kind would generate). Refused: a
    user who is not a programme admin of the county (NotFound), a period of another unit than
    the kind's, an early deadline, and a round nobody would report in."""
    if not can_create(user, Round):
        raise NotFound()
    spec = kind_of(kind)
    errors = {}
    problem = _period_error(spec, period)
    if problem:
        errors["period"] = [problem]
    if deadline < period.end:
        errors["deadline"] = [
            _(
                "The deadline cannot be before the period ends (%(end)s): a period is "
                "reported once it is over."
            )
            % {"end": period.end.isoformat()}
        ]
    candidates = spec.candidates(program)
    if reporters is None:
        chosen = list(candidates.order_by("pk"))
    else:
        allowed = set(
            candidates.filter(pk__in=[r.pk for r in reporters]).values_list("pk", flat=True)
        )
        outside = [str(r) for r in reporters if r.pk not in allowed]
        if outside:
            errors["reporters"] = [
                _("Not among those who report %(kind)s in %(county)s: %(names)s.")
                % {"kind": spec.label, "county": program.county, "names": "、".join(outside)}
            ]
        chosen = list({r.pk: r for r in reporters}.values())
    if not chosen and "reporters" not in errors:
        errors["reporters"] = [
            _("Nobody would report in this round: %(kind)s has no reporters in %(county)s.")
            % {"kind": spec.label, "county": program.county}
        ]
    if errors:
        raise ValidationError(errors)
    round_ = object_save(
        user=user,
        instance=Round(
            program=program,
            kind=kind,
            period=period.value,
            period_start=period.start,
            period_end=period.end,
            deadline=deadline,
            opened_by=user,
        ),
    )
    field = "village" if spec.reporter == VILLAGE else "organization"
    bulk_create_logged(RoundReporter, [RoundReporter(round=round_, **{field: r}) for r in chosen])
    return round_


@service
def round_close(*, user, round_: Round) -> Round:
    """Close a round (a programme admin of its county). Refused: anyone else who may see it,
    with a message (NotFound for those who may not), and a round already closed."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not visible_to(user, Round).filter(pk=round_.pk).exists():
        raise NotFound()
    if not editable_by(user, Round).filter(pk=round_.pk).exists():
        raise ValidationError(
            _("Only a programme admin of %(county)s may close this round.")
            % {"county": round_.program.county}
        )
    if not round_.is_open:
        raise ValidationError(_("This round is already closed."))
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.closed_by = user
    round_.full_clean()
    round_.save(update_fields=["status", "closed_at", "closed_by", "last_updated"])
    return round_


@service
def round_declare(*, user, round_: Round, note: str = "") -> RoundReporter:
    """The reporter declares it has nothing to report this period. Refused: anyone who is
    not one of the round's reporters (NotFound when they may not see the round), a closed
    round, and a reporter that has already reported or declared."""
    if not visible_to(user, Round).filter(pk=round_.pk).exists():
        raise NotFound()
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    mine = own_reporter(user, round_)
    if mine is None or not editable_by(user, RoundReporter).filter(pk=mine.pk).exists():
        raise ValidationError(
            _("Only a reporter of this round may declare that it has nothing to report.")
        )
    if not round_.is_open:
        raise ValidationError(_("This round is closed."))
    if mine.status == "reported":
        raise ValidationError(_("%(who)s has already reported for this round.") % {"who": mine})
    if mine.declared_at is not None:
        raise ValidationError(_("%(who)s has already declared nothing to report.") % {"who": mine})
    reporter = RoundReporter.objects.get(pk=mine.pk)
    reporter.declared_at = timezone.now()
    reporter.declared_by = user
    reporter.note = (note or "").strip()[:300]
    reporter.full_clean()
    reporter.save(update_fields=["declared_at", "declared_by", "note", "last_updated"])
    round_settle(user=user, round_=round_)
    return reporter


@service
def round_settle(*, user, round_: Round) -> Round:
    """Close an open round once every reporter has reported or declared (closed_by stays
    empty: it closed by itself). Runs after a declaration and when a round is read."""
    if not round_.is_open:
        return round_
    counts = counts_of(None, [round_], everyone=True)[round_.pk]
    if not is_complete(counts):
        return round_
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.is_open:
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.full_clean()
        # The round closes itself: the change log names no reader (a leader may be the one
        # who opened the page), only the request it happened in.
        with acting_as(username=AUTO_CLOSE, request_id=current_actor().request_id or None):
            round_.save(update_fields=["status", "closed_at", "last_updated"])
    return round_
