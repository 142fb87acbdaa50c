"""Staff see every outgoing e-mail with its state, attempts and last error, and may send one
again. Rows are written only by the outbox services: the admin is read-only but for that action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "template"]
    search_fields = ["subject", "to"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [
        "template",
        "to",
        "subject",
        "body",
        "html",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_until",
        "created_at",
        "sent_at",
    ]

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return ", ".join(obj.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.resend_email")

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request, queryset):
        emails = list(queryset.exclude(state=Email.State.SENDING))
        for email in emails:
            services.email_resend(email=email, by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued to be sent again.",
                "%(count)d e-mails queued to be sent again.",
                len(emails),
            )
            % {"count": len(emails)},
            messages.SUCCESS,
        )
