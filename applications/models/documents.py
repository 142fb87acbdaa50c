"""Uploaded PDFs of an organisation's application."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .applications import Application
from .organisations import Organisation


def _document_path(instance, filename):
    return f"documents/{instance.organisation_id}/{uuid.uuid4().hex}.pdf"


class Document(models.Model):
    """An uploaded PDF, stored outside any public URL under a generated name."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Climate plan or decision")
        ENDORSEMENT = "endorsement", _("Endorsement letter")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents"
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=150)
    size = models.PositiveIntegerField(_("size in bytes"))
    pages = models.PositiveIntegerField(_("pages"), default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name
