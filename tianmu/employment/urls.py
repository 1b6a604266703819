"""URLs of the workshops-and-jobs pages."""

from django.urls import path

from tianmu.employment import views, views_people

app_name = "employment"
urlpatterns = [
    path("workshops/", views.WorkshopListView.as_view(), name="workshop_list"),
    path("workshops/add/", views.WorkshopEditView.as_view(), name="workshop_add"),
    path("workshops/<int:pk>/", views.WorkshopDetailView.as_view(), name="workshop_detail"),
    path("workshops/<int:pk>/edit/", views.WorkshopEditView.as_view(), name="workshop_edit"),
    path(
        "workshops/<int:pk>/history/", views.WorkshopHistoryView.as_view(), name="workshop_history"
    ),
    path("positions/", views.PositionListView.as_view(), name="position_list"),
    path("positions/add/", views.PositionEditView.as_view(), name="position_add"),
    path("positions/<int:pk>/", views.PositionDetailView.as_view(), name="position_detail"),
    path("positions/<int:pk>/edit/", views.PositionEditView.as_view(), name="position_edit"),
    path(
        "positions/<int:pk>/history/", views.PositionHistoryView.as_view(), name="position_history"
    ),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/add/", views.PersonEditView.as_view(), name="person_add"),
    path("people/search/", views_people.PersonIdSearchView.as_view(), name="person_search"),
    path("reveals/", views_people.AccessLogView.as_view(), name="access_log"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    path("people/<int:pk>/history/", views.PersonHistoryView.as_view(), name="person_history"),
    path("placements/", views.PlacementListView.as_view(), name="placement_list"),
    path("placements/add/", views.PlacementEditView.as_view(), name="placement_add"),
    path("placements/<int:pk>/", views.PlacementDetailView.as_view(), name="placement_detail"),
    path("placements/<int:pk>/edit/", views.PlacementEditView.as_view(), name="placement_edit"),
    path(
        "placements/<int:pk>/history/",
        views.PlacementHistoryView.as_view(),
        name="placement_history",
    ),
    path(
        "placements/<int:pk>/<str:action>/",
        views.PlacementActionView.as_view(),
        name="placement_action",
    ),
]
