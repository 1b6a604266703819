"""Demo: the programme's yearly assessment scheme and its published result for the last full
year (docs/demo.md). The last step of the demo, so that it scores every record the others made.

The weights and targets are invented; the values are the demo's records, through the same
breakdown the cockpit shows.
"""

from __future__ import annotations

from django.utils import timezone

from tianmu.accounts.choices import Role
from tianmu.accounts.models import User
from tianmu.assessment.choices import AssessmentStatus
from tianmu.assessment.evaluation import gather
from tianmu.assessment.models import Assessment, AssessmentScheme, default_grades
from tianmu.assessment.results import frozen_results
from tianmu.core.demo import DemoContext, register_demo_step

SCHEME_NAME = "天目共富联盟年度成效评价"
#: (figure, weight, target): purchases and jobs weigh most, as the article's figures do.
PARTS = [
    ("purchase_income_yuan", 30, 500000),
    ("rural_jobs", 25, 300),
    ("low_income_jobs", 15, 60),
    ("loans_disbursed_yuan", 20, 12000000),
    ("events", 10, 3),
]


@register_demo_step(900, "assessment.yearly")
def build_assessment(ctx: DemoContext) -> None:
    """One scheme for the demo programme and its published assessment of the last full year."""
    program = ctx.refs["program"]
    scheme, _ = ctx.ensure(
        AssessmentScheme,
        {"program": program, "name": SCHEME_NAME},
        indicators=[
            {"indicator": key, "weight": weight, "target": target, "rule": "proportional"}
            for key, weight, target in PARTS
        ],
        grades=default_grades(),
        description="成效评价：共富购、就业、低收入农户就业、共富贷和村企互动活动，按目标计分。",
    )
    year = ctx.today.year - 1
    if Assessment.objects.filter(scheme=scheme, year=year).exists():
        return
    # The county's programme admin's view of the records (the demo has no logins yet; an
    # unsaved user with that scope reads what the admin would, and writes nothing).
    reader = User(username="loaddemo", role=Role.ADMIN, scope_area=program.county)
    inputs = gather(user=reader, program=program, year=year, keys=[k for k, _w, _t in PARTS])
    now = timezone.now()
    ctx.ensure(
        Assessment,
        {"scheme": scheme, "year": year, "version": 1},
        status=AssessmentStatus.PUBLISHED,
        made_at=now,
        published_at=now,
        results=frozen_results(scheme, year, inputs),
    )
