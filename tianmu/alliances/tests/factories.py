import datetime

import factory

from tianmu.alliances.models import Alliance, AllianceMember, Pairing, Program


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"共富联盟 {n}")
    start = datetime.date(2020, 1, 1)
    end = datetime.date(2099, 12, 31)


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance

    name = factory.Sequence(lambda n: f"联盟{n}")


class AllianceMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllianceMember

    start = datetime.date(2020, 1, 1)


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    start = datetime.date(2020, 1, 1)
