"""URL of the change-log browser (mounted at /changes/ in tianmu/urls.py)."""

from django.urls import path

from tianmu.core.views_changes import ChangeLogView

app_name = "changes"
urlpatterns = [path("", ChangeLogView.as_view(), name="change_list")]
