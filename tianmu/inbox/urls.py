"""URLs of the inbox (mounted at /inbox/ in tianmu/urls.py)."""

from django.urls import path

from tianmu.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<slug:kind>/<int:pk>/act/", views.InboxActView.as_view(), name="inbox_act"),
]
