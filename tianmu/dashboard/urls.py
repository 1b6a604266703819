"""URLs of the dashboard pages."""

from django.urls import path

from tianmu.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("public/", views.public, name="public"),
]
