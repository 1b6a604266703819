"""Reading import jobs: each user sees their own."""

from __future__ import annotations

from django.db.models import QuerySet

from tianmu.exchange.models import ImportJob


def jobs_of(user) -> QuerySet[ImportJob]:
    if user is None or not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(user=user).defer("content", "actions")
