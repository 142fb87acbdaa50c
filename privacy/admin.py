from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AnonymisedApplication, ErasureRequest, RetentionPolicy, RetentionRun


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasureRequest)
class ErasureRequestAdmin(ReadOnlyAdmin):
    list_display = ["user_label", "status", "reason", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["decided_by"]
    actions = ["confirm", "refuse"]

    def has_confirm_erasure_permission(self, request):
        return request.user.has_perm("privacy.confirm_erasure")

    @admin.action(description=_("Erase the selected accounts"), permissions=["confirm_erasure"])
    def confirm(self, request, queryset):
        done = 0
        for erasure_request in queryset.filter(status=ErasureRequest.Status.WAITING):
            services.erasure_confirm(request=erasure_request, by=request.user)
            done += 1
        self.message_user(
            request,
            _("%(n)d accounts erased.") % {"n": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Refuse the selected requests…"), permissions=["confirm_erasure"])
    def refuse(self, request, queryset):
        waiting = queryset.filter(status=ErasureRequest.Status.WAITING)
        note = request.POST.get("note", "").strip()
        if "apply" in request.POST:
            try:
                for erasure_request in waiting:
                    services.erasure_refuse(request=erasure_request, by=request.user, note=note)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("Refused; each person is told why."), messages.SUCCESS)
                return None
        return TemplateResponse(
            request,
            "admin/privacy/erasure_refuse.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Refuse erasure requests"),
                "requests": waiting,
                "note": note,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            },
        )


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["call", "unpaired_days", "pairs_days"]
    list_select_related = ["call"]


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["call", "kind", "applications", "at"]
    list_filter = ["kind"]
    list_select_related = ["call"]


@admin.register(AnonymisedApplication)
class AnonymisedApplicationAdmin(ReadOnlyAdmin):
    list_display = ["application", "run", "at"]
    list_select_related = ["application", "run__call"]
