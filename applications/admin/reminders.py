"""Deadline reminders sent by Celery beat (read-only: written only by applications.reminders)."""

from django.contrib import admin

from ..models import DeadlineReminder
from .base import HidesConflicts, ReadOnlyAdmin


@admin.register(DeadlineReminder)
class DeadlineReminderAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["application", "kind", "deadline", "recipients", "sent_at"]
    list_select_related = ["application__call"]
    list_filter = ["kind", "application__call"]
    search_fields = ["application__official_name", "recipients"]
    date_hierarchy = "sent_at"
