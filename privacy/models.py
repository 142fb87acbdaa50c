"""Requests to erase an account, and each call's retention periods."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ErasureRequest(models.Model):
    """A person asked to delete their account. Erased at once unless the programme must keep a
    record (a published pairing of their organisation); then staff confirm or refuse."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for staff")
        DONE = "done", _("Erased")
        REFUSED = "refused", _("Refused by staff")
        CANCELLED = "cancelled", _("Cancelled by the person")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="erasure_requests",
    )
    user_label = models.CharField(_("account"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("why staff confirm"), max_length=300, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("staff note"), blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]
        permissions = [
            ("confirm_erasure", _("Can confirm or refuse an erasure request")),
            ("export_personal_data", _("Can export anyone's personal data")),
            ("view_personal_data_register", _("Can see the personal data register")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="waiting"),
                name="erasure_one_waiting_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user_label} · {self.get_status_display()}"


class RetentionPolicy(models.Model):
    """How long a call keeps personal data. Without a row, the defaults of the settings apply."""

    call = models.OneToOneField(
        "cities.Call", on_delete=models.CASCADE, related_name="retention_policy"
    )
    unpaired_days = models.PositiveIntegerField(
        _("days after the call closes, for applicants not paired"),
        help_text=_("Then names, contacts, documents and free texts naming people are removed."),
    )
    pairs_days = models.PositiveIntegerField(
        _("days after the programme ends, for pairs"),
    )

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self):
        return str(self.call)


class RetentionRun(models.Model):
    """One pass of the retention job over one call: what it anonymised."""

    call = models.ForeignKey("cities.Call", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[("unpaired", _("Applicants not paired")), ("pairs", _("Pairs"))],
    )
    applications = models.PositiveIntegerField(_("applications anonymised"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.call} · {self.kind} · {self.applications}"


class AnonymisedApplication(models.Model):
    """An application whose personal data the retention job removed (once)."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.CASCADE, related_name="+"
    )
    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="anonymised")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymised application")
        verbose_name_plural = _("anonymised applications")

    def __str__(self):
        return str(self.application_id)
