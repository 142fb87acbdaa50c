"""Forms of the workspace: validation only; the services do the saving."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from matching.models import Pairing

from . import services
from .models import MissionCityInvitation

NOTE_MAX = services.NOTE_MAX


class InvitationAdminForm(forms.ModelForm):
    """The admin's "add invitation" form: who, for which city."""

    class Meta:
        model = MissionCityInvitation
        fields = ["mission_city", "email"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mission_city") and cleaned.get("email"):
            services.invitation_check(mission_city=cleaned["mission_city"], email=cleaned["email"])
        return cleaned


class ShortlistAddForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Note for the programme team (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShortlistMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ShortlistNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the programme team"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PairingAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Pairing.Confirmation.CONFIRMED, _("We confirm this pairing")),
            (Pairing.Confirmation.DECLINED, _("We decline this pairing")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or comment for the programme team"),
        help_text=_("Required if you decline."),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == Pairing.Confirmation.DECLINED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", ValidationError(_("Say why you decline the pairing.")))
        return cleaned
