"""URLs of the workshops-and-jobs pages (the standard ones from the resources)."""

from django.urls import path

from tianmu.employment import views, views_people
from tianmu.employment.resources import PEOPLE, PLACEMENTS, POSITIONS, WORKSHOPS

app_name = "employment"
urlpatterns = [
    *WORKSHOPS.urls(
        detail=views.WorkshopDetailView, history=views.WorkshopHistoryView, without=("delete",)
    ),
    *POSITIONS.urls(detail=views.PositionDetailView, without=("delete",)),
    *PEOPLE.urls(list=views.PersonListView, detail=views.PersonDetailView, without=("delete",)),
    path("people/search/", views_people.PersonIdSearchView.as_view(), name="person_search"),
    path("reveals/", views_people.AccessLogView.as_view(), name="access_log"),
    path("people/<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    *PLACEMENTS.urls(
        detail=views.PlacementDetailView, history=views.PlacementHistoryView, without=("delete",)
    ),
    path(
        "placements/<int:pk>/<str:action>/",
        views.PlacementActionView.as_view(),
        name="placement_action",
    ),
]
