"""URLs of the registry pages: areas, villages and organisations (from their resources)."""

from django.urls import path

from tianmu.registry import views
from tianmu.registry.resources import AREAS, ORGANIZATIONS, VILLAGES

app_name = "registry"

urlpatterns = [
    *AREAS.urls(detail=views.AreaDetailView),
    *VILLAGES.urls(detail=views.VillageDetailView, history=views.VillageHistoryView),
    path(
        "villages/<int:pk>/incomes/add/",
        views.VillageIncomeAddView.as_view(),
        name="villageincome_add",
    ),
    *ORGANIZATIONS.urls(detail=views.OrganizationDetailView, edit=views.OrganizationEditView),
    path(
        "organizations/<int:pk>/members/add/",
        views.ChamberMemberAddView.as_view(),
        name="chambermembership_add",
    ),
]
