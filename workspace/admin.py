"""Staff invite people to a Mission City's workspace and revoke memberships, through services."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cities.admin import MissionCityMembershipAdmin as BaseMembershipAdmin
from cities.models import MissionCityMembership

from . import services
from .forms import InvitationAdminForm
from .models import MissionCityInvitation


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return MissionCityInvitation.State.choices

    def queryset(self, request, queryset):
        State = MissionCityInvitation.State
        if self.value() == State.PENDING:
            return queryset.filter(revoked=False, accepted_at__isnull=True)
        if self.value() == State.ACCEPTED:
            return queryset.filter(accepted_at__isnull=False)
        if self.value() == State.REVOKED:
            return queryset.filter(revoked=True)
        return queryset


@admin.register(MissionCityInvitation)
class MissionCityInvitationAdmin(admin.ModelAdmin):
    """Adding an invitation sends it; afterwards it can be sent again or revoked, not edited."""

    form = InvitationAdminForm
    list_display = ["email", "mission_city", "state", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["mission_city", "invited_by"]
    list_filter = [StateFilter, "mission_city"]
    search_fields = ["email", "mission_city__name"]
    autocomplete_fields = ["mission_city"]
    actions = ["resend", "revoke"]
    readonly_fields = [
        "mission_city",
        "email",
        "token",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
        "revoked",
    ]

    def get_fields(self, request, obj=None):
        return ["mission_city", "email"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("state"))
    def state(self, obj):
        return obj.get_state_display()

    def save_model(self, request, obj, form, change):
        if change:
            return
        saved = services.invitation_create(
            mission_city=form.cleaned_data["mission_city"],
            email=form.cleaned_data["email"],
            by=request.user,
        )
        obj.pk = saved.pk
        obj.refresh_from_db()
        messages.info(request, _("The invitation was sent to %(email)s.") % {"email": obj.email})

    @admin.action(description=_("Send the selected invitations again"), permissions=["change"])
    def resend(self, request, queryset):
        sent = 0
        for invitation in queryset.select_related("mission_city", "invited_by"):
            try:
                services.invitation_resend(invitation=invitation, by=request.user)
            except ValidationError:
                continue
            sent += 1
        self.message_user(
            request,
            ngettext("%(n)d invitation sent again.", "%(n)d invitations sent again.", sent)
            % {"n": sent},
        )

    @admin.action(description=_("Revoke the selected invitations"), permissions=["change"])
    def revoke(self, request, queryset):
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation, by=request.user)
        self.message_user(request, _("Pending invitations among the selected are revoked."))


admin.site.unregister(MissionCityMembership)


@admin.register(MissionCityMembership)
class MissionCityMembershipAdmin(BaseMembershipAdmin):
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected memberships"), permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for membership in queryset.filter(revoked_at__isnull=True):
            services.membership_revoke(membership=membership, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d membership revoked.", "%(n)d memberships revoked.", count)
            % {"n": count},
        )
