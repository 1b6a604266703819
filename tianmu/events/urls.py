"""URLs of the events pages (from the events resource)."""

from django.urls import path

from tianmu.events import views
from tianmu.events.resources import EVENTS

app_name = "events"
urlpatterns = [
    *EVENTS.urls("", detail=views.EventDetailView, history=views.EventHistoryView),
    path("<int:pk>/photos/add/", views.EventPhotoAddView.as_view(), name="event_photo_add"),
]
