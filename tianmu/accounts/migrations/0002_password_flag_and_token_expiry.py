"""Users: the forced password change flag. API tokens: a name, an expiry, revocation.

Tokens issued before this migration get the name "API token" and expire 90 days from now.
"""

import datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _in_90_days():
    return django.utils.timezone.now() + datetime.timedelta(days=90)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(
                default=False,
                help_text="Set when someone else chose the password (tianmu adduser, an admin's reset): until the user picks their own, they can only reach the password change page.",
                verbose_name="must change password",
            ),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={
                "ordering": ["-created", "-id"],
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
            },
        ),
        migrations.AddField(
            model_name="apitoken",
            name="name",
            field=models.CharField(
                default="API token",
                help_text="What the token is for, e.g. “monthly export”.",
                max_length=100,
                verbose_name="name",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(default=_in_90_days, verbose_name="expires"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_used",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last used"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="last_updated",
            field=models.DateTimeField(auto_now=True, verbose_name="last updated"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AddIndex(
            model_name="apitoken",
            index=models.Index(fields=["prefix"], name="accounts_ap_prefix_2e1ea1_idx"),
        ),
    ]
