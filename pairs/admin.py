"""Staff admin of the pair spaces: the plan template of each call (edited here), and read-only
lists of what the services write (pairs, milestones, events, reminders, surveys)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.admin.base import HidesConflicts

from . import services
from .models import (
    Meeting,
    Message,
    Milestone,
    MilestoneTemplate,
    Notification,
    NotificationPreference,
    OutcomeSurvey,
    Pair,
    PairDocument,
    PairEvent,
    PlanFeedback,
    PlanTemplate,
    PlanVersion,
    Reminder,
)


class MilestoneTemplateInline(admin.TabularInline):
    model = MilestoneTemplate
    extra = 1
    fields = ["position", "title", "description", "offset_days", "owner_side", "evidence_kind"]


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    list_display = ["call", "note"]
    list_select_related = ["call"]
    inlines = [MilestoneTemplateInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by `pairs.services` only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PairRowsAdmin(HidesConflicts, ReadOnlyAdmin):
    """A pair's rows, hidden from a reviewer who declared a conflict of interest on the pair's
    application."""

    conflict_application = "pair__pairing__application"


@admin.register(Pair)
class PairAdmin(PairRowsAdmin):
    conflict_application = "pairing__application"
    list_display = ["__str__", "call", "created_at", "last_activity_at"]
    list_select_related = ["call", "pairing__application", "pairing__mission_city"]
    list_filter = ["call"]
    search_fields = [
        "pairing__application__official_name",
        "pairing__mission_city__display_name",
    ]
    actions = ["open_confirmed"]

    def has_open_permission(self, request):
        """Opening pair spaces creates pairs, which this read-only list never does itself."""
        return request.user.has_perm("pairs.add_pair")

    @admin.action(
        description=_("Open the space of every confirmed pairing without one"), permissions=["open"]
    )
    def open_confirmed(self, request, queryset):
        try:
            opened = services.pairs_backfill(by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("Opened %(n)d pair spaces.") % {"n": len(opened)})


@admin.register(Milestone)
class MilestoneAdmin(PairRowsAdmin):
    list_display = ["title", "pair", "due_date", "owner_side", "status", "done_at"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city"]
    list_filter = ["status", "owner_side", "pair__call"]
    search_fields = ["title", "pair__pairing__application__official_name"]
    actions = ["reopen"]

    def has_reopen_permission(self, request):
        """Reopening writes the milestone, which this read-only list never does itself."""
        return request.user.has_perm("pairs.change_milestone")

    @admin.action(description=_("Reopen the selected done milestones"), permissions=["reopen"])
    def reopen(self, request, queryset):
        reopened = 0
        for milestone in queryset.filter(status=Milestone.Status.DONE):
            try:
                services.milestone_reopen(milestone=milestone, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                reopened += 1
        self.message_user(request, _("Reopened %(n)d milestones.") % {"n": reopened})


@admin.register(PairEvent)
class PairEventAdmin(PairRowsAdmin):
    list_display = ["created_at", "pair", "kind", "side", "actor", "summary"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city", "actor"]
    list_filter = ["kind", "side"]


@admin.register(Reminder)
class ReminderAdmin(PairRowsAdmin):
    list_display = ["sent_at", "kind", "key", "pair"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city"]
    list_filter = ["kind"]


@admin.register(OutcomeSurvey)
class OutcomeSurveyAdmin(PairRowsAdmin):
    list_display = ["pair", "side", "satisfaction", "submitted_at"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city"]
    list_filter = ["side", "satisfaction", "pair__call"]


@admin.register(Meeting)
class MeetingAdmin(PairRowsAdmin):
    list_display = ["pair", "kind", "date", "format", "city"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city"]
    list_filter = ["kind", "format"]


@admin.register(PairDocument)
class PairDocumentAdmin(PairRowsAdmin):
    list_display = ["title", "pair", "side", "uploaded_at"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city"]
    exclude = ["file"]  # served to the pair's people through the pair space only


@admin.register(Message)
class MessageAdmin(PairRowsAdmin):
    list_display = ["pair", "side", "author", "created_at"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city", "author"]


@admin.register(PlanVersion)
class PlanVersionAdmin(PairRowsAdmin):
    list_display = ["pair", "number", "submitted_at"]
    list_select_related = ["pair__pairing__application", "pair__pairing__mission_city"]


@admin.register(PlanFeedback)
class PlanFeedbackAdmin(PairRowsAdmin):
    conflict_application = "version__pair__pairing__application"
    list_display = ["version", "author", "created_at"]
    list_select_related = ["version", "author"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "mode"]
    list_select_related = ["user"]


@admin.register(Notification)
class NotificationAdmin(PairRowsAdmin):
    conflict_application = "event__pair__pairing__application"
    list_display = ["user", "event", "mode", "sent_at"]
    list_select_related = ["user", "event"]
    list_filter = ["mode"]
