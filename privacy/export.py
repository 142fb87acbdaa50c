"""The data export: everything linked to a person (or, for staff, to an organisation), as a ZIP
with one JSON file of it all, a CSV per section, the documents themselves and a README."""

import csv
import datetime
import decimal
import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from applications.models import (
    Application,
    Document,
    OrganisationInvitation,
    OrganisationMember,
    Review,
    ShortlistEntry,
    StatusChange,
)
from audit.models import AuditEntry
from cities.models import MissionCityMembership
from matching.models import Pairing
from users.models import ConsentRecord
from workspace.models import MissionCityInvitation

from .erasure import email_in, person_emails
from .register import holdings_by_model, installed_model

# Never exported: secrets, not data about the person.
_SECRET_FIELDS = {"password", "token", "session_key", "secret", "data"}
_APPLICATION_CHILDREN = ("representatives", "learning_needs", "shares", "preferences")

README = """Your data from the Twinning portal (EU Cities Mission Twinning Learning Programme)
Exported on {now} for {who}.

data.json  everything below in one file
*.csv      one table per section (nested lists are written as JSON in their cell)
documents/ the PDF files {whose}

Sections: {sections}

Questions, corrections: write to the programme team (see the privacy notice on the portal).
"""


def row(obj) -> dict:
    """The concrete fields of one row, links as their text, secrets left out."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in _SECRET_FIELDS:
            continue
        if isinstance(field, models.ForeignKey):
            target = getattr(obj, field.name)
            data[field.name] = str(target) if target is not None else None
        elif isinstance(field, models.FileField):
            value = getattr(obj, field.attname)
            data[field.name] = str(value) if value else ""
        else:
            data[field.name] = getattr(obj, field.attname)
    return data


def _application(application) -> dict:
    data = row(application)
    for name in _APPLICATION_CHILDREN:
        data[name] = [row(child) for child in getattr(application, name).all()]
    return data


def person_sections(user) -> dict[str, list[dict]]:
    emails = person_emails(user)
    membership = OrganisationMember.objects.filter(user=user).select_related("organisation").first()
    organisation = membership.organisation if membership else None
    applications = (
        Application.objects.filter(organisation=organisation)
        .select_related("call", "organisation", "plan_document", "endorsement_letter")
        .prefetch_related(*_APPLICATION_CHILDREN)
        if organisation
        else Application.objects.none()
    )
    email_model = installed_model("account.EmailAddress")
    sections = {
        "account": [
            {
                "id": user.pk,
                "email": user.email,
                "name": user.name,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "is_staff": user.is_staff,
            }
        ],
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in (email_model.objects.filter(user=user) if email_model else [])
        ],
        "consents": [
            {
                "notice": record.notice.get_kind_display(),
                "version": record.notice.version,
                "title": record.notice.title,
                "accepted_at": record.accepted_at,
                "from": record.get_source_display(),
                "context": record.context,
            }
            for record in ConsentRecord.objects.filter(user=user).select_related("notice")
        ],
        "organisations": [
            {
                "organisation": membership.organisation.name,
                "country": str(membership.organisation.country),
                "role": membership.get_role_display(),
                "joined_at": membership.joined_at,
            }
        ]
        if membership
        else [],
        "applications": [_application(a) for a in applications],
        "documents": [
            row(d) for d in Document.objects.filter(uploaded_by=user).select_related("organisation")
        ],
        "pairings": [
            row(p)
            for p in Pairing.objects.filter(application__in=applications).select_related(
                "call", "application", "mission_city", "run", "published_by"
            )
        ],
        "invitations": [
            row(i)
            for i in OrganisationInvitation.objects.filter(
                Q(invited_by=user) | email_in("email", emails)
            ).select_related("organisation", "invited_by")
        ]
        + [
            row(i)
            for i in MissionCityInvitation.objects.filter(
                Q(invited_by=user) | email_in("email", emails)
            ).select_related("mission_city", "invited_by", "accepted_by")
        ],
        "mission_city_memberships": [
            row(m)
            for m in MissionCityMembership.objects.filter(user=user).select_related("mission_city")
        ],
        "reviews_written": [
            {**row(r), "scores": [row(s) for s in r.scores.all()]}
            for r in Review.objects.filter(reviewer=user)
            .select_related("application", "reviewer")
            .prefetch_related("scores__criterion")
        ],
        "shortlist_notes": [
            row(s)
            for s in ShortlistEntry.objects.filter(added_by=user).select_related(
                "mission_city", "application", "added_by"
            )
        ],
        "application_trail": [
            row(c)
            for c in StatusChange.objects.filter(
                Q(by=user) | Q(application__in=applications)
            ).select_related("application", "by")
        ],
        "audit_entries": [
            row(e)
            for e in AuditEntry.objects.filter(
                Q(actor=user)
                | Q(application__in=applications)
                | Q(target_type=ContentType.objects.get_for_model(user), target_id=str(user.pk))
            ).select_related("actor", "application", "target_type")
        ],
    }
    sections.update(linked_records(user, covered=EXPLICIT))
    return sections


# Tables the person's sections above already cover.
EXPLICIT = {
    "users.User",
    "account.EmailAddress",
    "users.ConsentRecord",
    "applications.OrganisationMember",
    "applications.OrganisationInvitation",
    "applications.Document",
    "applications.Review",
    "applications.ShortlistEntry",
    "applications.StatusChange",
    "matching.Pairing",
    "cities.MissionCityMembership",
    "workspace.MissionCityInvitation",
    "audit.AuditEntry",
}


def linked_records(user, *, covered) -> dict[str, list[dict]]:
    """Every other row the register says links to the person (their messages in a pair space,
    meetings they recorded, decisions they took…), one section per table, found through the
    register so that a table added later is exported without changing this module."""
    user_model = get_user_model()
    sections = {}
    for label, holding in holdings_by_model().items():
        if label in covered:
            continue
        model = holding.model_class
        links = [
            name
            for name in holding.personal
            if isinstance(model._meta.get_field(name), models.ForeignKey)
            and model._meta.get_field(name).related_model is user_model
        ]
        if not links:
            continue
        query = Q()
        for name in links:
            query |= Q(**{name: user})
        related = [f.name for f in model._meta.concrete_fields if isinstance(f, models.ForeignKey)]
        rows = [row(obj) for obj in model._base_manager.filter(query).select_related(*related)]
        if rows:
            sections[label.lower()] = rows
    return sections


def organisation_sections(organisation) -> dict[str, list[dict]]:
    applications = (
        Application.objects.filter(organisation=organisation)
        .select_related("call", "organisation", "plan_document", "endorsement_letter")
        .prefetch_related(*_APPLICATION_CHILDREN)
    )
    return {
        "organisation": [row(organisation)],
        "members": [
            {**row(m), "email": m.user.email, "name": m.user.name}
            for m in organisation.members.select_related("user", "organisation")
        ],
        "invitations": [row(i) for i in organisation.invitations.select_related("invited_by")],
        "applications": [_application(a) for a in applications],
        "documents": [row(d) for d in organisation.documents.select_related("uploaded_by")],
        "pairings": [
            row(p)
            for p in Pairing.objects.filter(application__in=applications).select_related(
                "call", "application", "mission_city", "run", "published_by"
            )
        ],
        "application_trail": [
            row(c)
            for c in StatusChange.objects.filter(application__in=applications).select_related(
                "application", "by"
            )
        ],
        "audit_entries": [
            row(e)
            for e in AuditEntry.objects.filter(
                Q(application__in=applications)
                | Q(
                    target_type=ContentType.objects.get_for_model(organisation),
                    target_id=str(organisation.pk),
                )
            ).select_related("actor", "application", "target_type")
        ],
    }


def build_zip(*, sections: dict[str, list[dict]], documents, who: str, whose: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                now=timezone.now().isoformat(timespec="seconds"),
                who=who,
                whose=whose,
                sections=", ".join(sections),
            ),
        )
        archive.writestr(
            "data.json", json.dumps(sections, indent=2, ensure_ascii=False, default=_json_default)
        )
        for name, rows in sections.items():
            archive.writestr(f"{name}.csv", _csv(rows))
        for document in documents:
            try:
                with document.file.open("rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError):
                continue  # listed in documents.csv; the file itself is gone
            archive.writestr(f"documents/{document.pk}-{_safe(document.original_name)}", content)
    return buffer.getvalue()


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = list(dict.fromkeys(key for r in rows for key in r))
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return out.getvalue()


def _cell(value):
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    text = "" if value is None else str(value)
    # Spreadsheets must not run what a person typed as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _json_default(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)[:100] or "document.pdf"
