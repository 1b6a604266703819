"""Tianmu: enterprise–village common-prosperity alliances (天目共富联盟)."""

from tianmu.celery import app as celery_app

__all__ = ["celery_app"]
