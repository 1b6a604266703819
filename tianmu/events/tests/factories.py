import datetime

import factory

from tianmu.events.models import Event


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = "folk_custom"
    title = factory.Sequence(lambda n: f"打麻糍活动{n}")
    date = datetime.date(2024, 6, 1)
    villagers_served = 50

    @factory.post_generation
    def organizations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organizations.set(extracted)
