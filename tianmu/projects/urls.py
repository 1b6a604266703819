"""URLs of the projects pages (the standard ones from the resources)."""

from django.urls import path

from tianmu.projects import views
from tianmu.projects.resources import PROJECT_UPDATES, PROJECT_VILLAGES, PROJECTS

app_name = "projects"
ONLY_LIST = ("add", "detail", "edit", "delete", "history")

urlpatterns = [
    *PROJECTS.urls(
        detail=views.ProjectDetailView, history=views.ProjectHistoryView, without=("delete",)
    ),
    path("<int:pk>/villages/add/", views.ParticipantAddView.as_view(), name="participant_add"),
    path("<int:pk>/updates/add/", views.UpdateAddView.as_view(), name="update_add"),
    path("<int:pk>/documents/add/", views.DocumentAddView.as_view(), name="document_add"),
    path(
        "updates/<int:pk>/photos/add/", views.UpdatePhotoAddView.as_view(), name="updatephoto_add"
    ),
    path("updates/<int:pk>/edit/", views.UpdateEditView.as_view(), name="update_edit"),
    path("updates/<int:pk>/<str:action>/", views.UpdateReviewView.as_view(), name="update_review"),
    *PROJECT_VILLAGES.urls(without=ONLY_LIST),
    *PROJECT_UPDATES.urls(without=ONLY_LIST),
]
