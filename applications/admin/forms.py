"""Forms of the staff actions and pages (validation only; the services do the work)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    Application,
)


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        label=_("What information is needed? (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
    )


class EligibilityForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Eligibility"), choices=Application.Verdict.choices)
    reason = forms.CharField(
        label=_("Reason (kept in the history)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the history)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            levels = criterion.level_descriptions
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(i, f"{i} — {levels[i]}") for i in range(6)],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("Threshold: %(t)s") % {"t": criterion.threshold},
            )

    def scores(self):
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Conflict of interest"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ApplicationAdminForm(forms.ModelForm):
    """The one editable part of an application in the admin: the staff verdict and its reason."""

    class Meta:
        model = Application
        fields = ["verdict_override", "verdict_override_reason"]

    def clean(self):
        data = super().clean()
        if {"verdict_override", "verdict_override_reason"} & set(self.changed_data) and not (
            data.get("verdict_override_reason") or ""
        ).strip():
            self.add_error(
                "verdict_override_reason", _("Give a reason for setting the eligibility.")
            )
        return data
