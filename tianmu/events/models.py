"""Village–enterprise events (村企互动活动): folk customs, festivals, free clinics, lectures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tianmu.core.models import ChangeLoggedModel
from tianmu.core.uploads import validate_photo
from tianmu.events.choices import EventKind


class Event(ChangeLoggedModel):
    """One event an alliance's organisations hold with a village."""

    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"), db_index=True)
    village = models.ForeignKey(
        "registry.Village",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    alliance = models.ForeignKey(
        "alliances.Alliance",
        verbose_name=_("alliance"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    organizations = models.ManyToManyField(
        "registry.Organization",
        verbose_name=_("participating organisations"),
        blank=True,
        related_name="events",
    )
    villagers_served = models.PositiveIntegerField(_("villagers served"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        # The list's order (docs/deploy.md#indexes): a page is read off the index.
        indexes = [
            models.Index(fields=["-date", "-id"], name="events_event_list_idx"),
            # The list's other sortable columns.
            models.Index(fields=["title", "id"], name="events_event_title_idx"),
            models.Index(fields=["villagers_served", "id"], name="events_event_served_idx"),
        ]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        if self.alliance_id and self.village_id and self.date:
            paired = self.alliance.pairings.filter(village=self.village_id).exists()
            if not paired:
                raise ValidationError(
                    {
                        "alliance": _("“%(alliance)s” has never been paired with %(village)s.")
                        % {"alliance": self.alliance, "village": self.village}
                    }
                )

    def workflow_date(self):
        return self.date

    def workflow_area(self):
        return self.village.area if self.village_id else None


class EventPhoto(ChangeLoggedModel):
    """A photo of an event (JPEG, PNG or WebP, up to 8 MB)."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(
        _("photo"),
        upload_to="events/%Y/%m/",
        validators=[validate_photo],
    )
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")

    def __str__(self) -> str:
        return self.caption or self.image.name
