"""Staff review of applications: criteria and thresholds per call, assignments, reviews, scores."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import Call

from .applications import Application


class ReviewCriterion(models.Model):
    """A criterion of a call's review, scored 0–5, with the score it must reach."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="review_criteria")
    slug = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    threshold = models.DecimalField(
        _("threshold (mean score to reach)"),
        max_digits=3,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )
    position = models.PositiveSmallIntegerField(default=0)
    levels = models.JSONField(
        _("what each score means"),
        default=list,
        blank=True,
        help_text=_(
            'Six descriptions, for the scores 0 to 5, as a list: ["Not shown", …]. Empty: the '
            "general scale."
        ),
    )

    # The general scale, shown beside the scores of a criterion without its own descriptions.
    GENERAL_LEVELS = (
        _("Not shown at all"),
        _("Very weak: mentioned, nothing concrete"),
        _("Weak: some elements, with major gaps"),
        _("Adequate: the essentials, with some gaps"),
        _("Strong: clear and concrete, minor gaps only"),
        _("Excellent: clear, concrete and convincing throughout"),
    )

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["call", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "slug"], name="review_criterion_unique_slug")
        ]

    def __str__(self):
        return self.name

    @property
    def level_descriptions(self) -> list[str]:
        """What the scores 0 to 5 mean for this criterion."""
        if isinstance(self.levels, list) and len(self.levels) == 6:
            return [str(level) for level in self.levels]
        return [str(level) for level in self.GENERAL_LEVELS]

    def clean(self):
        if self.levels and not (
            isinstance(self.levels, list)
            and len(self.levels) == 6
            and all(isinstance(level, str) and level.strip() for level in self.levels)
        ):
            raise ValidationError(
                {"levels": _("Give six descriptions, one for each score from 0 to 5, or none.")}
            )


class ReviewSettings(models.Model):
    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="review_settings")
    total_threshold = models.DecimalField(
        _("threshold of the total (sum of the criteria's mean scores)"),
        max_digits=4,
        decimal_places=1,
        default=12,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")

    def __str__(self):
        return f"Review settings of {self.call}"


class ReviewAssignmentQuerySet(models.QuerySet):
    def active_conflicts(self):
        """The conflicts of interest in force (declared or confirmed, not withdrawn): the ones
        that hide an application from its reviewer. The one definition every hiding uses."""
        return self.filter(conflict=True)


class ReviewAssignment(models.Model):
    """A staff reviewer asked to review an application; a declared conflict hides it from them.

    A conflict of interest is declared by the reviewer, confirmed by staff allowed to decide
    conflicts, and withdrawn by the reviewer who declared it or by such staff
    (applications.reviews.services). `conflict` is true while the conflict is in force (declared
    or confirmed); the constraint keeps it in step with `conflict_status`.
    """

    class ConflictStatus(models.TextChoices):
        NONE = "", _("None")
        DECLARED = "declared", _("Declared")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE_CONFLICT = (ConflictStatus.DECLARED, ConflictStatus.CONFIRMED)

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    conflict = models.BooleanField(_("conflict of interest in force"), default=False)
    conflict_status = models.CharField(
        _("conflict of interest"),
        max_length=10,
        choices=ConflictStatus.choices,
        default=ConflictStatus.NONE,
        blank=True,
    )
    conflict_reason = models.TextField(_("conflict of interest"), blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_assignment_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(conflict=True, conflict_status__in=["declared", "confirmed"])
                    | models.Q(conflict=False, conflict_status__in=["", "withdrawn"])
                ),
                name="review_assignment_conflict_in_step",
            ),
        ]
        permissions = [
            ("decide_conflict", _("Can confirm and withdraw any conflict of interest")),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application}"


class Review(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(max_digits=4, decimal_places=1, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["application", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_unique")
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.application} ({self.total})"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=5), name="review_score_range"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"
