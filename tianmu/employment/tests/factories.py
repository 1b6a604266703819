"""Factories for workshops and jobs. ID numbers are generated with a valid check digit."""

import datetime
from decimal import Decimal

import factory
from stdnum.cn import ric

from tianmu.employment.models import MonthlyEarning, Person, Placement, Position, Workshop


def make_id_number(n: int, *, born: str = "19800101", area: str = "330124") -> str:
    """A resident ID number that passes the GB 11643 check (sequence 3 digits from n)."""
    body = f"{area}{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")  # it ignores the last character


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"共富工坊{n}")
    kind = "outsourced"
    status = "active"

    @factory.post_generation
    def villages(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.villages.set(extracted)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    title = factory.Sequence(lambda n: f"岗位{n}")
    headcount = 10
    pay_basis = "piece"
    employment_type = "fixed"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"村民{n}")
    household = factory.Sequence(lambda n: f"户{n}")


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    start = datetime.date(2024, 1, 1)
    reported_side = "enterprise"
    confirmation = "confirmed"


class MonthlyEarningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonthlyEarning

    month = datetime.date(2024, 1, 1)
    amount_yuan = Decimal("3000.00")
