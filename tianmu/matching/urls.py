"""URLs of the matching pages: the runs, "Propose alliances", a run's result and acceptance."""

from django.urls import path

from tianmu.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.MatchingRunListView.as_view(), name="matchingrun_list"),
    path("propose/", views.MatchingRunAddView.as_view(), name="matchingrun_add"),
    path("<int:pk>/", views.MatchingRunDetailView.as_view(), name="matchingrun_detail"),
    path("<int:pk>/status/", views.MatchingRunStatusView.as_view(), name="matchingrun_status"),
    path("<int:pk>/accept/", views.MatchingRunAcceptView.as_view(), name="matchingrun_accept"),
    path("<int:pk>/rerun/", views.MatchingRunRerunView.as_view(), name="matchingrun_rerun"),
    path("<int:pk>/history/", views.MatchingRunHistoryView.as_view(), name="matchingrun_history"),
]
