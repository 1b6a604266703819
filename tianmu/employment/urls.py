"""URLs of the workshops-and-jobs pages (the standard ones from the resources)."""

from django.urls import path

from tianmu.employment import views
from tianmu.employment.resources import PEOPLE, PLACEMENTS, POSITIONS, WORKSHOPS

app_name = "employment"
urlpatterns = [
    *WORKSHOPS.urls(
        detail=views.WorkshopDetailView, history=views.WorkshopHistoryView, without=("delete",)
    ),
    *POSITIONS.urls(detail=views.PositionDetailView, without=("delete",)),
    *PEOPLE.urls(detail=views.PersonDetailView, without=("delete",)),
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
