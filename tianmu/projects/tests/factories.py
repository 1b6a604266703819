import datetime

import factory

from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"共富项目{n}")
    kind = "business"
    category = "planting"
    status = "operating"
    start = datetime.date(2024, 1, 1)


class ProjectVillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectVillage

    supplies = "蔬菜"


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectUpdate

    date = datetime.date(2024, 5, 1)
    title = factory.Sequence(lambda n: f"进展{n}")
