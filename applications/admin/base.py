"""Read-only building blocks: rows written only through the services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from ..reviews.selectors import without_conflicts


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list of rows that are written only through the services (and shown on their record)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RowActions:
    """Mixed into an admin whose actions call a service once per selected row."""

    def _each(self, request, queryset, fn, done_message):
        """`fn(row)` for each row; each refusal is said once, with the row it concerns, and the
        count of rows done after (not when every row was refused)."""
        done = refused = 0
        for row in queryset:
            try:
                fn(row)
                done += 1
            except ValidationError as exc:
                refused += 1
                self.message_user(request, f"{row}: {' '.join(exc.messages)}", messages.WARNING)
        if done or not refused:
            self.message_user(request, done_message % {"n": done})


class HidesConflicts:
    """Mixed into every admin whose rows belong to an application: the rows of applications the
    signed-in reviewer declared a conflict of interest on are hidden from the list, the change
    page (404), autocomplete, actions and exports. Set `conflict_application` to the lookup from
    a row to its application, or `conflict_organisation` to the one to its organisation."""

    conflict_application = "application"
    conflict_organisation = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.conflict_organisation:
            return without_conflicts(
                queryset, request.user, organisation=self.conflict_organisation
            )
        return without_conflicts(queryset, request.user, application=self.conflict_application)
