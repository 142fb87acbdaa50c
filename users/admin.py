from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .consents import next_draft_version, notice_publish
from .models import ConsentRecord, Notice, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "last_login", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Drafts are written here and published with the action; a published version is read-only."""

    list_display = ["__str__", "title", "published_at", "acceptances_count"]
    list_filter = ["kind", ("published_at", admin.EmptyFieldListFilter)]
    fields = ["kind", "version", "title", "changes", "body", "published_at"]
    readonly_fields = ["version", "published_at"]
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = next_draft_version(obj.kind)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("acceptances"))
    def acceptances_count(self, obj):
        return obj.acceptances.count()

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_published)

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish(self, request, queryset):
        for notice in queryset.filter(published_at__isnull=True).order_by("version"):
            try:
                notice_publish(notice=notice, by=request.user)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "%(notice)s published: people who accepted an earlier version are asked "
                        "again."
                    )
                    % {"notice": notice},
                    messages.SUCCESS,
                )


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Read-only: consents are recorded by the forms people fill in."""

    list_display = ["user", "notice", "source", "context", "accepted_at"]
    list_filter = ["notice", "source"]
    list_select_related = ["user", "notice"]
    search_fields = ["user__email"]
    date_hierarchy = "accepted_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AllauthEmailAddressAdmin):
    """allauth's list of addresses, with its action limited to staff who may change addresses."""

    @admin.action(description=_("Mark the selected addresses as verified"), permissions=["change"])
    def make_verified(self, request, queryset):
        return super().make_verified(request, queryset)


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Two-factor authenticators: who has which, and deleting one after a lost phone (README,
    "Signing in"). The secrets (`data`) are never shown; nobody adds or edits one here."""

    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type",)
    search_fields = ("user__email", "user__name")
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
