"""Forms for projects (pages and API share them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tianmu.core.forms import ScopedModelForm
from tianmu.projects.models import (
    Project,
    ProjectDocument,
    ProjectUpdate,
    ProjectVillage,
    UpdatePhoto,
)

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectForm(ScopedModelForm):
    scoped_fields = {"alliance": "visible", "village": "editable"}

    class Meta:
        model = Project
        fields = [
            "name",
            "brand",
            "kind",
            "category",
            "alliance",
            "village",
            "status",
            "start",
            "end",
            "description",
            "investment_enterprise_yuan",
            "investment_village_yuan",
            "investment_loan_yuan",
            "investment_government_yuan",
            "idle_farmland_mu",
            "standard",
        ]
        widgets = {"start": DATE, "end": DATE}


class ProjectVillageForm(ScopedModelForm):
    """Add a participating village to a given project (the project comes from the URL)."""

    scoped_fields = {"village": "visible"}

    class Meta:
        model = ProjectVillage
        fields = ["village", "supplies", "joined"]
        widgets = {"joined": DATE}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project


class ProjectUpdateForm(ScopedModelForm):
    class Meta:
        model = ProjectUpdate
        fields = ["date", "title", "text"]
        widgets = {"date": DATE}

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project


class ProjectDocumentForm(ScopedModelForm):
    class Meta:
        model = ProjectDocument
        fields = ["title", "is_standard", "file"]

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project


class UpdatePhotoForm(ScopedModelForm):
    class Meta:
        model = UpdatePhoto
        fields = ["image", "caption"]

    def __init__(self, *args, update: ProjectUpdate, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.update = update


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300)
