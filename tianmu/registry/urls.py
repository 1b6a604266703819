"""URLs of the registry pages."""

from django.urls import path  # noqa: F401

app_name = "registry"
urlpatterns: list = []
