"""Deadline reminders e-mailed about drafts (see applications/reminders.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application


class DeadlineReminder(models.Model):
    """A deadline reminder e-mailed about a draft application: one row per draft and kind,
    written in the same transaction as the e-mail is queued, so each reminder goes out once."""

    class Kind(models.TextChoices):
        WEEK = "7d", _("7 days before the deadline")
        DAY = "1d", _("1 day before the deadline")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="deadline_reminders",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("reminder"), max_length=2, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline announced"))
    recipients = models.TextField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ["-sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"], name="deadline_reminder_once_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.application} ({self.get_kind_display()})"
