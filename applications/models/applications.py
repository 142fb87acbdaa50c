"""Applications to a call, each step's answers, the audit trail and Mission Cities' shortlists."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cities.models import Call, CallMissionCity, CityItem, Topic

from .organisations import Organisation


class HttpsURLField(models.URLField):
    """A URL field whose form field assumes https:// when the scheme is left out."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class AuthorityType(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    METROPOLITAN_AREA = "metropolitan_area", _("Metropolitan area")
    DISTRICT = "district", _("District")
    OTHER = "other_public_administration", _("Other public administration linked to a city")


class ApplicationQuerySet(models.QuerySet):
    """The effective eligibility verdict, defined once: the staff verdict when there is one,
    else the verdict judged at submission."""

    @staticmethod
    def effective_verdict_expression():
        return Coalesce(NullIf("verdict_override", Value("")), "verdict")

    def with_effective_verdict(self, name: str = "effective_verdict"):
        """Alias the verdict as `name` (filterable); use `annotate_effective_verdict` to read it."""
        return self.alias(**{name: self.effective_verdict_expression()})

    def annotate_effective_verdict(self, name: str = "verdict_shown"):
        return self.annotate(**{name: self.effective_verdict_expression()})

    def eligible(self):
        return self.with_effective_verdict().filter(effective_verdict=Application.Verdict.ELIGIBLE)

    def ineligible(self):
        return self.with_effective_verdict().filter(
            effective_verdict=Application.Verdict.INELIGIBLE
        )

    def visible_to_cities(self):
        from ..status import visible_to_cities_q

        return self.with_effective_verdict().filter(visible_to_cities_q())

    def candidates_for_matching(self):
        from ..status import candidate_for_matching_q

        return self.with_effective_verdict().filter(candidate_for_matching_q())


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        NEEDS_INFO = "needs_info", _("More information needed")
        PAIRED = "paired", _("Paired")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Verdict(models.TextChoices):
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")
        NEEDS_REVIEW = "needs_review", _("Needs review by staff")

    class ClimatePlan(models.TextChoices):
        SECAP = "secap", _("Sustainable Energy and Climate Action Plan (SECAP)")
        SUMP = "sump", _("Sustainable Urban Mobility Plan (SUMP)")
        CLIMATE_ACTION_PLAN = "cap", _("Climate action plan or strategy")
        ADAPTATION = "adaptation", _("Climate adaptation plan")
        OTHER = "other", _("Other")

    class SiteVisits(models.TextChoices):
        YES = "yes", _("Yes, we can host and travel for site visits")
        TRAVEL_ONLY = "travel", _("We can travel, but not host")
        NO = "no", _("Not at the moment")

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    # Step 1: organisation
    official_name = models.CharField(_("official name of the local authority"), max_length=200)
    country = CountryField(_("country"), blank=True)
    authority_type = models.CharField(
        _("type of authority"), max_length=30, choices=AuthorityType.choices, blank=True
    )
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, validators=[MaxValueValidator(50_000_000)]
    )
    website = HttpsURLField(_("website"), blank=True, max_length=300)

    # Step 2: climate commitment
    target_year = models.PositiveSmallIntegerField(
        _("climate-neutrality target year"), null=True, blank=True
    )
    plan_title = models.CharField(
        _("title of the plan or decision behind the target"), max_length=300, blank=True
    )
    plan_year = models.PositiveSmallIntegerField(
        _("year of adoption"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    plan_url = HttpsURLField(_("link to the plan or decision"), blank=True, max_length=500)
    plan_document = models.ForeignKey(
        "Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan or decision (PDF)"),
    )
    climate_plans = models.JSONField(_("current climate plans"), default=list, blank=True)
    climate_plans_other = models.CharField(_("other plans"), max_length=300, blank=True)

    # Step 6: commitment
    hours_per_month = models.PositiveSmallIntegerField(
        _("hours per month the team can give"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(400)],
    )
    site_visits = models.CharField(
        _("availability for site visits"), max_length=10, choices=SiteVisits.choices, blank=True
    )
    endorsement_letter = models.ForeignKey(
        "Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsement letter (PDF)"),
    )
    consent_share = models.BooleanField(
        _("consent to share the application with Mission Cities and staff"), default=False
    )
    consent_privacy = models.BooleanField(_("consent to the privacy notice"), default=False)

    # Eligibility, judged at submission; staff may override with a reason.
    verdict = models.CharField(
        _("eligibility verdict"), max_length=20, choices=Verdict.choices, blank=True
    )
    verdict_reasons = models.JSONField(_("eligibility reasons"), default=list, blank=True)
    verdict_resembles = models.JSONField(_("resembles Mission Cities"), default=list, blank=True)
    rules_version = models.CharField(_("rules version"), max_length=20, blank=True)
    verdict_override = models.CharField(
        _("verdict set by staff"), max_length=20, choices=Verdict.choices, blank=True
    )
    verdict_override_reason = models.TextField(_("reason for the staff verdict"), blank=True)
    staff_message = models.TextField(_("what staff asked for"), blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        # The staff lists at 10,000 applications read a page in index order instead of sorting
        # every row: the admin's list (newest first, then by id), the run page's unmatched
        # applications (by name), the admin's date hierarchy (first and last submission).
        indexes = [
            models.Index(fields=["created_at", "id"], name="application_created_idx"),
            models.Index(fields=["official_name", "id"], name="application_name_idx"),
            models.Index(fields=["submitted_at"], name="application_submitted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "organisation"], name="application_one_per_organisation_and_call"
            ),
            models.CheckConstraint(
                condition=Q(hours_per_month__isnull=True) | Q(hours_per_month__lte=400),
                name="application_hours_range",
            ),
        ]

    def __str__(self):
        return f"{self.official_name} — {self.call.slug}"

    @property
    def is_editable(self):
        from ..status import is_editable

        return is_editable(self)

    @property
    def climate_plans_display(self):
        labels = dict(self.ClimatePlan.choices)
        return [str(labels.get(code, code)) for code in self.climate_plans]

    @property
    def effective_verdict(self):
        return self.verdict_override or self.verdict


MAX_REPRESENTATIVES = 2  # people per application who take part in the programme
MAX_TOPIC_ROWS = 5  # learning needs, and things to share, per application


class Representative(models.Model):
    class English(models.TextChoices):
        A2 = "A2", _("A2 or below")
        B1 = "B1", "B1"
        B2 = "B2", "B2"
        C1 = "C1", "C1"
        C2 = "C2", _("C2 or native")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="representatives"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    english_level = models.CharField(
        _("English level (CEFR)"), max_length=2, choices=English.choices, blank=True
    )

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="representative_unique_position"
            )
        ]

    def __str__(self):
        return self.name


class LearningNeed(models.Model):
    """Something the applicant wants to learn: a main topic, optionally more topics (fields,
    practices, levers), and its own words."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="learning_needs"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    more_topics = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=_("more topics")
    )
    text = models.TextField(_("what you want to learn"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("learning need")
        verbose_name_plural = _("learning needs")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="learning_need_unique_position"
            ),
        ]

    def __str__(self):
        return str(self.topic)

    def all_topics(self):
        """The main topic, then the others (uses the prefetched ``more_topics``)."""
        return [self.topic, *(t for t in self.more_topics.all() if t.pk != self.topic_id)]


class ShareOffer(models.Model):
    """Something the applicant can share with its Mission City: topics and its own words."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="shares")
    position = models.PositiveSmallIntegerField(_("position"))
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    more_topics = models.ManyToManyField(
        Topic, blank=True, related_name="+", verbose_name=_("more topics")
    )
    text = models.TextField(_("what you can share"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("what the city can share")
        verbose_name_plural = _("what the city can share")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "position"], name="share_unique_position"
            ),
        ]

    def __str__(self):
        return str(self.topic)

    def all_topics(self):
        """The main topic, then the others (uses the prefetched ``more_topics``)."""
        return [self.topic, *(t for t in self.more_topics.all() if t.pk != self.topic_id)]


class Preference(models.Model):
    """A ranked Mission City of the call; ranks are unique and contiguous from 1."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    mission_city = models.ForeignKey(
        CallMissionCity, on_delete=models.PROTECT, related_name="preferences"
    )
    reason = models.TextField(_("why this Mission City"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("preferred Mission City")
        verbose_name_plural = _("preferred Mission Cities")
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="preference_unique_rank"),
            models.UniqueConstraint(
                fields=["application", "mission_city"], name="preference_unique_city"
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="preference_rank_positive"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.mission_city.display_name}"


class ActionInterest(models.Model):
    """An offered climate action of the call that the applicant wants to learn about ("I want
    to learn this"): the strongest signal an applicant gives the matching."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="action_interests"
    )
    action = models.ForeignKey(
        CityItem,
        on_delete=models.CASCADE,
        related_name="interests",
        verbose_name=_("offered action"),
        limit_choices_to={"kind": CityItem.Kind.ACTION},
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action of interest")
        verbose_name_plural = _("actions of interest")
        ordering = ["application", "action__participation__display_name", "action__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "action"], name="action_interest_unique"
            ),
        ]

    def __str__(self):
        return str(self.action)


class StatusChange(models.Model):
    """The audit trail of an application: every status change, eligibility override, reopening,
    review, matching decision and publication, with who, when, from, to and why. Never edited."""

    class Action(models.TextChoices):
        STATUS = "status", _("Status change")
        ELIGIBILITY = "eligibility", _("Eligibility set by staff")
        REVIEW = "review", _("Review")
        MATCHING = "matching", _("Matching decision")
        PUBLICATION = "publication", _("Pairing published")
        CONFIRMATION = "confirmation", _("Pairing confirmation")

    action = models.CharField(
        _("action"), max_length=20, choices=Action.choices, default=Action.STATUS
    )
    internal = models.BooleanField(
        _("staff only"), default=False, help_text=_("Not shown to the applicant.")
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["application", "at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class ShortlistEntry(models.Model):
    """A Mission City's ranked interest in an applicant, with a note for staff."""

    mission_city = models.ForeignKey(
        CallMissionCity, on_delete=models.CASCADE, related_name="shortlist"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="shortlisted_by"
    )
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)])
    note = models.TextField(_("note for staff"), max_length=2000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        ordering = ["mission_city", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["mission_city", "application"], name="shortlist_unique_application"
            ),
            models.UniqueConstraint(fields=["mission_city", "rank"], name="shortlist_unique_rank"),
        ]

    def __str__(self):
        return f"{self.mission_city}: {self.rank}. {self.application}"
