"""Reference data (topic vocabulary, eligible countries, the 112 Mission Cities), the calls,
and each call's Mission City profiles with the actions, challenges and benefits they list."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Topic(models.Model):
    """One term of the shared topic vocabulary.

    Fields of action, levers of change and cross-cutting themes are the broad terms; a
    practice is a concrete climate practice under one of them (its ``parent``), for example
    "District heating & waste heat" under "Energy systems". An item tagged with a practice
    counts as tagged with its parent too.
    """

    class Axis(models.TextChoices):
        FIELD = "field", _("Field of action")
        LEVER = "lever", _("Lever of change")
        THEME = "theme", _("Cross-cutting theme")
        PRACTICE = "practice", _("Practice")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    axis = models.CharField(_("axis"), max_length=10, choices=Axis.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("broader topic"),
        help_text=_("For a practice: the field, lever or theme it belongs to."),
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(axis="practice") & Q(parent__isnull=False))
                | (~Q(axis="practice") & Q(parent__isnull=True)),
                name="topic_practice_has_parent",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_practice(self):
        return self.axis == self.Axis.PRACTICE

    @property
    def scoring_axis(self):
        """The axis the matching engine counts it on: a practice counts on its parent's."""
        return self.parent.axis if self.parent_id else self.axis


class EligibleCountry(models.Model):
    """A country whose local authorities may apply, from the date it became eligible."""

    class Status(models.TextChoices):
        EU_MEMBER = "eu_member", _("EU Member State")
        ASSOCIATED = "horizon_associated", _("Horizon Europe associated country")

    country = CountryField(_("country"), unique=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    effective_from = models.DateField(_("eligible from"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("eligible country")
        verbose_name_plural = _("eligible countries")
        ordering = ["country"]

    def __str__(self):
        return f"{self.country.name} ({self.get_status_display()})"


class MissionCity(models.Model):
    """One of the 112 EU Mission Cities (the registry), whether or not it takes part in a call."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    country = CountryField(_("country"))
    aliases = models.JSONField(_("aliases"), default=list, blank=True)

    class Meta:
        verbose_name = _("Mission City")
        verbose_name_plural = _("Mission Cities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="mission_city_unique_name"),
        ]

    def __str__(self):
        return self.name


class CallQuerySet(models.QuerySet):
    def open_at(self, when):
        return self.filter(opens_at__lte=when, closes_at__gt=when)


class Call(models.Model):
    """A call for Twin Cities, with its window, its settings and its Mission Cities."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    timezone = models.CharField(
        _("time zone"),
        max_length=60,
        default="Europe/Brussels",
        help_text=_("The deadline is judged in this time zone."),
    )
    programme_start = models.DateField(_("programme starts"))
    programme_months = models.PositiveSmallIntegerField(_("programme length (months)"), default=12)
    max_preferences = models.PositiveSmallIntegerField(
        _("Mission Cities an applicant may rank"), default=3
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("default Twin Cities per Mission City"), default=2
    )
    target_year_limit = models.PositiveSmallIntegerField(
        _("latest climate-neutrality target year"), default=2050
    )
    excludes_former_participants = models.BooleanField(
        _("exclude former Twin and Pilot Cities"), default=False
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(max_preferences__gte=1) & Q(max_preferences__lte=10),
                name="call_max_preferences_range",
            ),
        ]

    def __str__(self):
        return self.title

    def is_open(self, when=None):
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at


class CallMissionCity(models.Model):
    """A Mission City taking part in a call: its profile as published on the call page."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="mission_cities", verbose_name=_("call")
    )
    mission_city = models.ForeignKey(
        MissionCity,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("Mission City"),
    )
    display_name = models.CharField(_("name shown"), max_length=120)
    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    motivation = models.TextField(_("motivation"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("maximum Twin Cities"), default=2, help_text=_("How many Twin Cities it can take.")
    )
    min_capacity = models.PositiveSmallIntegerField(_("minimum Twin Cities"), default=0)
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Approximate inhabitants, for the similar-size bonus of the matching."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("Mission City in a call")
        verbose_name_plural = _("Mission Cities in calls")
        ordering = ["call", "display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "mission_city"], name="call_mission_city_unique"
            ),
            models.CheckConstraint(
                condition=Q(min_capacity__lte=F("capacity")), name="call_mission_city_min_le_max"
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.call.slug})"

    @property
    def slug(self):
        return self.mission_city.slug


class CityItem(models.Model):
    """One bullet of a Mission City's card: an action it offers, a challenge or a benefit."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Climate action offered")
        CHALLENGE = "challenge", _("Challenge to work on")
        BENEFIT = "benefit", _("Expected benefit")

    participation = models.ForeignKey(
        CallMissionCity, on_delete=models.CASCADE, related_name="items", verbose_name=_("city")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    group = models.CharField(_("group"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(Topic, related_name="city_items", verbose_name=_("topics"))

    class Meta:
        verbose_name = _("Mission City item")
        verbose_name_plural = _("Mission City items")
        ordering = ["participation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "position"], name="city_item_unique_position"
            ),
        ]

    def __str__(self):
        return self.title


class MissionCityMembership(models.Model):
    """A person who acts for a Mission City in its workspace. Revoked memberships are kept."""

    user = models.ForeignKey(
        "users.User",
        on_delete=models.CASCADE,
        related_name="mission_city_memberships",
        verbose_name=_("user"),
    )
    mission_city = models.ForeignKey(
        MissionCity,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Mission City"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mission City membership")
        verbose_name_plural = _("Mission City memberships")
        ordering = ["mission_city", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "mission_city"], name="membership_unique_user_city"
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.mission_city}"

    @property
    def is_active(self):
        return self.revoked_at is None


class FormerParticipant(models.Model):
    """A city that took part in an earlier round as a Twin City or a Pilot City. Calls that
    exclude former participants judge applicants against this registry; staff keep it in the
    admin (with a CSV import), each row with its public source."""

    class Kind(models.TextChoices):
        TWIN = "twin", _("Twin City")
        PILOT = "pilot", _("Pilot City")

    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    kind = models.CharField(_("took part as"), max_length=10, choices=Kind.choices)
    cohort = models.CharField(
        _("round"), max_length=60, blank=True, help_text=_("For example “2024 (cohort 2)”.")
    )
    paired_with = models.CharField(_("paired with"), max_length=200, blank=True)
    source_url = models.URLField(_("source"), max_length=300)
    source_note = models.CharField(_("what the source says"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("former Twin or Pilot City")
        verbose_name_plural = _("former Twin and Pilot Cities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "country"], name="former_participant_unique_name_country"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.country.code})"
