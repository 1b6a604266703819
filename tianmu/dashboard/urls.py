"""URLs of the dashboard pages."""

from django.urls import path

from tianmu.dashboard import cockpit_views, views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.public, name="public"),
    path("start/", cockpit_views.start, name="start"),
    path("cockpit/", cockpit_views.cockpit_page, name="cockpit"),
]
