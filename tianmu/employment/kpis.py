"""Figures for the home page and /api/v1/kpis: people in jobs.

Both are *stocks*: distinct people with a counted (confirmed, not superseded) placement active
at any time in [from, to] — today when no date is given — in the requested area (the person's
village). A person counts once however many placements they hold: the figure is the length of
the people list `?employed=true` (`&low_income=true`), through the person FilterSet.
"""

from __future__ import annotations

from tianmu.core.kpis import register_list_kpi
from tianmu.employment.resources import PEOPLE

register_list_kpi(
    "rural_jobs",
    link="employment:person_list",
    resource=PEOPLE,
    params={"employed": "true"},
)
register_list_kpi(
    "low_income_jobs",
    link="employment:person_list",
    resource=PEOPLE,
    params={"employed": "true", "low_income": "true"},
)
