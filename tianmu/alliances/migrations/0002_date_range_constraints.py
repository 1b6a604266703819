"""Database backstops for the 5+1+X rules (ADR 0010).

On every database: one open-ended membership of an organisation per alliance and one
open-ended pairing per alliance (partial unique indexes). On PostgreSQL only (btree_gist):
no two memberships of one organisation in one alliance, and no two pairings of one alliance,
whose [start, end] date ranges overlap (exclusion constraints; an empty end is open-ended).
The rules that reach across a programme (a village paired once per programme, an enterprise
core in one alliance of a programme) cannot be written as a constraint on one table; the
services lock the programme row before checking them.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models


def _date_range():
    return models.Func(
        models.F("start"),
        models.F("end"),
        models.Value("[]"),
        function="daterange",
        output_field=DateRangeField(),
    )


def _exclusions():
    return {
        "alliancemember": ExclusionConstraint(
            name="alliance_member_no_overlap",
            expressions=[
                ("alliance", RangeOperators.EQUAL),
                ("organization", RangeOperators.EQUAL),
                (_date_range(), RangeOperators.OVERLAPS),
            ],
        ),
        "pairing": ExclusionConstraint(
            name="pairing_alliance_no_overlap",
            expressions=[
                ("alliance", RangeOperators.EQUAL),
                (_date_range(), RangeOperators.OVERLAPS),
            ],
        ),
    }


def add_exclusions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, constraint in _exclusions().items():
        schema_editor.add_constraint(apps.get_model("alliances", model_name), constraint)


def remove_exclusions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, constraint in _exclusions().items():
        schema_editor.remove_constraint(apps.get_model("alliances", model_name), constraint)


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0001_initial"),
        ("registry", "0002_organization_registered_area"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="alliancemember",
            constraint=models.UniqueConstraint(
                condition=models.Q(("end__isnull", True)),
                fields=("alliance", "organization"),
                name="alliance_member_one_open_term",
                violation_error_message=(
                    "This organisation is already an open-ended member of this alliance."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="pairing",
            constraint=models.UniqueConstraint(
                condition=models.Q(("end__isnull", True)),
                fields=("alliance",),
                name="pairing_one_open_term_per_alliance",
                violation_error_message="This alliance already has an open-ended pairing.",
            ),
        ),
        BtreeGistExtension(),  # a no-op on other databases
        migrations.RunPython(add_exclusions, remove_exclusions),
    ]
