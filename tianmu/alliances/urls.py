"""URLs of the programme, alliance and pairing pages (from their resources)."""

from django.urls import path

from tianmu.alliances import views
from tianmu.alliances.resources import ALLIANCES, PAIRINGS, PROGRAMS

app_name = "alliances"

urlpatterns = [
    *PROGRAMS.urls(list=views.ProgramListView, detail=views.ProgramDetailView),
    *ALLIANCES.urls(
        list=views.AllianceListView,
        detail=views.AllianceDetailView,
        history=views.AllianceHistoryView,
    ),
    path("<int:pk>/rules/", views.AllianceRulesView.as_view(), name="alliance_rules"),
    path("<int:pk>/members/add/", views.MemberAddView.as_view(), name="alliancemember_add"),
    path("<int:pk>/pair/", views.PairView.as_view(), name="alliance_pair"),
    # Memberships and pairings are ended, never deleted.
    path("members/<int:pk>/end/", views.MemberEndView.as_view(), name="alliancemember_end"),
    *PAIRINGS.urls(
        detail=views.PairingDetailView, edit=views.PairingAddView, without=("edit", "delete")
    ),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing_end"),
]
