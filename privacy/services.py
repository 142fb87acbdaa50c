"""Every write of the personal-data features: exports (audited), erasure, retention."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Document
from audit.services import record
from cities.models import Call
from twinning.emails import queue_email

from . import erasure, export, retention
from .models import AnonymisedApplication, ErasureRequest, RetentionRun


def export_person(*, user, by) -> bytes:
    """Everything linked to `user`, as a ZIP. `by` is the person or the staff member asking."""
    with transaction.atomic():
        content = export.build_zip(
            sections=export.person_sections(user),
            documents=Document.objects.filter(uploaded_by=user),
            who=user.email,
            whose=_("you uploaded"),
        )
        record(
            actor=by,
            action="personal_data.export",
            target=user,
            note="by the person" if by == user else "by staff, for the person",
        )
    return content


def export_organisation(*, organisation, by) -> bytes:
    with transaction.atomic():
        content = export.build_zip(
            sections=export.organisation_sections(organisation),
            documents=organisation.documents.all(),
            who=organisation.name,
            whose=_("of the organisation"),
        )
        record(actor=by, action="personal_data.export", target=organisation, note="organisation")
    return content


def erasure_request(*, user) -> ErasureRequest:
    """The person asks to delete their account: erased now, or waiting for staff where the
    programme must keep a record."""
    reason = erasure.needs_review(user)
    try:
        with transaction.atomic():
            if not reason:
                request = ErasureRequest.objects.create(
                    user=user,
                    user_label=f"user #{user.pk}",
                    status=ErasureRequest.Status.DONE,
                    decided_at=timezone.now(),
                )
                erasure.erase(user)
                record(actor=None, action="personal_data.erase", target=request, note="at once")
                return request
            request = ErasureRequest.objects.create(
                user=user,
                user_label=f"user #{user.pk}",
                status=ErasureRequest.Status.WAITING,
                reason=reason,
            )
            queue_email(template="erasure_requested", to=[user.email], context={"request": request})
            record(actor=user, action="personal_data.erasure_request", target=request, note=reason)
            return request
    except IntegrityError:
        # Asked twice at once: the first request is the one that counts.
        return ErasureRequest.objects.get(user=user, status=ErasureRequest.Status.WAITING)


def erasure_confirm(*, request: ErasureRequest, by, note: str = "") -> ErasureRequest:
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ErasureRequest.Status.WAITING or request.user is None:
            raise ValidationError(_("This request has already been decided."))
        erasure.erase(request.user)
        request.status = ErasureRequest.Status.DONE
        request.decided_by, request.decided_at, request.note = by, timezone.now(), note
        request.save()
        record(actor=by, action="personal_data.erase", target=request, note="confirmed by staff")
    return request


def erasure_refuse(*, request: ErasureRequest, by, note: str) -> ErasureRequest:
    if not note.strip():
        raise ValidationError(_("Say why: the person is told."))
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ErasureRequest.Status.WAITING or request.user is None:
            raise ValidationError(_("This request has already been decided."))
        request.status = ErasureRequest.Status.REFUSED
        request.decided_by, request.decided_at, request.note = by, timezone.now(), note
        request.save()
        queue_email(
            template="erasure_refused", to=[request.user.email], context={"request": request}
        )
        record(actor=by, action="personal_data.erasure_refuse", target=request, note=note)
    return request


def retention_apply(*, now=None, by=None) -> list[RetentionRun]:
    """Anonymise what is due in every call; one run row (and audit entry) per call and kind that
    had something due. Safe to run again: an application is anonymised once."""
    now = now or timezone.now()
    runs = []
    for call in Call.objects.order_by("pk"):
        dates = retention.due_dates(call)
        for kind, when in dates.items():
            if when > now:
                continue
            with transaction.atomic():
                ids = list(
                    retention.candidates(call, kind)
                    .select_for_update(skip_locked=True, of=("self",))
                    .values_list("pk", flat=True)
                )
                if not ids:
                    continue
                run = RetentionRun.objects.create(call=call, kind=kind, applications=len(ids))
                for application in call.applications.filter(pk__in=ids).select_related(
                    "organisation"
                ):
                    retention.anonymise(application)
                    AnonymisedApplication.objects.create(application=application, run=run)
                record(
                    actor=by,
                    action="personal_data.retention",
                    target=run,
                    data={"call": call.pk, "kind": kind, "applications": len(ids)},
                )
                runs.append(run)
    return runs


def retention_overview(*, now=None) -> list[dict]:
    """Per call: the due dates, what is due now, what was done."""
    now = now or timezone.now()
    rows = []
    for call in Call.objects.order_by("-closes_at"):
        dates = retention.due_dates(call)
        rows.append(
            {
                "call": call,
                "periods": retention.periods(call),
                "dates": dates,
                "due": retention.due(call, now),
                "done": AnonymisedApplication.objects.filter(application__call=call).count(),
            }
        )
    return rows
