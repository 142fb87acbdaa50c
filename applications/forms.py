"""Forms of the application steps: validation only; services do the saving.

Drafts may be incomplete: fields are optional here and completeness is checked at submission,
but what is entered must be valid (a real year, a PDF, a city of the call, unique ranks).
"""

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from cities.eligibility import AUTHORITY_TYPES, validate_target_year
from cities.models import CallMissionCity, CityItem, Topic
from cities.selectors import call_facts
from twinning import pagecache
from twinning.widgets import FastSelect, FastSelectMultiple, KeptChoices

from .documents import inspect_pdf
from .models import Application, Representative

TEXT_MAX = 2000
COUNTRY_CHOICES = [("", _("Choose your country")), *countries]


class PdfField(forms.FileField):
    """A file checked by its content: a readable PDF of at most 10 MB."""

    widget = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "chunks") and upload is not initial:
            upload.pdf_info = inspect_pdf(upload)
        return upload


def mark_required_to_submit(form, names) -> None:
    """Mark the answers needed before submitting (a draft may be saved without them): the
    `required` attribute, which screen readers announce (the step's form is `novalidate`, so the
    browser does not block a draft), and the visible marker the step's legend explains. The plain
    label is kept for the error summary."""
    for name in names:
        field = form.fields[name]
        field.widget.attrs["required"] = True
        if not field.required:  # crispy marks required fields itself
            field.plain_label = field.label
            field.label = format_html(
                '{}<span class="asteriskField" aria-hidden="true">*</span>', field.label
            )


class RequiredToSubmit:
    """Mixed into a step's form: `required_to_submit` names its answers needed to submit."""

    required_to_submit: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_required_to_submit(self, self.required_to_submit)


class StartForm(forms.Form):
    name = forms.CharField(
        label=_("Official name of your local authority"),
        max_length=200,
        help_text=_("For example “Comune di Lecce” or “City of Plymouth”."),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=COUNTRY_CHOICES, widget=FastSelect)


class EligibilityForm(forms.Form):
    name = forms.CharField(label=_("Name of your city or local authority"), max_length=200)
    country = LazyTypedChoiceField(label=_("Country"), choices=COUNTRY_CHOICES, widget=FastSelect)
    authority_type = forms.ChoiceField(
        label=_("Type of authority"),
        choices=[("", _("Choose the type of authority")), *AUTHORITY_TYPES],
        widget=FastSelect,
    )
    target_year = forms.IntegerField(
        label=_("Climate-neutrality target year"),
        help_text=_("The year by which your city aims to be climate-neutral."),
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call

    def clean_target_year(self):
        year = self.cleaned_data["target_year"]
        if self.call is not None:
            problem = validate_target_year(year, call_facts(self.call))
            if problem:
                raise ValidationError(problem)
        return year


class OrganisationForm(RequiredToSubmit, forms.ModelForm):
    required_to_submit = ("official_name", "country", "authority_type", "population")

    class Meta:
        model = Application
        fields = ["official_name", "country", "authority_type", "population", "website"]
        widgets = {"country": FastSelect, "authority_type": FastSelect}
        help_texts = {
            "website": _("The address of your authority's website, starting with https://"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authority_type"].choices = [("", "---------"), *AUTHORITY_TYPES]
        for name in ["country", "authority_type", "population", "website"]:
            self.fields[name].required = False
        # One message per bad value: the form's own "at least 0" gives way to "at least 1".
        population = self.fields["population"]
        population.validators = [
            v for v in population.validators if not isinstance(v, MinValueValidator)
        ] + [
            MinValueValidator(
                1, message=_("Enter the number of inhabitants, a whole number above 0.")
            )
        ]
        population.widget.attrs["min"] = 1


class RepresentativeForm(forms.ModelForm):
    class Meta:
        model = Representative
        fields = ["name", "role", "email", "english_level"]
        widgets = {"english_level": FastSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def clean(self):
        data = super().clean()
        if any(data.get(f) for f in ["role", "email", "english_level"]) and not data.get("name"):
            self.add_error("name", _("Give the representative's name."))
        return data


class ClimateForm(RequiredToSubmit, forms.ModelForm):
    required_to_submit = ("target_year", "plan_title", "plan_year")

    plan_pdf = PdfField(
        label=_("The plan or decision as a PDF (optional if you give a link)"),
        required=False,
        help_text=_("PDF only, at most 10 MB."),
    )
    climate_plans = forms.MultipleChoiceField(
        label=_("Current climate plans"),
        choices=Application.ClimatePlan.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Application
        fields = [
            "target_year",
            "plan_title",
            "plan_year",
            "plan_url",
            "climate_plans",
            "climate_plans_other",
        ]
        help_texts = {
            "target_year": _(
                "The year by which your city aims to be climate-neutral (2050 or earlier)."
            ),
        }

    def clean_target_year(self):
        """A year the call's rules can never accept is an error here, not a silent verdict."""
        year = self.cleaned_data.get("target_year")
        if year is not None:
            call = self.instance.call
            problem = validate_target_year(year, call_facts(call))
            if problem:
                raise ValidationError(problem)
            if year > call.target_year_limit:
                raise ValidationError(
                    _(
                        "This call is open to authorities aiming for climate neutrality by "
                        "%(limit)s or earlier; %(year)s is later. Enter the year of your adopted "
                        "target, %(limit)s or earlier."
                    )
                    % {"year": year, "limit": call.target_year_limit}
                )
        return year

    def clean_plan_year(self):
        year = self.cleaned_data.get("plan_year")
        this_year = timezone.localdate().year
        if year is not None and year > this_year:
            raise ValidationError(
                _(
                    "%(year)s is in the future: enter the year the plan or decision was adopted "
                    "(%(this_year)s or earlier)."
                )
                % {"year": year, "this_year": this_year}
            )
        return year


class RowFormSet(forms.BaseFormSet):
    """Rows that are left empty are dropped; filled rows must be unique on `unique_field`.

    Every row's errors and the formset's own are found in one submit (no check waits for the
    others to pass). The first row's `required_to_submit` answers are marked: at least one row
    is needed before submitting."""

    unique_field = None
    unique_message = ""
    required_to_submit: tuple[str, ...] = ()

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i == 0:
            mark_required_to_submit(form, self.required_to_submit)
        return form

    def filled_rows(self):
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        seen = set()
        for form in self.forms:
            value = getattr(form, "cleaned_data", {}).get(self.unique_field)
            if value is None:
                continue
            if value in seen:
                form.add_error(self.unique_field, self.unique_message)
            seen.add(value)


class TopicRowForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False, widget=FastSelect
    )
    more_topics = forms.ModelMultipleChoiceField(
        label=_("More topics (optional)"),
        queryset=Topic.objects.all(),
        required=False,
        help_text=_(
            "Add concrete practices (for example district heating, renovation one-stop shops) "
            "and levers (finance, participation) that this need is also about."
        ),
        widget=FastSelectMultiple(attrs={"size": 6}),
    )
    text = forms.CharField(
        label=_("What exactly?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("topic"):
            self.add_error("topic", _("Choose the topic this text is about."))
        return data


class RepresentativeFormSet(RowFormSet):
    required_to_submit = ("name", "role", "email", "english_level")


class NeedFormSet(RowFormSet):
    unique_field = "topic"
    unique_message = _("You chose this topic twice; choose each topic once.")
    required_to_submit = ("topic", "text")


class ShareFormSet(NeedFormSet):
    required_to_submit = ()  # sharing is optional


class PreferenceRowForm(forms.Form):
    mission_city = forms.ModelChoiceField(
        label=_("Mission City"),
        queryset=CallMissionCity.objects.none(),
        required=False,
        widget=FastSelect,
        error_messages={
            "invalid_choice": _("Choose one of the Mission Cities taking part in this call.")
        },
    )
    reason = forms.CharField(
        label=_("Why this Mission City?"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission_city"].queryset = CallMissionCity.objects.filter(call=call).order_by(
            "display_name"
        )
        self.fields["mission_city"].label_from_instance = lambda c: c.display_name

    def clean(self):
        data = super().clean()
        if data.get("reason") and not data.get("mission_city"):
            self.add_error("mission_city", _("Choose the Mission City this reason is for."))
        return data


class PreferenceFormSet(RowFormSet):
    unique_field = "mission_city"
    unique_message = _("You ranked this Mission City twice; rank each city once.")
    required_to_submit = ("mission_city", "reason")

    def clean(self):
        super().clean()
        gap = False
        for form in self.forms:
            # A rank with an invalid choice is not empty: its own error says what is wrong.
            chosen = "mission_city" in form.errors
            if getattr(form, "cleaned_data", {}).get("mission_city") is None and not chosen:
                gap = True
            elif gap:
                raise ValidationError(
                    _("Fill the ranks in order: leave no empty rank above a chosen city."),
                    code="gap",
                )


class CommitmentForm(RequiredToSubmit, forms.ModelForm):
    required_to_submit = (
        "hours_per_month",
        "site_visits",
        "endorsement_pdf",
        "consent_share",
        "consent_privacy",
    )

    endorsement_pdf = PdfField(
        label=_("Endorsement letter signed by the mayor or equivalent (PDF)"),
        required=False,
        help_text=_("PDF only, at most 10 MB. Uploading a new file replaces the previous one."),
    )

    class Meta:
        model = Application
        fields = ["hours_per_month", "site_visits", "consent_share", "consent_privacy"]
        widgets = {"site_visits": forms.RadioSelect}
        help_texts = {
            "hours_per_month": _("The programme expects at least 12 hours a month."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site_visits"].required = False
        self.fields["site_visits"].choices = Application.SiteVisits.choices
        self.fields["hours_per_month"].min_value = 0


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw our application"),
        required=True,
        error_messages={"required": _("Tick this box to withdraw the application.")},
    )


class RestoreForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want to restore the application?"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why you want to restore the application.")},
    )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Your colleague's e-mail address"), max_length=254)


def row_formset(form_class, formset_class, *, max_rows, prefix, data=None, initial=None, **kw):
    factory = forms.formset_factory(
        form_class,
        formset=formset_class,
        extra=max_rows,
        max_num=max_rows,
        absolute_max=max_rows,
        validate_max=True,
    )
    formset = factory(data=data, initial=initial, prefix=prefix, form_kwargs=kw or None)
    _share_choices(formset, key=":".join(str(getattr(v, "pk", v)) for v in kw.values()))
    return formset


def _share_choices(formset, *, key: str) -> None:
    """Every row of a formset offers the same options: built once for all the rows, not once
    per row and field, and kept while the reference data does not change (`model_choices`;
    validation still goes through each field's queryset). `key` names what the rows' options
    depend on besides the form class (the call)."""
    forms_ = formset.forms
    if not forms_:
        return
    for name, field in forms_[0].fields.items():
        if isinstance(field, forms.ModelChoiceField):
            choices = model_choices(field, f"{type(forms_[0]).__name__}.{name}:{key}")
            for form in forms_:
                form.fields[name].choices = choices


def model_choices(field, key: str) -> KeptChoices:
    """The options (value, label) of a model choice field over the `cities` reference data
    (topics, the call's Mission Cities and their actions): kept in the cache under the version
    of the public pages, which every staff edit of a `cities` model starts anew (cities.apps),
    for at most PUBLIC_PAGE_CACHE_SECONDS, so a step's page queries them once, not on every
    request. `key` must name everything the field's queryset and labels depend on."""
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    full_key = f"form-choices:{pagecache.version()}:{translation.get_language()}:{key}"
    choices = cache.get(full_key) if seconds > 0 else None
    if choices is None:
        choices = [(str(value), str(label)) for value, label in field.choices]
        if seconds > 0:
            cache.set(full_key, choices, seconds)
    return KeptChoices(choices)


class ActionInterestForm(forms.Form):
    """The offered climate actions of the call the applicant wants to learn about."""

    actions = forms.ModelMultipleChoiceField(
        label=_("Climate actions you want to learn about (optional)"),
        queryset=CityItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The strongest signal you can give: the matching looks first for the Mission City "
            "that offers the actions you tick. You can also add them from the Mission City pages."
        ),
    )

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = (
            CityItem.objects.filter(participation__call=call, kind=CityItem.Kind.ACTION)
            .select_related("participation")
            .order_by("participation__display_name", "position")
        )
        self.fields["actions"].label_from_instance = lambda item: (
            f"{item.participation.display_name}: {item.title}"
        )
        self.fields["actions"].choices = model_choices(
            self.fields["actions"], f"ActionInterestForm.actions:{getattr(call, 'pk', call)}"
        )
