"""Root URLs: the pages of each app, the API under /api/v1/, the admin and i18n."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from tianmu.api import api

urlpatterns = [
    path("", include("tianmu.dashboard.urls")),
    path("accounts/", include("tianmu.accounts.urls")),
    path("registry/", include("tianmu.registry.urls")),
    path("alliances/", include("tianmu.alliances.urls")),
    path("projects/", include("tianmu.projects.urls")),
    path("commerce/", include("tianmu.commerce.urls")),
    path("employment/", include("tianmu.employment.urls")),
    path("loans/", include("tianmu.loans.urls")),
    path("events/", include("tianmu.events.urls")),
    path("assessment/", include("tianmu.assessment.urls")),
    path("matching/", include("tianmu.matching.urls")),
    path("impact/", include("tianmu.impact.urls")),
    path("changes/", include("tianmu.core.urls_changes")),
    path("period-locks/", include("tianmu.core.urls_periodlocks")),
    path("forms/", include("tianmu.core.urls_forms")),
    path("exchange/", include("tianmu.exchange.urls")),
    path("reports/", include("tianmu.reports.urls")),
    path("rounds/", include("tianmu.rounds.urls")),
    path("inbox/", include("tianmu.inbox.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

# Uploaded photos and documents for the development server; `static()` adds nothing unless
# DEBUG, and in production the web server serves MEDIA_ROOT (docs/deploy.md).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
