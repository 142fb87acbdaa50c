from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: entries are written only by the services."""

    list_display = ["at", "action", "target_display", "application_link", "actor_label", "note"]
    list_select_related = ["target_type", "application__call"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_label", "actor_label", "note", "application__official_name"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    fields = [
        "at",
        "action",
        "actor",
        "actor_label",
        "target_type",
        "target_id",
        "target_label",
        "application",
        "note",
        "data",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("target"), ordering="target_label")
    def target_display(self, obj):
        if obj.target_type_id is None:
            return obj.target_label or "—"
        return f"{obj.target_type.name}: {obj.target_label}"

    @admin.display(description=_("application"), ordering="application")
    def application_link(self, obj):
        if obj.application_id is None:
            return "—"
        return format_html(
            '<a href="{}?application__id__exact={}">{}</a>',
            reverse("admin:audit_auditentry_changelist"),
            obj.application_id,
            obj.application,
        )
