"""URLs of the indicator and assessment pages."""

from django.urls import path

from tianmu.assessment import views

app_name = "assessment"
urlpatterns = [
    path("indicators/", views.indicator_list, name="indicator_list"),
    path("indicators/thresholds/", views.threshold_set_view, name="threshold_set"),
    path(
        "indicators/thresholds/<int:pk>/delete/",
        views.threshold_delete_view,
        name="threshold_delete",
    ),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/add/", views.scheme_add, name="scheme_add"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("results/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("results/<int:pk>/publish/", views.assessment_publish_view, name="assessment_publish"),
    path("results/<int:pk>/export.xlsx", views.assessment_export, name="assessment_export"),
]
