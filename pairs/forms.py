"""Forms of the pair spaces: validation only; the services do the saving."""

import datetime as dt

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.documents import inspect_pdf
from cities.models import CallMissionCity

from .models import Meeting, NotificationPreference, Pair
from .selectors import AT_RISK_LATE, IDLE_DAYS


def _helper(submit: str, form_id: str = "") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.add_input(Submit("submit", submit))
    if form_id:
        helper.form_id = form_id
    return helper


class MilestoneDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    document = forms.ModelChoiceField(
        label=_("Document that shows it"), queryset=None, required=False
    )
    date = forms.DateField(
        label=_("Date it took place"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, milestone, **kwargs):
        kwargs.setdefault("auto_id", f"milestone-{milestone.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = milestone.pair.documents.all()
        kind = milestone.evidence_kind
        for name in ("document", "date"):
            if name != kind:
                del self.fields[name]
        self.fields[kind].required = True
        if kind != "note":
            self.fields["note"].label = _("Note (optional)")
        self.helper = _helper(_("Mark done"))


class AgendaForm(forms.Form):
    actions = forms.ModelMultipleChoiceField(
        label=_("Actions of the Mission City the pair works on"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = offered
        self.helper = _helper(_("Save the learning agenda"))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "date", "format", "city", "participants", "record", "travel_plan"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "kind": forms.RadioSelect,
            "format": forms.RadioSelect,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "record": forms.Textarea(attrs={"rows": 3}),
            "travel_plan": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "participants": _("Names and organisations, one per line."),
            "travel_plan": _("For a site visit: who travels, when, how, where they stay."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("format") == Meeting.Format.ON_SITE and not cleaned.get("city"):
            self.add_error("city", _("Say in which city it takes place."))
        if (
            cleaned.get("kind") == Meeting.Kind.SITE_VISIT
            and cleaned.get("format") == Meeting.Format.ONLINE
        ):
            self.add_error("format", _("A site visit takes place on site."))
        return cleaned

    def _post_clean(self):  # the service builds and validates the row
        pass


class PdfField(forms.FileField):
    """A PDF checked by its content exactly as application documents are."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            upload.info = inspect_pdf(upload)
        return upload


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = PdfField(
        label=_("PDF file (at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Share the document"))


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send"))


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary of this version"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Which actions you will replicate, how, with whom, by when."),
    )
    file = PdfField(
        label=_("Plan document (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Submit this version"))


class FeedbackForm(forms.Form):
    body = forms.CharField(
        label=_("Your feedback on this version"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, version, **kwargs):
        kwargs.setdefault("auto_id", f"feedback-{version.pk}-%s")
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send feedback"))


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with the twinning?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1: not at all, 5: very."),
    )
    replicated_actions = forms.ModelMultipleChoiceField(
        label=_("Which actions will your city replicate?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    gained = forms.CharField(
        label=_("What did your city gain?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label=_("Anything else (optional)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, offered, side, **kwargs):
        super().__init__(*args, **kwargs)
        if side == "twin":
            self.fields["replicated_actions"].queryset = offered
            del self.fields["gained"]
        else:
            del self.fields["replicated_actions"]
        self.helper = _helper(_("Send the survey"))


class NotificationForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("E-mails about changes in my pairs"),
        choices=NotificationPreference.Mode.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class CohortFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name contains"))
    mission_city = django_filters.ModelChoiceFilter(
        field_name="pairing__mission_city",
        label=_("Mission City"),
        queryset=CallMissionCity.objects.none(),
    )
    site_visit = django_filters.BooleanFilter(
        field_name="site_visit_held", label=_("Site visit held")
    )
    plan = django_filters.BooleanFilter(field_name="plan_submitted", label=_("Plan submitted"))
    at_risk = django_filters.BooleanFilter(method="filter_at_risk", label=_("At risk"))

    class Meta:
        model = Pair
        fields = []

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["mission_city"].queryset = CallMissionCity.objects.filter(
            call=call
        ).select_related("call")
        for f in ("site_visit", "plan", "at_risk"):
            self.filters[f].field.widget = forms.Select(
                choices=[("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
            )

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(pairing__application__official_name__icontains=value)
            | Q(pairing__mission_city__display_name__icontains=value)
        )

    def filter_at_risk(self, queryset, name, value):
        risky = Q(n_late__gte=AT_RISK_LATE) | Q(
            last_activity_at__lt=timezone.now() - dt.timedelta(days=IDLE_DAYS)
        )
        return queryset.filter(risky) if value else queryset.exclude(risky)
