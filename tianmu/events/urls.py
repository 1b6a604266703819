"""URLs of the events pages."""

from django.urls import path

from tianmu.events import views

app_name = "events"
urlpatterns = [
    path("", views.EventListView.as_view(), name="event_list"),
    path("add/", views.EventEditView.as_view(), name="event_add"),
    path("<int:pk>/", views.EventDetailView.as_view(), name="event_detail"),
    path("<int:pk>/edit/", views.EventEditView.as_view(), name="event_edit"),
    path("<int:pk>/delete/", views.EventDeleteView.as_view(), name="event_delete"),
    path("<int:pk>/history/", views.EventHistoryView.as_view(), name="event_history"),
    path("<int:pk>/photos/add/", views.EventPhotoAddView.as_view(), name="event_photo_add"),
]
