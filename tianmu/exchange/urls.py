from django.urls import path

from tianmu.exchange import views

app_name = "exchange"

urlpatterns = [
    path("import/<slug:resource>/", views.ImportStartView.as_view(), name="import_start"),
    path("template/<slug:resource>/", views.ImportTemplateView.as_view(), name="import_template"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import_status"),
    path("imports/<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="import_confirm"),
    path("imports/<int:pk>/errors/", views.ImportErrorsView.as_view(), name="import_errors"),
]
