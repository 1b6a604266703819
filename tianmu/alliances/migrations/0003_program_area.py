"""A programme's area may be a county, a city or the province: `Program.county` becomes
`Program.area` (the same column, renamed; every existing programme keeps its county)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0002_date_range_constraints"),
        ("registry", "0003_villageincome_operating_yuan"),
    ]

    operations = [
        migrations.RenameField(model_name="program", old_name="county", new_name="area"),
        migrations.AlterField(
            model_name="program",
            name="area",
            field=models.ForeignKey(
                help_text="A county, a city or the province: the programme pairs villages inside it.",
                limit_choices_to={"level__in": ("province", "city", "county")},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="programs",
                to="registry.area",
                verbose_name="area",
            ),
        ),
    ]
