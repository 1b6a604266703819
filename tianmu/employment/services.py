"""Writes for workshops, positions, people, placements and earnings, and the logged reveal of
personal data. Each runs in one transaction; a refused write changes nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from tianmu.accounts.choices import Role
from tianmu.core.context import current_actor
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
)


@service
def workshop_save(*, user, workshop: Workshop, villages=None) -> Workshop:
    m2m = {"villages": villages} if villages is not None else None
    return object_save(user=user, instance=workshop, m2m=m2m)


@service
def position_save(*, user, position: Position) -> Position:
    ensure_editable(user, position.workshop)
    return object_save(user=user, instance=position)


@service
def person_save(*, user, person: Person) -> Person:
    return object_save(user=user, instance=person)


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


@service
def person_reveal(*, user, person: Person, field: str) -> str:
    """The full value of a personal-data field, for a user allowed to see it; logged."""
    if field not in PersonalField.values:
        raise ValidationError({"field": _("This field cannot be revealed.")})
    person = visible_to(user, Person).select_related("village__area").filter(pk=person.pk)
    person = person.first()
    if person is None:
        raise NotFound()
    if not may_reveal(user, person):
        raise PermissionDenied(
            _("Only programme admins and the person's village cadre can see full personal data.")
        )
    actor = current_actor()
    PersonalDataAccess.objects.create(
        user=user,
        user_name=user.get_username(),
        request_id=actor.request_id,
        person=person,
        field=field,
    )
    return getattr(person, field)
