import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Call,
    CallMissionCity,
    CityItem,
    EligibleCountry,
    FormerParticipant,
    MissionCity,
    MissionCityMembership,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "axis", "position"]
    list_filter = ["axis"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(EligibleCountry)
class EligibleCountryAdmin(admin.ModelAdmin):
    list_display = ["country", "status", "effective_from", "note"]
    list_filter = ["status"]
    search_fields = ["country", "note"]


@admin.register(MissionCity)
class MissionCityAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "slug", "aliases"]
    list_filter = ["country"]
    search_fields = ["name", "slug", "aliases"]


class CallMissionCityInline(admin.TabularInline):
    model = CallMissionCity
    fields = ["mission_city", "display_name", "capacity", "min_capacity", "position"]
    autocomplete_fields = ["mission_city"]
    extra = 0
    show_change_link = True


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "opens_at", "closes_at", "timezone", "max_preferences"]
    search_fields = ["title", "slug"]
    date_hierarchy = "opens_at"
    inlines = [CallMissionCityInline]


class CityItemInline(admin.StackedInline):
    model = CityItem
    fields = ["position", "kind", "group", "title", "description", "topics"]
    filter_horizontal = ["topics"]
    extra = 0


@admin.register(CallMissionCity)
class CallMissionCityAdmin(admin.ModelAdmin):
    list_display = ["display_name", "call", "mission_city", "capacity", "min_capacity", "n_items"]
    list_select_related = ["call", "mission_city"]
    list_filter = ["call"]
    list_editable = ["capacity", "min_capacity"]
    search_fields = ["display_name", "mission_city__name"]
    autocomplete_fields = ["mission_city"]
    inlines = [CityItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_n_items=Count("items"))

    @admin.display(description="items", ordering="_n_items")
    def n_items(self, obj):
        return obj._n_items


@admin.register(CityItem)
class CityItemAdmin(admin.ModelAdmin):
    list_display = ["title", "participation", "kind", "group", "position"]
    list_select_related = ["participation__call"]
    list_filter = ["kind", "participation__call", "topics"]
    search_fields = ["title", "description", "participation__display_name"]
    filter_horizontal = ["topics"]


@admin.register(MissionCityMembership)
class MissionCityMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "mission_city", "created_at", "revoked_at"]
    list_select_related = ["user", "mission_city"]
    list_filter = ["mission_city", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__name", "mission_city__name"]
    autocomplete_fields = ["user", "mission_city"]


class FormerParticipantImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, with a header row: name, country (ISO code), kind (twin or pilot), cohort, "
            "paired_with, source_url, source_note. Existing rows (same name and country) are "
            "updated."
        ),
    )


@admin.register(FormerParticipant)
class FormerParticipantAdmin(admin.ModelAdmin):
    # A source typed without a scheme is an https address (Django 6's default; without this
    # the add form warns that the default changes).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "country", "kind", "cohort", "paired_with", "source_url"]
    list_filter = ["kind", "cohort"]
    search_fields = ["name", "paired_with", "source_note"]
    change_list_template = "admin/cities/formerparticipant/change_list.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="cities_formerparticipant_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = FormerParticipantImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
                rows = list(csv.DictReader(io.StringIO(text)))
                report = services.former_participants_import(rows=rows, by=request.user)
            except UnicodeDecodeError:
                form.add_error("file", _("The file is not UTF-8 text."))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("file", message)
            else:
                self.message_user(
                    request, _("Imported: %(report)s.") % {"report": report}, messages.SUCCESS
                )
                return redirect("admin:cities_formerparticipant_changelist")
        return render(
            request,
            "admin/cities/formerparticipant/import.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Import former Twin and Pilot Cities"),
                "form": form,
            },
        )
