"""Matching settings of a call, staff pins and forbids, runs, their proposals and the
published pairings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from cities.models import Call, CallMissionCity

_weight = [MinValueValidator(0), MaxValueValidator(10)]


class MatchingSettings(models.Model):
    """Weights and minimum score of a call's matching; defaults as documented in the README."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="matching_settings")
    weight_action_interest = models.FloatField(
        _("weight: actions the applicant named"), default=0.5, validators=_weight
    )
    weight_need_offer = models.FloatField(
        _("weight: needs ↔ offered actions (topics)"), default=0.4, validators=_weight
    )
    weight_text = models.FloatField(
        _("weight: needs ↔ offered actions (wording)"), default=0.4, validators=_weight
    )
    weight_share_challenge = models.FloatField(
        _("weight: shares ↔ challenges and expected benefits"), default=0.10, validators=_weight
    )
    weight_preference = models.FloatField(
        _("weight: applicant's preference"), default=0.3, validators=_weight
    )
    weight_host_interest = models.FloatField(
        _("weight: Mission City's shortlist"), default=0.05, validators=_weight
    )
    weight_context = models.FloatField(
        _("weight: context bonuses"),
        default=1.0,
        validators=_weight,
        help_text=_("1 adds the bonuses below as they are; 0 turns them off."),
    )
    bonus_language = models.FloatField(
        _("bonus: shared official language"),
        default=0.06,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    bonus_neighbour = models.FloatField(
        _("bonus: same or neighbouring country (no shared language)"),
        default=0.04,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    bonus_size = models.FloatField(
        _("bonus: same size class (under 50,000; to 250,000; to 1 million; more)"),
        default=0.04,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    bonus_site_visits = models.FloatField(
        _("bonus: the applicant can travel for site visits"),
        default=0.02,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "The same for every Mission City: it only decides between applicants competing "
            "for a place."
        ),
    )
    bonus_english = models.FloatField(
        _("bonus: no shared language, but the contact's English is B2 or above"),
        default=0.0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    preference_step = models.FloatField(
        _("preference: fall from the 1st rank to beyond the last"),
        default=0.2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "0.2 (the default) scores the 1st, 2nd and 3rd choice 1.0, 0.93 and 0.87: every "
            "ranked city counts nearly as much; 0.9 gives 1.0, 0.7 and 0.4."
        ),
    )
    min_score = models.FloatField(
        _("minimum score of a proposed pair"),
        default=0.2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self):
        return f"Matching settings of {self.call}"

    def weights(self) -> dict[str, float]:
        return {
            "action_interest": self.weight_action_interest,
            "need_offer": self.weight_need_offer,
            "text": self.weight_text,
            "share_challenge": self.weight_share_challenge,
            "preference": self.weight_preference,
            "host_interest": self.weight_host_interest,
            "context": self.weight_context,
        }

    def context(self) -> dict[str, float]:
        return {
            "language": self.bonus_language,
            "neighbour": self.bonus_neighbour,
            "size": self.bonus_size,
            "site_visits": self.bonus_site_visits,
            "english": self.bonus_english,
        }


class PairConstraint(models.Model):
    """A staff decision for the next runs: this pair must be in (pin) or never (forbid)."""

    class Kind(models.TextChoices):
        PIN = "pin", _("Pin: must be paired")
        FORBID = "forbid", _("Forbid: never pair")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="pair_constraints"
    )
    mission_city = models.ForeignKey(
        CallMissionCity, on_delete=models.CASCADE, related_name="pair_constraints"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pin or forbid")
        verbose_name_plural = _("pins and forbids")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "mission_city"], name="pair_constraint_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.application} ↔ {self.mission_city}"


class MatchingRun(models.Model):
    class Mode(models.TextChoices):
        CHOICES = "choices", _("Choices respected (then maximum total score)")
        OPTIMAL = "optimal", _("Optimal (maximum total score)")
        STABLE = "stable", _("Stable (deferred acceptance)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="matching_runs")
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.CHOICES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    inputs = models.JSONField(_("inputs (ids)"), default=dict)
    stats = models.JSONField(_("statistics"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    objective = models.FloatField(_("total score"), null=True, blank=True)
    blocking_pairs = models.PositiveIntegerField(_("blocking pairs"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    timings = models.JSONField(_("timings (s)"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Run {self.pk} ({self.get_mode_display()}, {self.call.slug})"


class Proposal(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        OVERRIDDEN = "overridden", _("Changed to another Mission City")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    mission_city = models.ForeignKey(CallMissionCity, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    components = models.JSONField(_("components"), default=dict)
    reasons = models.JSONField(_("reasons"), default=list)
    explanation = models.TextField(_("explanation"))
    details = models.JSONField(
        _("evidence"),
        default=dict,
        blank=True,
        help_text=_("Needs covered and not, rank, bypassed choices: see matching.explanations."),
    )
    rank = models.PositiveSmallIntegerField(_("applicant's rank"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned by staff"), default=False)
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    override_city = models.ForeignKey(
        CallMissionCity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed to"),
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proposed pairing")
        verbose_name_plural = _("proposed pairings")
        ordering = ["run", "mission_city__display_name", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="proposal_unique_application"
            )
        ]

    def __str__(self):
        return f"{self.application.official_name} → {self.final_city.display_name}"

    @property
    def final_city(self):
        return (
            self.override_city if self.decision == self.Decision.OVERRIDDEN else self.mission_city
        )


class UnmatchedApplication(models.Model):
    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unmatched")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        verbose_name = _("unmatched application")
        verbose_name_plural = _("unmatched applications")
        ordering = ["run", "application__official_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "application"], name="unmatched_unique_application"
            )
        ]

    def __str__(self):
        return str(self.application)


class Pairing(models.Model):
    """A published pairing of a Twin City with a Mission City; both sides confirm it."""

    class Confirmation(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="pairings")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="pairing"
    )
    mission_city = models.ForeignKey(
        CallMissionCity, on_delete=models.PROTECT, related_name="pairings"
    )
    run = models.ForeignKey(
        MatchingRun, on_delete=models.SET_NULL, null=True, related_name="pairings"
    )
    score = models.FloatField(_("score"), null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    details = models.JSONField(_("evidence"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    host_confirmation = models.CharField(
        max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    host_reason = models.TextField(blank=True)
    twin_confirmation = models.CharField(
        max_length=10, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    twin_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("published pairing")
        verbose_name_plural = _("published pairings")
        ordering = ["mission_city__display_name", "application__official_name"]

    def __str__(self):
        return f"{self.application.official_name} ↔ {self.mission_city.display_name}"
