"""Applicant organisations, their members and invitations."""

from django.contrib import admin

from ..models import (
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
)
from .base import HidesConflicts


@admin.register(Organisation)
class OrganisationAdmin(HidesConflicts, admin.ModelAdmin):
    conflict_organisation = "pk"
    list_display = ["name", "country", "created_at"]
    list_filter = ["country"]
    search_fields = ["name", "members__user__email"]


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(HidesConflicts, admin.ModelAdmin):
    conflict_organisation = "organisation"
    list_display = ["user", "organisation", "role", "joined_at"]
    list_select_related = ["user", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(HidesConflicts, admin.ModelAdmin):
    conflict_organisation = "organisation"
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token"]
