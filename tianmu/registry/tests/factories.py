"""Factories for registry objects. Credit codes are generated with a valid check character."""

import factory
from stdnum.cn import uscc

from tianmu.registry.models import Area, ChamberMembership, Organization, Village

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def make_uscc(n: int) -> str:
    """A syntactically valid 统一社会信用代码 (GB 32100), distinct for each n."""
    body = f"91330112{n:09d}"  # 9: enterprise, 1: company, 330112: Lin'an, then an org code
    return body + uscc.calc_check_digit(body)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"区域{n}")
    level = "province"
    code = None


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    population = 1200
    households = 400
    low_income_households = 20


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = "enterprise"
    name = factory.Sequence(lambda n: f"示例企业{n}有限公司")
    credit_code = factory.Sequence(lambda n: make_uscc(n + 1))
    industry = "制造业"
    employees = 200
    fic_executive = True
    fic_position = "executive"
    # Registered by its home town's county, as the data migration and a superuser's create do.
    registered_area = factory.LazyAttribute(
        lambda o: (
            Area.objects.filter(pk__in=o.home_town.ancestor_ids(), level="county").first()
            if o.home_town
            else None
        )
    )


class ChamberMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChamberMembership
