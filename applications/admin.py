from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Application,
    Document,
    LearningNeed,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    Preference,
    Representative,
    ShareOffer,
    StatusChange,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RepresentativeInline(ReadOnlyInline):
    model = Representative
    fields = ["position", "name", "role", "email", "english_level"]
    readonly_fields = fields


class LearningNeedInline(ReadOnlyInline):
    model = LearningNeed
    fields = ["position", "topic", "text"]
    readonly_fields = fields


class ShareInline(ReadOnlyInline):
    model = ShareOffer
    fields = ["position", "topic", "text"]
    readonly_fields = fields


class PreferenceInline(ReadOnlyInline):
    model = Preference
    fields = ["rank", "mission_city", "reason"]
    readonly_fields = fields


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "download", "size", "pages", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("document_download", args=[obj.pk]), obj.original_name
        )


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        label=_("What information is needed? (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "official_name",
        "country",
        "authority_type",
        "target_year",
        "verdict",
        "status",
        "submitted_at",
        "call",
    ]
    list_select_related = ["call", "organisation"]
    list_filter = ["call", "status", "verdict", "authority_type", "country"]
    search_fields = ["official_name", "organisation__name", "representatives__email"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        f.name
        for f in Application._meta.fields
        if f.name not in ("verdict_override", "verdict_override_reason")
    ] + ["request_info_link"]
    inlines = [
        RepresentativeInline,
        LearningNeedInline,
        ShareInline,
        PreferenceInline,
        DocumentInline,
        StatusChangeInline,
    ]
    actions = ["mark_under_review"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "verdict_override" in form.changed_data:
            services.application_override_verdict(
                application=Application.objects.get(pk=obj.pk),
                verdict=obj.verdict_override,
                reason=obj.verdict_override_reason or "set in the admin",
                by=request.user,
            )

    @admin.display(description=_("Ask for more information"))
    def request_info_link(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:applications_application_request_info", args=[obj.pk]),
            _("Ask the applicant for more information"),
        )

    @admin.action(description=_("Mark as under review"))
    def mark_under_review(self, request, queryset):
        done = 0
        for application in queryset:
            try:
                services.application_set_status(
                    application=application, to=Application.Status.UNDER_REVIEW, by=request.user
                )
                done += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{application}: {' '.join(exc.messages)}", messages.WARNING
                )
        self.message_user(request, _("%(n)d applications marked under review.") % {"n": done})

    def get_urls(self):
        return [
            path(
                "<int:pk>/request-info/",
                self.admin_site.admin_view(self.request_info_view),
                name="applications_application_request_info",
            ),
            *super().get_urls(),
        ]

    def request_info_view(self, request, pk):
        application = get_object_or_404(Application, pk=pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = RequestInfoForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.application_request_info(
                    application=application, by=request.user, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("The applicant was asked for more information."))
                return redirect("admin:applications_application_change", application.pk)
        return render(
            request,
            "admin/applications/request_info.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "application": application,
                "opts": self.model._meta,
                "title": _("Ask for more information"),
            },
        )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "created_at"]
    list_filter = ["country"]
    search_fields = ["name", "members__user__email"]


@admin.register(OrganisationMember)
class OrganisationMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_at"]
    list_select_related = ["user", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(OrganisationInvitation)
class OrganisationInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
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
