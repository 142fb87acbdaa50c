from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from applications.models import Organisation


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )
    understood = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class StaffExportForm(forms.Form):
    email = forms.EmailField(label=_("A person, by e-mail address"), required=False, max_length=254)
    organisation = forms.ModelChoiceField(
        label=_("Or an organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
    )

    def clean(self):
        data = super().clean()
        email, organisation = data.get("email"), data.get("organisation")
        if bool(email) == bool(organisation):
            raise forms.ValidationError(_("Give either an e-mail address or an organisation."))
        if email:
            user = get_user_model().objects.filter(email__iexact=email).first()
            if user is None:
                self.add_error("email", _("No account has this e-mail address."))
            data["user"] = user
        return data
