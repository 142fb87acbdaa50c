"""The stored outbox: every e-mail is a row written in the transaction that causes it, sent by
the worker, retried with backoff, and kept with its state for staff to see.

A low-layer app: it imports none of cities, applications or matching.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Email(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    template = models.CharField(_("template"), max_length=100, blank=True)
    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("body"))
    html = models.TextField(_("HTML body"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While a worker sends it, the row is "sending" until this time; past it the sweeper gives
    # the row back (a worker that died mid-send).
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]
        permissions = [("resend_email", _("Can send an outgoing e-mail again"))]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
