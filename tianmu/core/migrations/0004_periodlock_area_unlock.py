"""A period lock's area may be a county or a town (`county` renamed `area`; existing locks
keep their county), and a lock is lifted with a reason instead of deleted."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_objectchange_append_only"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="periodlock", name="period_lock_once"),
        migrations.RenameField(model_name="periodlock", old_name="county", new_name="area"),
        migrations.AlterField(
            model_name="periodlock",
            name="area",
            field=models.ForeignKey(
                help_text="A county or a town; a town's lock covers its villages.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="period_locks",
                to="registry.area",
                verbose_name="area",
            ),
        ),
        migrations.AddField(
            model_name="periodlock",
            name="locked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="locked by",
            ),
        ),
        migrations.AddField(
            model_name="periodlock",
            name="unlocked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="unlocked at"),
        ),
        migrations.AddField(
            model_name="periodlock",
            name="unlocked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="unlocked by",
            ),
        ),
        migrations.AddField(
            model_name="periodlock",
            name="unlock_reason",
            field=models.CharField(blank=True, max_length=300, verbose_name="unlock reason"),
        ),
        migrations.AlterModelOptions(
            name="periodlock",
            options={
                "ordering": ["-month", "pk"],
                "verbose_name": "period lock",
                "verbose_name_plural": "period locks",
            },
        ),
        migrations.AddConstraint(
            model_name="periodlock",
            constraint=models.UniqueConstraint(
                condition=models.Q(unlocked_at__isnull=True),
                fields=("area", "month"),
                name="period_lock_once",
            ),
        ),
    ]
