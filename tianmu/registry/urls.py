"""URLs of the registry pages: areas, villages and organisations."""

from django.urls import path

from tianmu.registry import views

app_name = "registry"


def crud(prefix: str, model: str, list_v, detail_v, edit_v, delete_v, history_v) -> list:
    """The five standard pages of a model, named `<model>_<action>` (NetBox-style)."""
    return [
        path(f"{prefix}/", list_v.as_view(), name=f"{model}_list"),
        path(f"{prefix}/add/", edit_v.as_view(), name=f"{model}_add"),
        path(f"{prefix}/<int:pk>/", detail_v.as_view(), name=f"{model}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_v.as_view(), name=f"{model}_edit"),
        path(f"{prefix}/<int:pk>/delete/", delete_v.as_view(), name=f"{model}_delete"),
        path(f"{prefix}/<int:pk>/history/", history_v.as_view(), name=f"{model}_history"),
    ]


urlpatterns = [
    *crud(
        "areas",
        "area",
        views.AreaListView,
        views.AreaDetailView,
        views.AreaEditView,
        views.AreaDeleteView,
        views.AreaHistoryView,
    ),
    *crud(
        "villages",
        "village",
        views.VillageListView,
        views.VillageDetailView,
        views.VillageEditView,
        views.VillageDeleteView,
        views.VillageHistoryView,
    ),
    path(
        "villages/<int:pk>/incomes/add/",
        views.VillageIncomeAddView.as_view(),
        name="villageincome_add",
    ),
    *crud(
        "organizations",
        "organization",
        views.OrganizationListView,
        views.OrganizationDetailView,
        views.OrganizationEditView,
        views.OrganizationDeleteView,
        views.OrganizationHistoryView,
    ),
    path(
        "organizations/<int:pk>/members/add/",
        views.ChamberMemberAddView.as_view(),
        name="chambermembership_add",
    ),
]
