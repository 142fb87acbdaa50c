"""Review criteria, settings, assignments and reviews."""

from django.contrib import admin
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..models import (
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewSettings,
)
from ..reviews import services as review_services
from ..reviews.selectors import without_conflicts
from .base import HidesConflicts, ReadOnlyAdmin, ReadOnlyInline, RowActions
from .forms import ReasonForm


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["reviewer", "total", "scores_display", "comment", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("reviewer", "application__call")
            .prefetch_related("scores__criterion")
        )

    @admin.display(description=_("scores"))
    def scores_display(self, obj):
        return ", ".join(f"{s.criterion.name}: {s.score}" for s in obj.scores.all())


@admin.register(ReviewCriterion)
class ReviewCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "call", "threshold", "position"]
    list_select_related = ["call"]
    list_filter = ["call"]
    list_editable = ["threshold", "position"]


@admin.register(ReviewSettings)
class ReviewSettingsAdmin(admin.ModelAdmin):
    list_display = ["call", "total_threshold"]
    list_select_related = ["call"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(RowActions, admin.ModelAdmin):
    """Assignments are made with the "Assign to me" action and conflicts declared on the review
    page (services check them). Here conflicts are confirmed and withdrawn (services again):
    staff with applications.decide_conflict see and decide every declaration; a reviewer without
    the permission to view assignments sees their own, to withdraw a declaration made by mistake.
    """

    list_display = ["application", "reviewer", "conflict_status", "conflict_reason", "assigned_at"]
    list_select_related = ["application__call", "reviewer"]
    list_filter = ["conflict_status", "application__call"]
    search_fields = ["application__official_name", "reviewer__email"]
    autocomplete_fields = ["application", "reviewer"]
    actions = ["confirm_conflicts", "withdraw_conflicts"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _sees_all(self, request) -> bool:
        return super().has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if self._sees_all(request):
            return True
        own = obj is None or obj.reviewer_id == request.user.pk
        return request.user.is_active and request.user.is_staff and own

    def has_module_permission(self, request):
        return super().has_module_permission(request) or self.has_view_permission(request)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        own = queryset.filter(reviewer=request.user)
        if self._sees_all(request):
            # Other reviewers' rows of an application in conflict stay hidden; one's own
            # declaration stays listed, to be withdrawn.
            return own | without_conflicts(queryset, request.user, application="application")
        return own

    def has_decide_conflict_permission(self, request):
        return request.user.has_perm("applications.decide_conflict")

    def has_withdraw_conflict_permission(self, request):
        # Reviewers withdraw their own declarations; the service checks each row.
        return request.user.is_staff

    @admin.action(
        description=_("Confirm the declared conflicts of interest"),
        permissions=["decide_conflict"],
    )
    def confirm_conflicts(self, request, queryset):
        self._each(
            request,
            queryset.select_related("application", "reviewer"),
            lambda a: review_services.review_confirm_conflict(assignment=a, by=request.user),
            _("Conflicts of interest confirmed: %(n)d."),
        )

    @admin.action(
        description=_("Withdraw the conflicts of interest (with a reason)…"),
        permissions=["withdraw_conflict"],
    )
    def withdraw_conflicts(self, request, queryset):
        queryset = queryset.select_related("application", "reviewer")
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda a: review_services.review_withdraw_conflict(
                    assignment=a, by=request.user, reason=reason
                ),
                _(
                    "Conflicts of interest withdrawn: %(n)d. The applications are shown to "
                    "their reviewers again."
                ),
            )
            return None
        return TemplateResponse(
            request,
            "admin/applications/reviewassignment/withdraw_conflicts.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Withdraw conflicts of interest"),
                "form": form,
                "assignments": queryset,
                "select_across": request.POST.get("select_across") == "1",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )


@admin.register(Review)
class ReviewAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["application", "reviewer", "total", "updated_at"]
    list_select_related = ["application__call", "reviewer"]
    list_filter = ["application__call"]
    search_fields = ["application__official_name", "reviewer__email"]
