"""The django-ninja root: mounts each app's `api.py` router under /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Tianmu API",
    version="1",
    description="Enterprise–village common-prosperity alliances (天目共富联盟).",
    urls_namespace="api",
)
