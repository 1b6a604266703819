"""Writes for workshops, positions, people, placements and earnings, and the logged, rate-limited
uses of personal data (reveal, exact ID-number search). Each runs in one transaction; a refused
write changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tianmu.accounts.choices import Role
from tianmu.core.context import current_actor
from tianmu.core.crypto import keyed_hash
from tianmu.core.scoping import scope_for, visible_to
from tianmu.core.services import NotFound, ensure_editable, object_save, service
from tianmu.core.workflow import ensure_period_open, ensure_record_writable
from tianmu.employment.choices import PersonalField
from tianmu.employment.models import (
    MonthlyEarning,
    Person,
    PersonalDataAccess,
    Placement,
    Position,
    Workshop,
    normalize_id_number,
    validate_id_number,
)


@service
def workshop_save(*, user, workshop: Workshop, villages=None) -> Workshop:
    m2m = {"villages": villages} if villages is not None else None
    return object_save(user=user, instance=workshop, m2m=m2m)


@service
def position_save(*, user, position: Position) -> Position:
    ensure_editable(user, position.workshop)
    return object_save(user=user, instance=position)


@service(atomic=False)
def person_save(*, user, person: Person) -> Person:
    """Register or change a person. Not one transaction: a refused duplicate is logged (and
    counted against the user's searches) in its own, which the refusal must not roll back;
    the save itself is `object_save`'s transaction."""
    refuse_duplicate_id_number(user=user, person=person)
    return object_save(user=user, instance=person)


@service(atomic=False)
def refuse_duplicate_id_number(*, user, person: Person) -> None:
    """Refuse a number another person already has, saying only what the user may know.

    Someone the user can see is named (they can find that person anyway). Someone outside
    their scope is not: the answer is a generic refusal that does not say where — or that —
    the number is registered, and the attempt is logged (and counted with the user's ID-number
    searches), so probing numbers this way is as visible and as bounded as searching them.
    """
    digest = keyed_hash(normalize_id_number(person.id_number))
    if not digest:
        return
    other = Person.objects.filter(id_number_hash=digest).exclude(pk=person.pk)
    other = other.select_related("village__area").first()
    if other is None:
        return
    if visible_to(user, Person).filter(pk=other.pk).exists():
        raise ValidationError(
            {
                "id_number": _(
                    "A person with this ID number is already registered: %(name)s (%(village)s)."
                )
                % {"name": other.name, "village": other.village}
            }
        )
    with transaction.atomic():
        _log_access(user, action=PersonalDataAccess.Action.DUPLICATE, field=PersonalField.ID_NUMBER)
    raise ValidationError(
        {
            "id_number": _(
                "This ID number cannot be registered here. If it is right, ask your "
                "programme admin."
            )
        }
    )


@service
def placement_report(*, user, placement: Placement) -> Placement:
    """Report a new placement as the side the user acts for; the other side confirms it."""
    if not visible_to(user, Person).filter(pk=placement.person_id).exists():
        raise NotFound()
    if not visible_to(user, Position).filter(pk=placement.position_id).exists():
        raise NotFound()
    # Lock the person so two reports of the same job cannot both pass the overlap check.
    Person.objects.select_for_update().filter(pk=placement.person_id).first()
    side = placement.side_of(user)
    if side is None:
        raise ValidationError(
            _("Only the enterprise running the workshop or the person's village can report.")
        )
    placement.reported_side = side
    placement.reported_by = user if getattr(user, "pk", None) else None
    ensure_period_open(date=placement.start, area=placement.workflow_area())
    return object_save(user=user, instance=placement)


@service
def placement_update(*, user, placement: Placement) -> Placement:
    """Change an unconfirmed placement (a confirmed one takes a correction instead)."""
    ensure_editable(user, placement)
    stored = Placement.objects.select_for_update().get(pk=placement.pk)
    ensure_record_writable(stored)
    ensure_period_open(date=placement.start, area=placement.workflow_area())
    return object_save(user=user, instance=placement)


@service
def earning_record(
    *, user, placement: Placement, month: datetime.date, amount_yuan: Decimal
) -> MonthlyEarning:
    """Record (or correct, while the month is open) what a placement paid in one month."""
    ensure_editable(user, placement)
    month = month.replace(day=1)
    ensure_period_open(date=month, area=placement.workflow_area())
    earning = (
        MonthlyEarning.objects.select_for_update().filter(placement=placement, month=month).first()
    ) or MonthlyEarning(placement=placement, month=month)
    earning.amount_yuan = amount_yuan
    return object_save(user=user, instance=earning)


def may_reveal(user, person: Person) -> bool:
    """Programme admins of the person's county and the cadre of the person's own village."""
    scope = scope_for(user)
    if scope.is_all:
        return True
    if not scope.is_area:
        return False
    area = person.village.area
    if scope.role == Role.ADMIN:
        return scope.area.pk == area.pk or scope.area.pk in area.ancestor_ids()
    return scope.role == Role.VILLAGE and scope.area.pk == area.pk


def may_export_revealed(user) -> bool:
    """Whether `user` may export full personal data: programme admins (and superusers)."""
    scope = scope_for(user)
    return scope.is_all or (scope.is_area and scope.role == Role.ADMIN)


@service
def log_export_reveals(*, user, people: list[Person]) -> None:
    """Log an export's reveal of each person's ID number and phone (one row per field)."""
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(
                user=user,
                user_name=user.get_username(),
                request_id=current_actor().request_id,
                action=PersonalDataAccess.Action.EXPORT,
                person=person,
                field=field,
            )
            for person in people
            for field in (PersonalField.ID_NUMBER, PersonalField.PHONE)
        ]
    )


@service
def person_reveal(*, user, person: Person, field: str) -> str:
    """The full value of a personal-data field, for a user allowed to see it; logged."""
    if field not in PersonalField.values:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    with transaction.atomic():
        person = visible_to(user, Person).select_related("village__area").filter(pk=person.pk)
        person = person.first()
        if person is None:
            raise NotFound()
        if not may_reveal(user, person):
            raise PermissionDenied(
                _(
                    "Only programme admins and the person's village cadre can see full "
                    "personal data."
                )
            )
        ensure_within_limit(
            user=user,
            actions=[PersonalDataAccess.Action.REVEAL],
            per_hour=settings.TIANMU_REVEALS_PER_HOUR,
        )
        _log_access(user, action=PersonalDataAccess.Action.REVEAL, field=field, person=person)
        return getattr(person, field)


# --- Exact ID-number search and the limits on personal data -------------------------------------


class RateLimited(Exception):
    """Too many uses of personal data in the last hour (answered 429, nothing shown)."""


def _log_access(user, *, action: str, field: str, person: Person | None = None):
    return PersonalDataAccess.objects.create(
        user=user,
        user_name=user.get_username(),
        request_id=current_actor().request_id,
        action=action,
        person=person,
        field=field,
    )


def ensure_within_limit(*, user, actions: list[str], per_hour: int) -> None:
    """Refuse when the user already made `per_hour` of these accesses in the last hour.

    The access log itself is the counter: it is shared by every server process (the default
    cache is per process, so four gunicorn workers would allow four times the limit), it
    survives restarts, and what is counted is exactly what admins read. The user's row is
    locked first so two parallel requests cannot both take the last slot (PostgreSQL; SQLite
    serialises writers anyway). Call inside a transaction.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    since = timezone.now() - datetime.timedelta(hours=1)
    used = PersonalDataAccess.objects.filter(user=user, action__in=actions, time__gte=since)
    if used.count() >= per_hour:
        raise RateLimited(
            _(
                "You have reached the limit of %(count)d per hour for this; try again later "
                "or ask your programme admin."
            )
            % {"count": per_hour}
        )


def may_search_id_number(user) -> bool:
    """The roles that may reveal may search by full ID number: superusers, programme admins
    and village cadres (each only among the people they may reveal)."""
    scope = scope_for(user)
    return scope.is_all or (scope.is_area and scope.role in (Role.ADMIN, Role.VILLAGE))


@service(atomic=False)
def person_search_id_number(*, user, id_number: str) -> list[Person]:
    """The person (at most one) with this full ID number among those the user may reveal.

    Exact match through the keyed hash (the number is never compared in clear or sent in a
    URL); every search is logged, found or not, and counted against the user's hourly limit.
    """
    number = normalize_id_number(id_number)
    try:
        validate_id_number(number)
    except ValidationError as exc:
        raise ValidationError({"id_number": exc.messages}) from exc
    if not may_search_id_number(user):
        raise PermissionDenied(
            _("Only programme admins and village cadres can search by full ID number.")
        )
    with transaction.atomic():
        ensure_within_limit(
            user=user,
            actions=[PersonalDataAccess.Action.SEARCH, PersonalDataAccess.Action.DUPLICATE],
            per_hour=settings.TIANMU_ID_SEARCHES_PER_HOUR,
        )
        candidates = visible_to(user, Person).select_related("village__area")
        found = [
            p for p in candidates.filter(id_number_hash=keyed_hash(number)) if may_reveal(user, p)
        ]
        _log_access(
            user,
            action=PersonalDataAccess.Action.SEARCH,
            field=PersonalField.ID_NUMBER,
            person=found[0] if found else None,
        )
    return found
