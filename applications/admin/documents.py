"""Uploaded documents (metadata only; the file is downloaded through the site)."""

from django.contrib import admin

from ..models import (
    Document,
)
from .base import HidesConflicts


@admin.register(Document)
class DocumentAdmin(HidesConflicts, admin.ModelAdmin):
    conflict_organisation = "organisation"
    list_display = ["original_name", "kind", "organisation", "size", "pages", "uploaded_at"]
    list_select_related = ["organisation"]
    list_filter = ["kind"]
    search_fields = ["original_name", "organisation__name"]
    exclude = ["file"]
    readonly_fields = [
        "organisation",
        "application",
        "kind",
        "original_name",
        "size",
        "pages",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]

    def has_add_permission(self, request):
        return False
