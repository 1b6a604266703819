"""Pages of projects: list (with sales), detail (sales, agreements, participating villages,
documents, reviewed updates), edit, history; and the participations list the
`villages_driven` figure links to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from tianmu.commerce.models import Agreement
from tianmu.commerce.selectors import agreements_annotated
from tianmu.core.htmx import errors_to_messages, form_errors_to_messages, redirect_to
from tianmu.core.scoping import editable_by, visible_to
from tianmu.core.services import NotFound
from tianmu.core.views import (
    ObjectDetailView,
    ObjectHistoryView,
    add_service_errors,
    can_edit_object,
)
from tianmu.core.workflow import ReviewStatus
from tianmu.projects.forms import (
    ProjectDocumentForm,
    ProjectUpdateForm,
    ProjectVillageForm,
    ReasonForm,
    UpdatePhotoForm,
)
from tianmu.projects.models import Project, ProjectUpdate, ProjectVillage
from tianmu.projects.selectors import project_sales
from tianmu.projects.services import (
    document_add,
    participant_save,
    update_approve,
    update_photo_add,
    update_return,
    update_save,
    update_submit,
)

PROJECTS = Project.objects.select_related("village__area", "alliance")  # for its posts


class ProjectDetailView(ObjectDetailView):
    detail_fields = (
        "brand",
        "kind",
        "category",
        "village",
        "alliance",
        "status",
        "start",
        "end",
        "idle_farmland_mu",
        "standard",
        "description",
    )

    def extra_context(self, obj):
        user = self.request.user
        sales, reported = project_sales(user=user, project=obj)
        can_edit = can_edit_object(user, obj)
        agreements = agreements_annotated(visible_to(user, Agreement).filter(project=obj))
        return {
            "sales_yuan": sales,
            "sales_reported_yuan": reported,
            "investment": obj.investment_by_source(),
            "agreements": agreements.order_by("start", "id"),
            "participants": obj.participants.select_related("village__area__parent"),
            "documents": obj.documents.all(),
            "updates": visible_to(user, ProjectUpdate)
            .filter(project=obj)
            .prefetch_related("photos")
            .order_by("-date"),
            "participant_form": ProjectVillageForm(user=user, project=obj) if can_edit else None,
            "update_form": ProjectUpdateForm(user=user, project=obj) if can_edit else None,
            "document_form": ProjectDocumentForm(user=user, project=obj) if can_edit else None,
            "is_reviewer": user.is_superuser or user.role in ("admin", "superuser"),
        }


class ProjectHistoryView(ObjectHistoryView):
    def related_history(self, obj):
        return [
            (ProjectVillage, obj.participants.all()),
            (ProjectUpdate, obj.updates.all()),
        ]


class _ProjectPost(LoginRequiredMixin, View):
    """A form posted from a section of the project page; errors come back as messages.

    The form belongs to the project of the URL, or to another object (`parent`) of it.
    """

    form_class = None
    parent = PROJECTS
    parent_kwarg = "project"

    def post(self, request, pk):
        parent = get_object_or_404(editable_by(request.user, self.parent), pk=pk)
        project = parent if self.parent_kwarg == "project" else parent.project
        form = self.form_class(
            request.POST, request.FILES, user=request.user, **{self.parent_kwarg: parent}
        )
        if form.is_valid():
            try:
                self.save(request.user, form)
                messages.success(request, _("Saved."))
            except ValidationError as exc:
                errors_to_messages(request, exc)
            except NotFound as exc:
                raise Http404 from exc
        else:
            form_errors_to_messages(request, form)
        return redirect_to(request, reverse("projects:project_detail", args=[project.pk]))


class ParticipantAddView(_ProjectPost):
    form_class = ProjectVillageForm

    def save(self, user, form):
        participant_save(user=user, participant=form.instance)


class UpdateAddView(_ProjectPost):
    form_class = ProjectUpdateForm

    def save(self, user, form):
        update_save(user=user, update=form.instance)


class DocumentAddView(_ProjectPost):
    form_class = ProjectDocumentForm

    def save(self, user, form):
        document_add(user=user, document=form.instance)


class UpdateEditView(LoginRequiredMixin, View):
    """Edit a draft or returned update before it is (re)submitted: what the reviewer asked
    for can be put right, not only resubmitted unchanged."""

    template_name = "projects/update_edit.html"

    def _update(self, request, pk):
        update = get_object_or_404(
            editable_by(request.user, ProjectUpdate).select_related("project__village__area"),
            pk=pk,
        )
        if update.review_status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            raise Http404
        return update

    def _render(self, request, update, form):
        back = reverse("projects:project_detail", args=[update.project_id])
        context = {"update": update, "form": form, "back": back}
        return render(request, self.template_name, context)

    def get(self, request, pk):
        update = self._update(request, pk)
        form = ProjectUpdateForm(instance=update, user=request.user, project=update.project)
        return self._render(request, update, form)

    def post(self, request, pk):
        update = self._update(request, pk)
        form = ProjectUpdateForm(
            request.POST, instance=update, user=request.user, project=update.project
        )
        if form.is_valid():
            try:
                update_save(user=request.user, update=form.instance)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except NotFound as exc:
                raise Http404 from exc
            else:
                messages.success(
                    request,
                    _("Saved the changes to “%(title)s”; submit it again when it is ready.")
                    % {"title": update.title},
                )
                return redirect_to(
                    request, reverse("projects:project_detail", args=[update.project_id])
                )
        return self._render(request, update, form)


class UpdatePhotoAddView(_ProjectPost):
    form_class = UpdatePhotoForm
    parent = ProjectUpdate.objects.select_related("project__village__area")
    parent_kwarg = "update"

    def save(self, user, form):
        update_photo_add(user=user, photo=form.instance)


class UpdateReviewView(LoginRequiredMixin, View):
    """submit / approve / return (with a reason) a progress update."""

    def post(self, request, pk, action):
        update = get_object_or_404(visible_to(request.user, ProjectUpdate), pk=pk)
        try:
            what = {
                "title": update.title,
                "village": update.project.village,
                "date": update.date.strftime("%Y-%m-%d"),
            }
            if action == "submit":
                update_submit(user=request.user, update=update)
                done = _("Submitted for review: %(village)s, %(date)s “%(title)s”.") % what
            elif action == "approve":
                update_approve(user=request.user, update=update)
                done = _("Approved: %(village)s, %(date)s “%(title)s”.") % what
            elif action == "return":
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    form_errors_to_messages(request, form)
                    return redirect_to(
                        request, reverse("projects:project_detail", args=[update.project_id])
                    )
                reason = form.cleaned_data["reason"]
                update_return(user=request.user, update=update, reason=reason)
                done = _("Returned: %(village)s, %(date)s “%(title)s” — %(reason)s") % {
                    **what,
                    "reason": reason,
                }
            else:
                raise Http404
            messages.success(request, done)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        except NotFound as exc:
            raise Http404 from exc
        return redirect_to(request, reverse("projects:project_detail", args=[update.project_id]))
