"""Review criteria, settings, assignments and reviews."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import (
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewSettings,
)
from .base import ReadOnlyAdmin, ReadOnlyInline


class ReviewInline(ReadOnlyInline):
    model = Review
    fields = ["reviewer", "total", "scores_display", "comment", "updated_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("reviewer")
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
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Assignments are made with the "Assign to me" action and conflicts declared on the review
    page (services check them); this list only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    list_display = ["application", "reviewer", "conflict", "assigned_at"]
    list_select_related = ["application__call", "reviewer"]
    list_filter = ["conflict", "application__call"]
    search_fields = ["application__official_name", "reviewer__email"]
    autocomplete_fields = ["application", "reviewer"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["application", "reviewer", "total", "updated_at"]
    list_select_related = ["application__call", "reviewer"]
    list_filter = ["application__call"]
    search_fields = ["application__official_name", "reviewer__email"]
