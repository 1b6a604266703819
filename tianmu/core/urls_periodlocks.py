"""URLs of the period-lock page (mounted at /period-locks/ in tianmu/urls.py)."""

from django.urls import path

from tianmu.core.views_periodlocks import PeriodLockListView, PeriodUnlockView

app_name = "periodlocks"
urlpatterns = [
    path("", PeriodLockListView.as_view(), name="periodlock_list"),
    path("<int:pk>/unlock/", PeriodUnlockView.as_view(), name="periodlock_unlock"),
]
