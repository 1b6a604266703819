"""URLs of the round pages (mounted at /rounds/ in tianmu/urls.py)."""

from django.urls import path

from tianmu.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.RoundListView.as_view(), name="round_list"),
    path("add/", views.RoundAddView.as_view(), name="round_add"),
    path("<int:pk>/", views.RoundDetailView.as_view(), name="round_detail"),
    path("<int:pk>/declare/", views.RoundDeclareView.as_view(), name="round_declare"),
    path("<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
]
