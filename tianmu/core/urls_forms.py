"""`/forms/`: what forms load on demand (the matches of a searchable select)."""

from django.urls import path

from tianmu.core import views_forms

app_name = "forms"
urlpatterns = [path("choices/", views_forms.choices, name="choices")]
