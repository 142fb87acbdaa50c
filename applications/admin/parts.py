"""Read-only lists of the parts of applications (answers, audit trail, shortlists): rows written
only through the services."""

from django.contrib import admin

from ..models import (
    LearningNeed,
    Preference,
    Representative,
    ShareOffer,
    ShortlistEntry,
    StatusChange,
)
from .base import HidesConflicts, ReadOnlyAdmin


@admin.register(StatusChange)
class StatusChangeAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["at", "application", "action", "from_status", "to_status", "by", "internal"]
    list_select_related = ["application__call", "by"]
    list_filter = ["action", "to_status", "internal", "application__call"]
    search_fields = ["application__official_name", "note", "by__email"]
    date_hierarchy = "at"


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["mission_city", "rank", "application", "note", "updated_at"]
    list_select_related = ["mission_city__call", "application__call"]
    list_filter = ["mission_city__call", "mission_city"]
    search_fields = ["application__official_name", "mission_city__display_name", "note"]


@admin.register(Preference)
class PreferenceAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["application", "rank", "mission_city", "reason"]
    list_select_related = ["application__call", "mission_city__call"]
    list_filter = ["rank", "mission_city__call", "mission_city"]
    search_fields = ["application__official_name", "mission_city__display_name", "reason"]


@admin.register(LearningNeed)
class LearningNeedAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["application", "position", "topic", "text"]
    list_select_related = ["application__call", "topic"]
    list_filter = ["topic", "application__call"]
    search_fields = ["application__official_name", "text"]


@admin.register(ShareOffer)
class ShareOfferAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["application", "position", "topic", "text"]
    list_select_related = ["application__call", "topic"]
    list_filter = ["topic", "application__call"]
    search_fields = ["application__official_name", "text"]


@admin.register(Representative)
class RepresentativeAdmin(HidesConflicts, ReadOnlyAdmin):
    list_display = ["name", "role", "email", "english_level", "application"]
    list_select_related = ["application__call"]
    list_filter = ["english_level"]
    search_fields = ["name", "email", "application__official_name"]
