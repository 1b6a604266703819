"""The base every domain model builds on, and the change log that records what happens to it."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from tianmu.core.periods import active_on_q, term_q


def snapshot(instance: models.Model) -> dict:
    """The JSON-safe values of an object's concrete fields (foreign keys as ids).

    Fields named in the model's `changelog_masked` are written as "***": the log must not
    become a second copy of personal data.
    """
    masked = set(getattr(instance, "changelog_masked", ()))
    only = getattr(instance, "changelog_fields", None)
    data = {}
    for field in instance._meta.concrete_fields:
        if only is not None and field.name not in only:
            continue
        if field.name in masked:
            value = "***" if field.value_from_object(instance) else ""
        else:
            value = field.value_from_object(instance)
            if isinstance(value, FieldFile):
                value = value.name or ""  # a file is logged by its stored name
        data[field.attname] = value
    # Round-trip through the encoder so dates, decimals and UUIDs become plain JSON values.
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class ChangeLogged(models.Model):
    """Abstract base: every create/update/delete lands in ObjectChange (decision 0003).

    The values as loaded from the database are kept on the instance, so an update records its
    before-image without a second query. Domain models use `ChangeLoggedModel`; this is for
    models that have their own timestamps (the user).
    """

    changelog_masked: tuple[str, ...] = ()
    changelog_fields: tuple[str, ...] | None = None

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        if len(field_names) == len(cls._meta.concrete_fields):
            instance._loaded_snapshot = snapshot(instance)
        return instance

    def before_image(self) -> dict | None:
        """What the row held before this change, read from the DB if it was loaded partially."""
        if self.pk is None or self._state.adding:
            return None
        loaded = getattr(self, "_loaded_snapshot", None)
        if loaded is not None:
            return loaded
        fresh = type(self)._default_manager.filter(pk=self.pk).first()
        return snapshot(fresh) if fresh is not None else None


class ChangeLoggedModel(ChangeLogged):
    """Abstract base of every domain model: timestamps, and the change log of `ChangeLogged`."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        abstract = True


class ObjectChangeQuerySet(models.QuerySet):
    """The log is append-only: bulk updates and deletes are refused."""

    def update(self, **kwargs):
        raise PermissionError("The change log cannot be edited")

    def delete(self):
        raise PermissionError("The change log cannot be edited")


class ObjectChange(models.Model):
    """One create, update or delete of a domain object: who, when, request id, before/after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["-time", "-id"], name="core_change_list_idx"),
        ]
        verbose_name = _("change")
        verbose_name_plural = _("change log")

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The change log cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The change log cannot be edited")

    def diff(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each field that changed, in a stable order."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        skip = {"last_updated", "created"}
        return [
            (k, before.get(k), after.get(k))
            for k in keys
            if k not in skip and before.get(k) != after.get(k)
        ]


class DateRangeMixin(models.Model):
    """A start date and an optional end date (inclusive); open-ended while end is empty."""

    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end date cannot be before the start date.")})

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        return self.start <= on and (self.end is None or self.end >= on)

    @staticmethod
    def overlapping(start: datetime.date, end: datetime.date | None, prefix: str = "") -> Q:
        """Rows whose [start, end] range meets [start, end] (None = open-ended); `prefix`
        leads through a relation to the ranged model ("pairings__"). The rule is
        `tianmu.core.periods.term_q`."""
        return term_q(start, end, prefix=prefix)

    @staticmethod
    def active_on(on: datetime.date, prefix: str = "") -> Q:
        return active_on_q(on, prefix=prefix)


class FigureCell(models.Model):
    """One maintained figure's records of one village on one day: their count and amount
    (`tianmu.core.facts`). Derived, never edited by hand: `tianmu figures --rebuild` rebuilds
    every cell from the records. Area ids of the village's area and its ancestors let any area
    be read with one indexed filter."""

    key = models.CharField(max_length=60)
    village_id = models.BigIntegerField()
    day = models.DateField()
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    place_id = models.BigIntegerField()
    town_id = models.BigIntegerField(null=True)
    county_id = models.BigIntegerField()
    city_id = models.BigIntegerField(null=True)
    province_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["village_id"], name="core_cell_village_idx"),
            models.Index(fields=["key", "day"], name="core_cell_day_idx"),
            models.Index(fields=["key", "place_id", "day"], name="core_cell_place_idx"),
            models.Index(fields=["key", "town_id", "day"], name="core_cell_town_idx"),
            models.Index(fields=["key", "county_id", "day"], name="core_cell_county_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} village {self.village_id} {self.day}: {self.count}, {self.amount}"


class FigureRollup(models.Model):
    """A maintained figure's cells of one county in one month, summed (moved by each
    refresh by the difference it makes)."""

    key = models.CharField(max_length=60)
    month = models.DateField()
    county_id = models.BigIntegerField()
    city_id = models.BigIntegerField(null=True)
    province_id = models.BigIntegerField(null=True)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "month", "county_id"], name="core_rollup_county_month"
            )
        ]
        indexes = [
            models.Index(fields=["key", "city_id", "month"], name="core_rollup_city_idx"),
            models.Index(fields=["key", "province_id", "month"], name="core_rollup_prov_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} county {self.county_id} {self.month:%Y-%m}: {self.count}, {self.amount}"


class FigureDirty(models.Model):
    """A village whose cells a committed change has made stale (written in the change's own
    transaction; taken away by the refresh that recomputes them)."""

    village_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"village {self.village_id}"
