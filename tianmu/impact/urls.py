"""URLs of the impact pages."""

from django.urls import path

from tianmu.impact import views
from tianmu.impact.resources import INCOME_GROWTH

app_name = "impact"
urlpatterns = [
    path("", views.ImpactView.as_view(), name="impact"),
    path("ledger/", views.LedgerCheckView.as_view(), name="ledger"),
    path("status/", views.StatusView.as_view(), name="status"),
    path("rules/<int:pk>/", views.RulesEditView.as_view(), name="rules"),
    # The list of the figure operating_income_growth_yuan: impact:villageincome_list.
    *INCOME_GROWTH.urls(without=("add", "detail", "edit", "delete", "history")),
]
