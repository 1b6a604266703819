from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """The kinds of village–enterprise event (村企互动活动) the article names."""

    FOLK_CUSTOM = "folk_custom", _("Folk custom (e.g. 打麻糍, 包粽子)")
    FESTIVAL = "festival", _("Festival (e.g. 重阳节, 中秋节)")
    FREE_CLINIC = "free_clinic", _("Free clinic (义诊)")
    LECTURE = "lecture", _("Expert lecture (专家授课)")
    TRAINING = "training", _("Training")
    OTHER = "other", _("Other")
