"""The django-ninja root: mounts each app's `api.py` router under /api/v1/ (docs/api.md)."""

from ninja import NinjaAPI, Swagger

from tianmu.accounts.auth import api_auth, docs_access
from tianmu.alliances.api import router as alliances_router
from tianmu.commerce.api import router as commerce_router
from tianmu.core.api import register_error_handlers
from tianmu.core.api_changes import router as changes_router
from tianmu.dashboard.api import router as dashboard_router
from tianmu.dashboard.contributions_api import router as contributions_router
from tianmu.employment.api import router as employment_router
from tianmu.employment.api_people import router as employment_people_router
from tianmu.events.api import router as events_router
from tianmu.loans.api import router as loans_router
from tianmu.projects.api import router as projects_router
from tianmu.registry.api import router as registry_router

api = NinjaAPI(
    title="Tianmu API",
    version="1",
    description="Enterprise–village common-prosperity alliances (天目共富联盟). See docs/api.md.",
    urls_namespace="api",
    auth=api_auth,
    # Swagger UI from django-ninja's own static files ("ninja" is an installed app), never a
    # CDN; in production only for signed-in users or a valid bearer token.
    docs=Swagger(),
    docs_decorator=docs_access,
)
register_error_handlers(api)
api.add_router("/", registry_router)
api.add_router("/", alliances_router)
api.add_router("/", dashboard_router)
api.add_router("/", contributions_router)
api.add_router("/", projects_router)
api.add_router("/", commerce_router)
api.add_router("/", employment_people_router)  # before /people/{id}: /people/search
api.add_router("/", employment_router)
api.add_router("/", loans_router)
api.add_router("/", events_router)
api.add_router("/", "tianmu.impact.api.router")
api.add_router("/", "tianmu.assessment.api.router")
api.add_router("/", "tianmu.matching.api.router")
api.add_router("/", changes_router)
api.add_router("/", "tianmu.core.api_periodlocks.router")
api.add_router("/", "tianmu.exchange.api.router")
api.add_router("/", "tianmu.reports.api.router")
api.add_router("/", "tianmu.rounds.api.router")
api.add_router("/", "tianmu.inbox.api.router")
