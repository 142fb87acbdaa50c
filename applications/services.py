"""Every write to organisations and applications. Keyword-only arguments, atomic, audited."""

import zoneinfo
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from cities.eligibility import Candidate
from cities.selectors import eligibility_verdict
from cities.text import fold
from twinning.emails import queue_email
from users.consents import consent_record
from users.models import ConsentRecord, Notice

from . import status as lifecycle
from .documents import PdfInfo
from .imports import service_rows
from .models import (
    ActionInterest,
    Application,
    Document,
    LearningNeed,
    Organisation,
    OrganisationInvitation,
    OrganisationMember,
    Preference,
    Representative,
    ShareOffer,
    StatusChange,
)
from .selectors import application_missing, application_recipients, is_mission_city_member

Status = Application.Status
Actor = lifecycle.Actor
# Statuses staff set by hand in the admin; submission, withdrawal, restoring, reopening and
# pairing have services of their own.
STAFF_TRANSITIONS = {
    Status.UNDER_REVIEW: ("start_review", "reconsider"),
    Status.NOT_SELECTED: ("not_select",),
}


MAX_PENDING_INVITATIONS = 10


class ApplicationLocked(ValidationError):
    def __init__(self):
        super().__init__(
            _("This application has been submitted and can no longer be changed."), code="locked"
        )


def application_log(
    *,
    application: Application,
    by,
    action: str = StatusChange.Action.STATUS,
    to_status: str | None = None,
    from_status: str | None = None,
    note: str = "",
    internal: bool = False,
    target=None,
) -> StatusChange:
    """An entry in the application's trail (its history, shown to the applicant unless
    `internal`) and the same change in the audit log, inside the caller's transaction. Call it
    before changing the status: the entry goes from the current status (or `from_status`) to
    `to_status` (or stays)."""
    change = StatusChange.objects.create(
        application=application,
        action=action,
        internal=internal,
        from_status=application.status if from_status is None else from_status,
        to_status=to_status or application.status,
        by=by,
        note=note,
    )
    record(
        actor=by,
        action=f"application.{getattr(action, 'value', action)}",
        target=target if target is not None else application,
        application=application,
        note=note,
        data={"from": change.from_status, "to": change.to_status, "internal": internal},
    )
    return change


def _set_status(
    *, application: Application, to: str, by, note: str = "", action=StatusChange.Action.STATUS
) -> None:
    application_log(application=application, by=by, action=action, to_status=to, note=note)
    application.status = to
    application.save(update_fields=["status", "updated_at"])


def _locked(application: Application) -> Application:
    """The row, locked for this transaction and fresh from the database."""
    return Application.objects.select_for_update().select_related("call").get(pk=application.pk)


def _require_editable(application: Application) -> None:
    if not lifecycle.is_editable(application):
        raise ApplicationLocked()


def _actor(user) -> "lifecycle.Actor":
    return Actor.STAFF if getattr(user, "is_staff", False) else Actor.APPLICANT


# Organisations -------------------------------------------------------------------------------


@transaction.atomic
def organisation_start(*, user, name: str, country: str) -> Organisation:
    """Create the user's organisation; a user belongs to one organisation. The user's row is
    locked first: of two simultaneous submits (a double click), the second sees the first."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if OrganisationMember.objects.filter(user=user).exists():
        raise ValidationError(_("You already belong to an applicant organisation."))
    if is_mission_city_member(user):
        raise ValidationError(
            _("Members of a Mission City's workspace cannot apply as a Twin City.")
        )
    organisation = Organisation(name=name.strip(), country=country)
    organisation.full_clean()
    organisation.save()
    member = OrganisationMember.objects.create(
        organisation=organisation, user=user, role=OrganisationMember.Role.OWNER
    )
    record(actor=user, action="organisation.start", target=organisation, data={"member": member.pk})
    return organisation


@transaction.atomic
def invitation_create(*, organisation: Organisation, email: str, by) -> OrganisationInvitation:
    # Locked: two simultaneous submits of the same address make one invitation.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    if not OrganisationMember.objects.filter(
        organisation=organisation, user=by, role=OrganisationMember.Role.OWNER
    ).exists():
        raise ValidationError(_("Only the owner of the application can invite co-editors."))
    if OrganisationMember.objects.filter(
        organisation=organisation, user__email__iexact=email
    ).exists():
        raise ValidationError(_("%(email)s can already edit this application.") % {"email": email})
    pending = OrganisationInvitation.objects.filter(organisation=organisation, accepted_at=None)
    if pending.filter(email__iexact=email).exists():
        raise ValidationError(_("%(email)s has already been invited.") % {"email": email})
    if pending.count() >= MAX_PENDING_INVITATIONS:
        raise ValidationError(_("Too many open invitations; wait until some are accepted."))
    invitation = OrganisationInvitation(organisation=organisation, email=email, invited_by=by)
    invitation.full_clean()
    invitation.save()
    record(
        actor=by,
        action="organisation_invitation.create",
        target=invitation,
        data={"organisation": organisation.pk, "email": email},
    )
    queue_email(
        template="coeditor_invitation",
        to=[email],
        context={"invitation": invitation, "organisation": organisation, "by": by},
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: OrganisationInvitation, user) -> OrganisationMember:
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.email.casefold() != user.email.casefold():
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    if OrganisationMember.objects.filter(user=user).exists():
        raise ValidationError(_("You already belong to an applicant organisation."))
    member = OrganisationMember.objects.create(
        organisation=invitation.organisation, user=user, role=OrganisationMember.Role.EDITOR
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(
        actor=user,
        action="organisation_invitation.accept",
        target=invitation,
        data={"organisation": invitation.organisation_id, "member": member.pk},
    )
    return member


# Applications: drafts ------------------------------------------------------------------------


@transaction.atomic
def application_start(*, organisation: Organisation, call, by) -> Application:
    """Start the organisation's application to the call, or return the existing one."""
    application, created = Application.objects.get_or_create(
        call=call,
        organisation=organisation,
        defaults={"official_name": organisation.name, "country": organisation.country},
    )
    if created:
        application_log(application=application, by=by, from_status="", to_status=Status.DRAFT)
    return application


@transaction.atomic
def application_update(*, application: Application, data: dict, by) -> Application:
    """Save the plain fields of one step as a draft (on the locked, fresh row: a stale copy
    must never undo a submission made meanwhile)."""
    application = _locked(application)
    _require_editable(application)
    for name, value in data.items():
        setattr(application, name, value)
    application.full_clean(exclude=["call", "organisation"])
    application.save(update_fields=[*data, "updated_at"])
    if "official_name" in data or "country" in data:
        organisation = application.organisation
        organisation.name = application.official_name
        if application.country:
            organisation.country = application.country
        organisation.save(update_fields=["name", "country"])
    record(
        actor=by,
        action="application.update",
        target=application,
        application=application,
        data={"fields": sorted(data)},
    )
    return application


def _touch(application: Application) -> None:
    """Its answers changed: `updated_at` says so (what the workspace's cached
    recommendations key on, as bulk writes send no signal)."""
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())


def _replace_rows(model, application, rows: list[dict], *, by, action: str) -> None:
    _touch(application)
    model.objects.filter(application=application).delete()
    objs = [model(application=application, **row) for row in rows]
    for obj in objs:
        obj.full_clean(exclude=["application"], validate_unique=False)
    model.objects.bulk_create(objs)
    record(
        actor=by,
        action=action,
        target=application,
        application=application,
        data={"rows": len(objs)},
    )


@transaction.atomic
def application_set_representatives(*, application: Application, rows: list[dict], by) -> None:
    _require_editable(_locked(application))
    _replace_rows(
        Representative,
        application,
        [{"position": i, **row} for i, row in enumerate(rows, start=1)],
        by=by,
        action="application.set_representatives",
    )


def _topic_rows(rows: list[dict]) -> tuple[list[dict], list[list]]:
    """Split need/share rows into the model's fields and each row's further topics.

    A row gives either ``topic`` (the main topic) and optionally ``more_topics``, or a list
    ``topics`` whose first is the main topic. Duplicates are dropped, order kept.
    """
    plain, extra = [], []
    for position, row in enumerate(rows, start=1):
        row = dict(row)
        topics = list(row.pop("topics", None) or [])
        more = list(row.pop("more_topics", None) or [])
        if topics and not row.get("topic"):
            row["topic"] = topics[0]
        main = row.get("topic")
        further = [t for t in dict.fromkeys([*topics, *more]) if t is not None and t != main]
        plain.append({"position": position, **row})
        extra.append(further)
    return plain, extra


def _replace_topic_rows(model, application, rows: list[dict], *, by, action: str) -> None:
    plain, extra = _topic_rows(rows)
    _replace_rows(model, application, plain, by=by, action=action)
    created = model.objects.filter(application=application).order_by("position")
    through = model.more_topics.through
    fk = model._meta.model_name
    links = [
        through(**{f"{fk}_id": obj.pk, "topic_id": topic.pk})
        for obj, further in zip(created, extra, strict=True)
        for topic in further
    ]
    through.objects.bulk_create(links)


@transaction.atomic
def application_set_learning_needs(*, application: Application, rows: list[dict], by) -> None:
    """Rows of ``{"topic" or "topics", "more_topics"?, "text"}`` in order."""
    _require_editable(_locked(application))
    _replace_topic_rows(
        LearningNeed, application, rows, by=by, action="application.set_learning_needs"
    )


@transaction.atomic
def application_set_shares(*, application: Application, rows: list[dict], by) -> None:
    """Rows of ``{"topic" or "topics", "more_topics"?, "text"}`` in order."""
    _require_editable(_locked(application))
    _replace_topic_rows(ShareOffer, application, rows, by=by, action="application.set_shares")


def _check_actions(application: Application, actions) -> list:
    actions = list(dict.fromkeys(actions))
    for action in actions:
        if action.kind != action.Kind.ACTION or action.participation.call_id != application.call_id:
            raise ValidationError(_("Choose climate actions offered in this call."))
    return actions


@transaction.atomic
def application_set_action_interests(*, application: Application, actions, by) -> None:
    """Replace the offered actions the applicant wants to learn about (CityItem rows)."""
    _require_editable(_locked(application))
    actions = _check_actions(application, actions)
    ActionInterest.objects.filter(application=application).exclude(action__in=actions).delete()
    existing = set(
        ActionInterest.objects.filter(application=application).values_list("action_id", flat=True)
    )
    ActionInterest.objects.bulk_create(
        [ActionInterest(application=application, action=a) for a in actions if a.pk not in existing]
    )
    _touch(application)
    record(
        actor=by,
        action="application.set_action_interests",
        target=application,
        application=application,
        data={"actions": [a.pk for a in actions]},
    )


@transaction.atomic
def application_toggle_action_interest(*, application: Application, action, by) -> bool:
    """Add the action to the applicant's interests, or remove it; True when now interested."""
    _require_editable(_locked(application))
    (action,) = _check_actions(application, [action])
    deleted, _rows = ActionInterest.objects.filter(application=application, action=action).delete()
    if not deleted:
        ActionInterest.objects.create(application=application, action=action)
    _touch(application)
    record(
        actor=by,
        action="application.toggle_action_interest",
        target=application,
        application=application,
        data={"action": action.pk, "interested": not deleted},
    )
    return not deleted


@transaction.atomic
def application_set_preferences(*, application: Application, rows: list[dict], by) -> None:
    """Rows in rank order; each names a Mission City of the application's call."""
    _require_editable(_locked(application))
    cities = [row["mission_city"] for row in rows]
    if any(city.call_id != application.call_id for city in cities):
        raise ValidationError(_("Choose Mission Cities that take part in this call."))
    if len(set(cities)) != len(cities):
        raise ValidationError(_("Each Mission City can be ranked only once."))
    if len(rows) > application.call.max_preferences:
        raise ValidationError(
            _("You can rank at most %(n)d Mission Cities.")
            % {"n": application.call.max_preferences}
        )
    _replace_rows(
        Preference,
        application,
        [{"rank": i, **row} for i, row in enumerate(rows, start=1)],
        by=by,
        action="application.set_preferences",
    )


@transaction.atomic
def document_store(*, application: Application, kind: str, upload, info: PdfInfo, by) -> Document:
    """Store a checked PDF under a generated name and attach it to the application."""
    _require_editable(_locked(application))
    document = Document(
        organisation=application.organisation,
        application=application,
        kind=kind,
        original_name=info.original_name,
        size=info.size,
        pages=info.pages,
        sha256=info.sha256,
        uploaded_by=by,
    )
    document.file.save(f"{kind}.pdf", upload, save=False)
    document.save()
    field = "plan_document" if kind == Document.Kind.PLAN else "endorsement_letter"
    application = _locked(application)
    previous = getattr(application, field)
    setattr(application, field, document)
    application.save(update_fields=[field, "updated_at"])
    record(
        actor=by,
        action="document.upload",
        target=document,
        application=application,
        data={"kind": kind, "replaces": previous.pk if previous else None, "sha256": info.sha256},
    )
    if previous is not None:  # the new upload replaces it, file and all
        previous.file.delete(save=False)
        previous.delete()
    return document


# Applications: submission and after ----------------------------------------------------------


@dataclass(frozen=True)
class SubmitResult:
    submitted: bool
    message: str


def application_judge(application: Application, *, kept: bool = False):
    """The eligibility verdict of the answers as they are now (shown before submitting, with
    the reference data as kept in the cache: `kept`)."""
    return eligibility_verdict(
        kept=kept,
        call=application.call,
        candidate=Candidate(
            name=application.official_name,
            country=application.country.code if application.country else "",
            authority_type=application.authority_type,
            target_year=application.target_year,
        ),
    )


@transaction.atomic
def application_submit(*, application: Application, by, now=None) -> SubmitResult:
    """Validate everything, judge eligibility, lock editing and confirm by e-mail.

    A second submission is a no-op. Outside the call window nothing changes and the draft stays.
    The message tells the applicant the verdict: an ineligible application is never thanked
    as if all were well.
    """
    now = now or timezone.now()
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    call = application.call
    if not lifecycle.is_editable(application):
        return SubmitResult(False, _("This application has already been submitted."))
    if not call.is_open(now):
        deadline = timezone.localtime(call.closes_at, timezone=zoneinfo.ZoneInfo(call.timezone))
        if now < call.opens_at:
            message = _("The call is not open yet. Your draft is saved.")
        else:
            message = _(
                "The deadline (%(deadline)s) has passed, so the application cannot be submitted. "
                "Your draft is kept."
            ) % {"deadline": deadline.strftime("%d %B %Y, %H:%M %Z")}
        return SubmitResult(False, message)
    missing = application_missing(application)
    if missing:
        return SubmitResult(
            False, _("Some answers are missing; see the list below. Your draft is saved.")
        )
    lifecycle.check(application, "submit", Actor.APPLICANT)
    resubmission = application.status == Status.NEEDS_INFO
    _judge_and_submit(
        application=application,
        by=by,
        now=now,
        note=_("Resubmitted after changes") if resubmission else "",
    )
    _record_consents(application=application, by=by)
    queue_email(
        template="application_submitted",
        to=application_recipients(application),
        context={"application": application, "resubmission": resubmission},
    )
    return SubmitResult(True, SUBMITTED_MESSAGES[application.effective_verdict])


def _judge_and_submit(*, application: Application, by, now, note: str) -> None:
    """Judge eligibility against the call, record it and move the (locked) row to submitted."""
    verdict = application_judge(application)
    application.verdict = verdict.verdict
    application.verdict_reasons = verdict.as_dict()["reasons"]
    application.verdict_resembles = list(verdict.resembles)
    application.rules_version = verdict.rules_version
    application.submitted_at = now
    application.save(
        update_fields=[
            "verdict",
            "verdict_reasons",
            "verdict_resembles",
            "rules_version",
            "submitted_at",
            "updated_at",
        ]
    )
    _set_status(application=application, to=Status.SUBMITTED, by=by, note=note)


@transaction.atomic
def application_submit_imported(*, application: Application, by, source: str, now=None) -> None:
    """Submit an application that staff imported, on any call, open or closed.

    The same completeness check and eligibility judgement as `application_submit`, except that
    the documents and the preferred Mission Cities may be missing; what is missing is said in the
    status change. No e-mail: the applicant did not submit through the portal.
    """
    now = now or timezone.now()
    application = _locked(application)
    if not application.is_editable:
        raise ApplicationLocked()
    missing = application_missing(application, imported=True)
    if missing:
        raise ValidationError([m.message for m in missing])
    note = _("Imported by staff from %(source)s.") % {"source": source}
    if not application.endorsement_letter_id:
        note += " " + _("Missing on import: the endorsement letter.")
    _judge_and_submit(application=application, by=by, now=now, note=note)


def _record_consents(*, application: Application, by) -> None:
    """The consents ticked in the commitment step, on record with the version they accepted."""
    if by is None or not getattr(by, "is_authenticated", False):
        return
    context = f"application {application.pk}"
    for given, kind in (
        (application.consent_privacy, Notice.Kind.PRIVACY),
        (application.consent_share, Notice.Kind.DATA_SHARING),
    ):
        if given:
            consent_record(
                user=by, kind=kind, source=ConsentRecord.Source.APPLICATION, context=context
            )


SUBMITTED_MESSAGES = {
    Application.Verdict.ELIGIBLE: _(
        "Your application has been submitted. By the call's rules it is eligible. Thank you!"
    ),
    Application.Verdict.NEEDS_REVIEW: _(
        "Your application has been submitted. NetZeroCities staff will check its eligibility "
        "(see why below)."
    ),
    Application.Verdict.INELIGIBLE: _(
        "Your application has been submitted, but by the call's rules it is not eligible (see "
        "why below). NetZeroCities staff will confirm this; you may withdraw it."
    ),
}


def _status_before_withdrawal(application: Application) -> str:
    last = (
        StatusChange.objects.filter(application=application, to_status=Status.WITHDRAWN)
        .order_by("-at", "-pk")
        .values_list("from_status", flat=True)
        .first()
    )
    if last in lifecycle.RESTORABLE:
        return last
    return Status.SUBMITTED if application.submitted_at else Status.DRAFT


@transaction.atomic
def application_withdraw(*, application: Application, by, reason: str = "") -> None:
    """The applicant (or staff on their behalf) withdraws; `application_restore` undoes it."""
    application = _locked(application)
    if not lifecycle.can_withdraw(application):
        raise ValidationError(_("This application cannot be withdrawn any more."))
    lifecycle.check(application, "withdraw", _actor(by))
    _set_status(application=application, to=Status.WITHDRAWN, by=by, note=reason.strip())
    queue_email(
        template="application_withdrawn",
        to=application_recipients(application),
        context={"application": application},
    )


@transaction.atomic
def application_restore(*, application: Application, by, reason: str, now=None) -> str:
    """Undo a withdrawal: back to the status before it. The applicant may do so until the
    call's deadline, staff at any time; the audit trail says who and why."""
    application = _locked(application)
    actor = _actor(by)
    if application.status != Status.WITHDRAWN:
        raise ValidationError(_("Only a withdrawn application can be restored."))
    if not lifecycle.can_restore(application, actor=actor, now=now):
        raise ValidationError(
            _("The deadline has passed: only NetZeroCities staff can restore the application now.")
        )
    if not reason.strip():
        raise ValidationError(_("Say why the application is restored."))
    lifecycle.check(application, "restore", actor)
    to = _status_before_withdrawal(application)
    _set_status(
        application=application,
        to=to,
        by=by,
        note=_("Withdrawal undone by %(who)s: %(reason)s")
        % {"who": lifecycle.ACTOR_LABELS[actor], "reason": reason.strip()},
    )
    queue_email(
        template="application_restored",
        to=application_recipients(application),
        context={"application": application, "by_staff": actor == Actor.STAFF},
    )
    return to


@transaction.atomic
def application_request_info(*, application: Application, by, message: str) -> None:
    """Staff ask for more information: editing unlocks until the applicant resubmits."""
    application = _locked(application)
    if application.status not in lifecycle.transition("request_info").sources:
        raise ValidationError(
            _("Only a submitted application can be reopened (this one is %(status)s).")
            % {"status": application.get_status_display()}
        )
    if not message.strip():
        raise ValidationError(_("Say what information is needed."))
    application.staff_message = message.strip()
    application.save(update_fields=["staff_message", "updated_at"])
    _set_status(application=application, to=Status.NEEDS_INFO, by=by, note=message.strip())
    queue_email(
        template="application_needs_info",
        to=application_recipients(application),
        context={"application": application, "message": message.strip()},
    )


@transaction.atomic
def application_set_status(*, application: Application, to: str, by, note: str = "") -> None:
    """Staff move an application along the review (under review, not selected, reconsidered)."""
    application = _locked(application)
    if to not in STAFF_TRANSITIONS:
        raise ValidationError(_("This status is not set by hand."))
    if application.status == to:
        return
    names = [
        n
        for n in STAFF_TRANSITIONS[to]
        if lifecycle.transition(n).allows(application.status, Actor.STAFF)
    ]
    if not names:
        raise ValidationError(
            _("A %(status)s application cannot change status here.")
            % {"status": application.get_status_display().lower()}
        )
    _set_status(application=application, to=to, by=by)
    if note.strip():
        application_log(application=application, by=by, internal=True, note=note.strip())


@transaction.atomic
def application_override_verdict(*, application: Application, verdict: str, reason: str, by):
    """Set the staff verdict with a reason; an empty verdict removes the override."""
    if verdict and verdict not in Application.Verdict.values:
        raise ValidationError(_("Unknown verdict."))
    if not reason.strip():
        raise ValidationError(_("Give a reason for the override."))
    application.verdict_override = verdict
    application.verdict_override_reason = reason.strip()
    application.save(update_fields=["verdict_override", "verdict_override_reason", "updated_at"])
    application_log(
        application=application,
        action=StatusChange.Action.ELIGIBILITY,
        internal=True,
        by=by,
        note=_("Eligibility set to %(verdict)s: %(reason)s")
        % {
            "verdict": application.get_verdict_override_display() or _("the judged verdict"),
            "reason": reason.strip(),
        },
    )


@transaction.atomic
def application_mark_paired(*, application: Application, city_name: str, by) -> None:
    """A published pairing: the application is paired (recorded once)."""
    application = _locked(application)
    if application.status != Status.PAIRED:
        lifecycle.check(application, "pair", Actor.STAFF)
        _set_status(
            application=application,
            to=Status.PAIRED,
            by=by,
            note=_("Paired with %(city)s") % {"city": city_name},
            action=StatusChange.Action.PUBLICATION,
        )


# Import (staff) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    index: int
    organisation: str
    application_id: int
    created: bool
    verdict: str


class ImportFailed(ValidationError):
    """A row that the services refused; nothing of the file was written."""

    def __init__(self, row, error: ValidationError):
        if hasattr(error, "error_dict"):
            parts = [
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            ]
        else:
            parts = error.messages
        self.index = row.index
        super().__init__(f"index {row.index} ({row.organisation}): {'; '.join(parts)}")


def _organisation_named(name: str, country: str) -> Organisation | None:
    key = fold(name)
    return next(
        (o for o in Organisation.objects.filter(country=country) if fold(o.name) == key), None
    )


def _import_one(*, call, row, by, source: str) -> ImportOutcome:
    organisation = _organisation_named(row.organisation, row.country)
    if organisation is not None:
        existing = Application.objects.filter(call=call, organisation=organisation).first()
        if existing is not None:  # imported before (or applied on the portal): left as it is
            return ImportOutcome(
                row.index, row.organisation, existing.pk, False, existing.effective_verdict
            )
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=row.contact["email"]).first()
    if user is None:
        user = user_model.objects.create_user(
            email=row.contact["email"], password=None, name=row.contact["name"]
        )
    if organisation is None:
        organisation = organisation_start(user=user, name=row.organisation, country=row.country)
    else:
        membership = OrganisationMember.objects.filter(user=user).first()
        if membership is None:
            owner = organisation.members.filter(role=OrganisationMember.Role.OWNER).exists()
            OrganisationMember.objects.create(
                organisation=organisation,
                user=user,
                role=OrganisationMember.Role.EDITOR if owner else OrganisationMember.Role.OWNER,
            )
        elif membership.organisation_id != organisation.pk:
            raise ValidationError({"contact.email": [_("Belongs to another organisation.")]})
    application = application_start(organisation=organisation, call=call, by=by)
    application_update(application=application, data=row.application, by=by)
    application_set_representatives(application=application, rows=[row.contact], by=by)
    application_set_learning_needs(application=application, rows=service_rows(row.needs), by=by)
    application_set_shares(application=application, rows=service_rows(row.shares), by=by)
    # The offered actions a need refers to are stored once the model for them exists (issue 9
    # item 2, `application_set_action_interests`); until then they are checked, not stored.
    set_action_interests = globals().get("application_set_action_interests")
    if set_action_interests is not None and row.actions:
        set_action_interests(application=application, actions=row.actions, by=by)
    application_set_preferences(
        application=application,
        rows=[{"mission_city": city, "reason": reason} for city, reason in row.preferences],
        by=by,
    )
    application_submit_imported(application=application, by=by, source=source)
    record(
        actor=by,
        action="application.import",
        target=application,
        application=application,
        note=source,
        data={"source": source, "index": row.index},
    )
    application.refresh_from_db()
    return ImportOutcome(row.index, row.organisation, application.pk, True, application.verdict)


@transaction.atomic
def applications_import(
    *, call, rows: list, by=None, source: str, dry_run: bool = False
) -> list[ImportOutcome]:
    """Create and submit the checked rows of an import file (`imports.parse_applications`).

    All or nothing: a row the services refuse raises `ImportFailed` and nothing is written. A row
    whose organisation already has an application to the call is left unchanged, so importing
    the same file twice changes nothing. A dry run does everything and then rolls it back.
    """
    outcomes = []
    for row in rows:
        try:
            with transaction.atomic():
                outcomes.append(_import_one(call=call, row=row, by=by, source=source))
        except ValidationError as error:
            raise ImportFailed(row, error) from error
    if dry_run:
        transaction.set_rollback(True)
    return outcomes


@transaction.atomic
def application_unpair(*, application: Application, by, note: str) -> None:
    """A pairing is unpublished by staff or declined by one side: the application goes back
    under review, so that staff can pair it again."""
    application = _locked(application)
    if application.status == Status.PAIRED:
        _set_status(
            application=application,
            to=Status.UNDER_REVIEW,
            by=by,
            note=note,
            action=StatusChange.Action.PUBLICATION,
        )


@transaction.atomic
def application_mark_not_selected(*, application: Application, by, note: str = "") -> bool:
    """A run was published without this application: not selected (the note is internal)."""
    application = _locked(application)
    if not lifecycle.transition("not_select").allows(application.status, Actor.SYSTEM):
        return False
    _set_status(application=application, to=Status.NOT_SELECTED, by=by)
    if note:
        application_log(application=application, by=by, internal=True, note=note)
    return True
