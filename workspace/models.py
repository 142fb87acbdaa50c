"""Invitations of people to act for a Mission City in its workspace.

The memberships themselves are `cities.MissionCityMembership`; the shortlists are
`applications.ShortlistEntry`, which the matching engine reads as the host's interest.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cities.models import MissionCity


class MissionCityInvitation(models.Model):
    """An e-mail invitation to join a Mission City's workspace; used once, by that address."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")

    mission_city = models.ForeignKey(
        MissionCity,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("Mission City"),
    )
    email = models.EmailField(_("e-mail address"))
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("Mission City invitation")
        verbose_name_plural = _("Mission City invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} → {self.mission_city}"

    @property
    def state(self) -> str:
        if self.revoked:
            return self.State.REVOKED
        if self.accepted_at is not None:
            return self.State.ACCEPTED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label
