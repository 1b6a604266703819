"""Organisations get the area that registered them (ADR 0002), filled from the records:
the county of the home town; for an organisation without one, the county of the programmes it
serves in, else the county of the villages its alliances pair with, else the county it serves
(service area). An organisation with none of these stays unowned: only superusers see it."""

import django.db.models.deletion
from django.db import migrations, models


def fill_registered_area(apps, schema_editor):
    Area = apps.get_model("registry", "Area")
    Organization = apps.get_model("registry", "Organization")
    AllianceMember = apps.get_model("alliances", "AllianceMember")
    Pairing = apps.get_model("alliances", "Pairing")
    areas = {a.pk: a for a in Area.objects.all()}

    def county_of(area_id):
        area = areas.get(area_id)
        chain = [int(i) for i in area.path.strip("/").split("/") if i] + [area.pk] if area else []
        for pk in reversed(chain):
            if areas[pk].level == "county":
                return pk
        return None

    for org in Organization.objects.filter(registered_area__isnull=True).order_by("pk"):
        candidates = []
        if org.home_town_id:
            candidates.append(org.home_town_id)
        memberships = AllianceMember.objects.filter(organization=org).order_by("start", "pk")
        candidates += [m.alliance.program.county_id for m in memberships]
        alliances = memberships.values_list("alliance_id", flat=True)
        pairings = Pairing.objects.filter(alliance__in=alliances).order_by("start", "pk")
        candidates += [p.village.area_id for p in pairings]
        candidates += list(org.service_area.order_by("pk").values_list("pk", flat=True))
        for area_id in candidates:
            county = county_of(area_id)
            if county is not None:
                Organization.objects.filter(pk=org.pk).update(registered_area_id=county)
                break


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("alliances", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="registered_area",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                help_text="The area whose staff registered the organisation; they keep its record.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.area",
                verbose_name="registered by",
            ),
        ),
        migrations.RunPython(fill_registered_area, migrations.RunPython.noop),
    ]
