"""Checks of uploaded documents by their content: PDF only, at most 10 MB."""

import hashlib
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from pypdf import PdfReader

MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PdfInfo:
    size: int
    pages: int
    sha256: str
    original_name: str


def safe_display_name(name: str) -> str:
    """The uploaded file's name, made safe to display and to offer for download."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = get_valid_filename(base) if base.strip(" .") else ""
    if not cleaned or cleaned in {".", ".."}:
        cleaned = "document.pdf"
    if not cleaned.lower().endswith(".pdf"):
        cleaned = f"{cleaned}.pdf"
    return cleaned[-150:]


def inspect_pdf(upload) -> PdfInfo:
    """Raise ValidationError unless `upload` is a readable PDF of at most 10 MB."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB. Please upload a smaller PDF.")
            % {"size": upload.size / 1024 / 1024},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    if PDF_MAGIC not in head:
        raise ValidationError(
            _("This file is not a PDF. Please export the document as PDF and upload it again."),
            code="not_pdf",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    pypdf_logger = logging.getLogger("pypdf")
    previous = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is password-protected. Please upload it without a password."),
                code="encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # a hostile or broken file may raise anything inside the parser
        raise ValidationError(
            _("This PDF could not be read; it may be damaged. Please save it again and retry."),
            code="unreadable",
        ) from exc
    finally:
        pypdf_logger.setLevel(previous)
        upload.seek(0)
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="empty")
    return PdfInfo(
        size=upload.size,
        pages=pages,
        sha256=digest.hexdigest(),
        original_name=safe_display_name(upload.name),
    )
