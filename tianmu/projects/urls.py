"""URLs of the projects pages."""

from django.urls import path

from tianmu.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", views.ProjectEditView.as_view(), name="project_add"),
    path("<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("<int:pk>/edit/", views.ProjectEditView.as_view(), name="project_edit"),
    path("<int:pk>/history/", views.ProjectHistoryView.as_view(), name="project_history"),
    path("<int:pk>/villages/add/", views.ParticipantAddView.as_view(), name="participant_add"),
    path("<int:pk>/updates/add/", views.UpdateAddView.as_view(), name="update_add"),
    path("<int:pk>/documents/add/", views.DocumentAddView.as_view(), name="document_add"),
    path(
        "updates/<int:pk>/photos/add/", views.UpdatePhotoAddView.as_view(), name="updatephoto_add"
    ),
    path("updates/<int:pk>/<str:action>/", views.UpdateReviewView.as_view(), name="update_review"),
    path("villages/", views.ProjectVillageListView.as_view(), name="projectvillage_list"),
    path("updates/", views.ProjectUpdateListView.as_view(), name="projectupdate_list"),
]
