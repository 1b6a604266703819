from django.urls import path

from tianmu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report_page"),
    path("download/", views.report_download, name="report_download"),
    path("keep/", views.report_keep_view, name="report_keep"),
    path("kept/<int:pk>/<str:fmt>/", views.kept_download, name="kept_download"),
]
