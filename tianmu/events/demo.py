"""Demo: the 32 village–enterprise events the article counts (“共开展32次村企互动活动”).

The kinds are the article's (打麻糍, 包粽子, 重阳节, 中秋节, 义诊, 专家授课); which village held
which event, on which day and for how many villagers is invented.
"""

from __future__ import annotations

import datetime
import random

from tianmu.alliances.choices import MemberRole
from tianmu.core.demo import DemoContext, register_demo_step
from tianmu.events.choices import EventKind
from tianmu.events.models import Event

EVENTS = 32
# (kind, title, month, day): fixed dates for the festivals, seasons for the rest.
TEMPLATES = [
    (EventKind.FOLK_CUSTOM, "打麻糍", 1, 20),
    (EventKind.FOLK_CUSTOM, "包粽子", 6, 10),
    (EventKind.FESTIVAL, "重阳节敬老活动", 10, 11),
    (EventKind.FESTIVAL, "中秋节联谊会", 9, 17),
    (EventKind.FREE_CLINIC, "义诊进村", 4, 15),
    (EventKind.LECTURE, "专家授课：特色种植", 3, 8),
    (EventKind.TRAINING, "电商直播培训", 5, 18),
    (EventKind.FREE_CLINIC, "重阳节义诊", 10, 12),
]


@register_demo_step(350, "events.events")
def build_events(ctx: DemoContext) -> None:
    rng = random.Random(32)  # noqa: S311  (seeded demo data)
    towns = list(ctx.refs["alliances"])
    first = ctx.refs["activity_start"].year  # the demo's records begin last year
    years = max(ctx.today.year - first + 1, 1)
    for n in range(EVENTS):
        kind, title, month, day = TEMPLATES[n % len(TEMPLATES)]
        date = datetime.date(first + (n // len(TEMPLATES)) % years, month, day)
        if date > ctx.today:  # this year's date has not come yet: the year before
            date = date.replace(year=date.year - 1)
        town = towns[n % len(towns)]
        alliance = ctx.refs["alliances"][town]
        village = ctx.refs["paired_villages"][town]
        cores = list(
            alliance.members.filter(role=MemberRole.CORE).values_list("organization", flat=True)
        )
        ctx.ensure(
            Event,
            {"title": title, "village": village, "date": date},
            kind=kind,
            alliance=alliance,
            villagers_served=rng.randint(30, 220),
            description=f"{alliance.name}与{village.name}联合开展{title}活动。",
            m2m={"organizations": rng.sample(cores, 2)},
        )
