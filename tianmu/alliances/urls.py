"""URLs of the programme, alliance and pairing pages."""

from django.urls import path

from tianmu.alliances import views

app_name = "alliances"

urlpatterns = [
    # Programmes
    path("programs/", views.ProgramListView.as_view(), name="program_list"),
    path("programs/add/", views.ProgramEditView.as_view(), name="program_add"),
    path("programs/<int:pk>/", views.ProgramDetailView.as_view(), name="program_detail"),
    path("programs/<int:pk>/edit/", views.ProgramEditView.as_view(), name="program_edit"),
    path("programs/<int:pk>/delete/", views.ProgramDeleteView.as_view(), name="program_delete"),
    path("programs/<int:pk>/history/", views.ProgramHistoryView.as_view(), name="program_history"),
    # Alliances
    path("", views.AllianceListView.as_view(), name="alliance_list"),
    path("add/", views.AllianceEditView.as_view(), name="alliance_add"),
    path("<int:pk>/", views.AllianceDetailView.as_view(), name="alliance_detail"),
    path("<int:pk>/edit/", views.AllianceEditView.as_view(), name="alliance_edit"),
    path("<int:pk>/delete/", views.AllianceDeleteView.as_view(), name="alliance_delete"),
    path("<int:pk>/history/", views.AllianceHistoryView.as_view(), name="alliance_history"),
    path("<int:pk>/rules/", views.AllianceRulesView.as_view(), name="alliance_rules"),
    path("<int:pk>/members/add/", views.MemberAddView.as_view(), name="alliancemember_add"),
    path("<int:pk>/pair/", views.PairView.as_view(), name="alliance_pair"),
    # Memberships and pairings are ended, never deleted.
    path("members/<int:pk>/end/", views.MemberEndView.as_view(), name="alliancemember_end"),
    # Pairings
    path("pairings/", views.PairingListView.as_view(), name="pairing_list"),
    path("pairings/add/", views.PairingAddView.as_view(), name="pairing_add"),
    path("pairings/<int:pk>/", views.PairingDetailView.as_view(), name="pairing_detail"),
    path("pairings/<int:pk>/end/", views.PairingEndView.as_view(), name="pairing_end"),
    path("pairings/<int:pk>/history/", views.PairingHistoryView.as_view(), name="pairing_history"),
]
