"""Life after the match: a pair space per confirmed pairing (plan, milestones, learning agenda,
meetings and site visits, documents, messages, replication plan), its notifications and
reminders, and the closing outcome survey.

Every write goes through `pairs.services`; `PairEvent` is the pair's own trail of who did what
(its activity feed, the source of notifications and of "last activity")."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import Call, CityItem
from matching.models import Pairing


class Side(models.TextChoices):
    TWIN = "twin", _("Twin City")
    HOST = "host", _("Mission City")
    BOTH = "both", _("Both sides")
    STAFF = "staff", _("Programme team")


class EvidenceKind(models.TextChoices):
    NOTE = "note", _("A note")
    DOCUMENT = "document", _("A document")
    DATE = "date", _("A date")


class PlanTemplate(models.Model):
    """The programme plan a call gives each of its pairs, defined by staff in the admin."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, related_name="plan_template", verbose_name=_("call")
    )
    note = models.TextField(_("note for the pairs"), blank=True)

    class Meta:
        verbose_name = _("plan template")
        verbose_name_plural = _("plan templates")

    def __str__(self):
        return f"Plan of {self.call}"


class MilestoneTemplate(models.Model):
    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    offset_days = models.PositiveSmallIntegerField(
        _("due (days after the programme starts)"), validators=[MaxValueValidator(800)]
    )
    owner_side = models.CharField(
        _("owner side"), max_length=10, choices=Side.choices[:3], default=Side.BOTH
    )
    evidence_kind = models.CharField(
        _("evidenced by"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.NOTE
    )

    class Meta:
        verbose_name = _("milestone of the plan")
        verbose_name_plural = _("milestones of the plan")
        ordering = ["template", "offset_days", "position"]

    def __str__(self):
        return self.title


class Pair(models.Model):
    """The space of one confirmed pairing through the programme."""

    pairing = models.OneToOneField(
        Pairing, on_delete=models.PROTECT, related_name="pair", verbose_name=_("pairing")
    )
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="pairs")
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), db_index=True)
    learning_agenda = models.ManyToManyField(
        CityItem,
        through="LearningAgendaItem",
        related_name="+",
        blank=True,
        verbose_name=_("learning agenda"),
    )

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        ordering = ["pairing__mission_city__display_name", "pairing__application__official_name"]

    def __str__(self):
        return str(self.pairing)


def _document_path(instance, filename):
    return f"pairs/{instance.pair_id}/{uuid.uuid4().hex}.pdf"


class PairDocument(models.Model):
    """A PDF shared inside the pair; served to the pair's people and staff only."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to=_document_path,
        max_length=300,
    )
    original_name = models.CharField(_("original file name"), max_length=150)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(max_length=64)
    side = models.CharField(_("shared by"), max_length=10, choices=Side.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pair document")
        verbose_name_plural = _("pair documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        LATE = "late", _("Late")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="milestones")
    template = models.ForeignKey(
        MilestoneTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due"))
    owner_side = models.CharField(_("owner side"), max_length=10, choices=Side.choices[:3])
    evidence_kind = models.CharField(_("evidenced by"), max_length=10, choices=EvidenceKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence_note = models.TextField(_("note"), blank=True, max_length=4000)
    evidence_document = models.ForeignKey(
        PairDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    evidence_date = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["pair", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_at__isnull=False),
                name="milestone_done_has_date",
            )
        ]

    def __str__(self):
        return self.title


class LearningAgendaItem(models.Model):
    """One of the Mission City's offered actions the pair works on."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="agenda_items")
    action = models.ForeignKey(CityItem, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning agenda item")
        verbose_name_plural = _("learning agenda")
        ordering = ["pair", "action__position"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "action"], name="agenda_unique_action")
        ]

    def __str__(self):
        return str(self.action)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MEETING = "meeting", _("Meeting or workshop")
        SITE_VISIT = "site_visit", _("Site visit")

    class Format(models.TextChoices):
        ONLINE = "online", _("Online")
        ON_SITE = "on_site", _("On site")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    city = models.CharField(_("city (on site)"), max_length=120, blank=True)
    participants = models.TextField(_("participants"), max_length=2000)
    record = models.TextField(_("short record"), max_length=4000, blank=True)
    travel_plan = models.TextField(_("travel plan (site visit)"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting or site visit")
        verbose_name_plural = _("meetings and site visits")
        ordering = ["pair", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(format="online") | ~Q(city=""), name="meeting_on_site_has_city"
            ),
            models.CheckConstraint(
                condition=~Q(kind="site_visit") | Q(format="on_site"),
                name="meeting_site_visit_on_site",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date}"


class Message(models.Model):
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    body = models.TextField(_("message"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["pair", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class PlanVersion(models.Model):
    """One version of the Twin City's replication plan (its deliverable)."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    summary = models.TextField(_("summary of the plan"), max_length=8000)
    document = models.ForeignKey(
        PairDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plan document"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("replication plan version")
        verbose_name_plural = _("replication plan versions")
        ordering = ["pair", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "number"], name="plan_version_unique_number")
        ]

    def __str__(self):
        return f"v{self.number}"


class PlanFeedback(models.Model):
    """The Mission City's feedback on one version of the replication plan."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("feedback"), max_length=8000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback on the plan")
        verbose_name_plural = _("feedback on the plan")
        ordering = ["version", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]


class PairEvent(models.Model):
    """What happened in a pair, by whom: the pair's activity trail. Never edited."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Pair space opened")
        MILESTONE = "milestone", _("Milestone")
        AGENDA = "agenda", _("Learning agenda")
        MEETING = "meeting", _("Meeting or site visit")
        DOCUMENT = "document", _("Document")
        MESSAGE = "message", _("Message")
        PLAN = "plan", _("Replication plan")
        FEEDBACK = "feedback", _("Feedback on the plan")
        SURVEY = "survey", _("Outcome survey")

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, blank=True)
    summary = models.CharField(_("what happened"), max_length=300)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pair event")
        verbose_name_plural = _("pair events")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.summary


class NotificationPreference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("One e-mail per change")
        DIGEST = "digest", _("A daily digest")
        OFF = "off", _("No e-mails")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pair_notifications"
    )
    mode = models.CharField(
        _("e-mails about my pairs"), max_length=10, choices=Mode.choices, default=Mode.DIGEST
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user}: {self.mode}"


class Notification(models.Model):
    """One event for one person; `sent_at` is set when an e-mail (immediate or digest) carried
    it, so a digest never repeats what was already sent."""

    event = models.ForeignKey(PairEvent, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pair_event_notices"
    )
    mode = models.CharField(max_length=10, choices=NotificationPreference.Mode.choices)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["event__created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="notification_unique_user")
        ]

    def __str__(self):
        return f"{self.user} ← {self.event}"


class Reminder(models.Model):
    """A reminder sent once: `key` names what it was about (and the due date or the last
    activity it was judged on), so re-runs of the job find it and send nothing."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Milestone due in 7 days")
        LATE = "late", _("Milestone late")
        IDLE = "idle", _("No activity for 30 days")
        SURVEY = "survey", _("Outcome survey")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=100, unique=True)
    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="reminders")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.key


class OutcomeSurvey(models.Model):
    """The closing survey, one per side of a pair."""

    pair = models.ForeignKey(Pair, on_delete=models.CASCADE, related_name="surveys")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices[:2])
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    replicated_actions = models.ManyToManyField(
        CityItem, blank=True, related_name="+", verbose_name=_("actions the Twin City replicates")
    )
    gained = models.TextField(_("what the Mission City gained"), max_length=4000, blank=True)
    comment = models.TextField(_("anything else"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome survey")
        verbose_name_plural = _("outcome surveys")
        ordering = ["pair", "side"]
        constraints = [
            models.UniqueConstraint(fields=["pair", "side"], name="survey_unique_side"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="survey_satisfaction_range",
            ),
        ]

    def __str__(self):
        return f"{self.pair} ({self.side})"
