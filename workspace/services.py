"""Every write of the Mission City workspace: invitations, memberships, shortlists and the
answers to published pairings. Keyword-only arguments, atomic, audited; e-mails after commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import selectors as app_selectors
from applications.models import Application, OrganisationMember, ShortlistEntry, StatusChange
from applications.services import application_log
from audit.services import record
from cities.models import CallMissionCity, MissionCity, MissionCityMembership
from matching import services as matching_services
from matching.models import Pairing
from twinning.emails import queue_email

from . import recommendations, selectors
from .models import MissionCityInvitation

Confirmation = Pairing.Confirmation
NOTE_MAX = 2000


# Invitations and memberships --------------------------------------------------------------


def invitation_check(*, mission_city: MissionCity, email: str) -> None:
    """Raise ValidationError when the address already acts for the city."""
    if MissionCityMembership.objects.filter(
        mission_city=mission_city, user__email__iexact=email.strip(), revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            _("%(email)s is already a member of %(city)s.")
            % {"email": email.strip(), "city": mission_city.name}
        )
    if MissionCityInvitation.objects.filter(
        mission_city=mission_city,
        email__iexact=email.strip(),
        accepted_at__isnull=True,
        revoked=False,
    ).exists():
        raise ValidationError(
            _("%(email)s already has an open invitation to %(city)s; use “Send again”.")
            % {"email": email.strip(), "city": mission_city.name}
        )
    if OrganisationMember.objects.filter(user__email__iexact=email.strip()).exists():
        raise ValidationError(
            _("%(email)s belongs to a Twin City applicant and cannot act for a Mission City.")
            % {"email": email.strip()}
        )


def _send_invitation(invitation: MissionCityInvitation) -> None:
    queue_email(
        template="workspace_invitation",
        to=[invitation.email],
        context={
            "invitation": invitation,
            "city": invitation.mission_city,
            "by": invitation.invited_by,
        },
    )


@transaction.atomic
def invitation_create(*, mission_city: MissionCity, email: str, by) -> MissionCityInvitation:
    """Invite a person by e-mail to act for a Mission City; the e-mail goes out after commit.
    The city's row is locked: two simultaneous submits of one address make one invitation."""
    MissionCity.objects.select_for_update().filter(pk=mission_city.pk).first()
    invitation_check(mission_city=mission_city, email=email)
    invitation = MissionCityInvitation(
        mission_city=mission_city, email=email.strip(), invited_by=by
    )
    invitation.full_clean()
    invitation.save()
    record(
        actor=by,
        action="mission_city_invitation.create",
        target=invitation,
        data={"mission_city": mission_city.pk, "email": invitation.email},
    )
    _send_invitation(invitation)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: MissionCityInvitation, by) -> None:
    if invitation.state != MissionCityInvitation.State.PENDING:
        raise ValidationError(_("Only a pending invitation can be sent again."))
    record(actor=by, action="mission_city_invitation.resend", target=invitation)
    _send_invitation(invitation)


@transaction.atomic
def invitation_revoke(*, invitation: MissionCityInvitation, by) -> None:
    """A revoked invitation can no longer be accepted; an accepted one stays as it is."""
    if invitation.accepted_at is None and not invitation.revoked:
        invitation.revoked = True
        invitation.save(update_fields=["revoked"])
        record(actor=by, action="mission_city_invitation.revoke", target=invitation)


@transaction.atomic
def invitation_accept(*, invitation: MissionCityInvitation, user) -> MissionCityMembership:
    """Make the signed-in user a member of the invitation's city.

    The invitation must be pending and addressed to the user's e-mail (case-insensitive). A
    revoked membership of the same city is restored; an active one is kept.
    """
    invitation = MissionCityInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked:
        raise ValidationError(_("This invitation has been withdrawn."))
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.email.casefold() != user.email.casefold():
        raise PermissionDenied(_("This invitation was sent to another e-mail address."))
    membership, created = MissionCityMembership.objects.get_or_create(
        user=user, mission_city_id=invitation.mission_city_id
    )
    if not created and membership.revoked_at is not None:
        membership.revoked_at = None
        membership.save(update_fields=["revoked_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        actor=user,
        action="mission_city_invitation.accept",
        target=invitation,
        data={"membership": membership.pk, "restored": not created},
    )
    selectors.forget_member_cities(user)
    return membership


@transaction.atomic
def membership_revoke(*, membership: MissionCityMembership, by) -> None:
    """The member loses access with their next request; the row is kept."""
    if membership.revoked_at is None:
        membership.revoked_at = timezone.now()
        membership.save(update_fields=["revoked_at"])
        record(
            actor=by,
            action="membership.revoke",
            target=membership,
            data={"user": membership.user_id, "mission_city": membership.mission_city_id},
        )


# Shortlists -------------------------------------------------------------------------------


def _lock_city(city: CallMissionCity) -> CallMissionCity:
    """Serialise the edits of one city's shortlist."""
    return CallMissionCity.objects.select_for_update().select_related("call").get(pk=city.pk)


def _write_order(city: CallMissionCity, application_ids: list[int]) -> None:
    """Give the entries the ranks 1…n in this order, changing only the rows that move.

    Ranks are unique per city (not deferrable), so moving rows first step aside, above every
    rank in use, then take their places.
    """
    current = dict(
        ShortlistEntry.objects.filter(mission_city=city).values_list("application_id", "rank")
    )
    moves = {
        app_id: rank
        for rank, app_id in enumerate(application_ids, start=1)
        if current.get(app_id) != rank
    }
    if not moves:
        return
    aside = max(current.values(), default=0) + len(application_ids) + 1
    for offset, app_id in enumerate(moves):
        ShortlistEntry.objects.filter(mission_city=city, application_id=app_id).update(
            rank=aside + offset
        )
    for app_id, rank in moves.items():
        ShortlistEntry.objects.filter(mission_city=city, application_id=app_id).update(rank=rank)
    # Bulk updates send no signal: the city's recommendations are scored again.
    recommendations.shortlist_changed(city_id=city.pk)


def _ordered_ids(city: CallMissionCity) -> list[int]:
    return list(
        ShortlistEntry.objects.filter(mission_city=city)
        .order_by("rank")
        .values_list("application_id", flat=True)
    )


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            _("Keep the note to %(n)d characters or fewer.") % {"n": NOTE_MAX}, code="max_length"
        )
    return note


@transaction.atomic
def shortlist_add(
    *, city: CallMissionCity, application: Application, by, note: str = ""
) -> ShortlistEntry:
    """Put an application the city may see at the end of its shortlist (once)."""
    city = _lock_city(city)
    if not app_selectors.shared_with_cities(call=city.call).filter(pk=application.pk).exists():
        raise ValidationError(_("This application cannot be shortlisted."))
    existing = ShortlistEntry.objects.filter(mission_city=city, application=application).first()
    if existing is not None:
        return existing
    last = ShortlistEntry.objects.filter(mission_city=city).aggregate(m=Max("rank"))["m"] or 0
    entry = ShortlistEntry(
        mission_city=city,
        application=application,
        rank=last + 1,
        note=_clean_note(note),
        added_by=by,
    )
    entry.full_clean()
    entry.save()
    record(
        actor=by,
        action="shortlist.add",
        target=entry,
        application=application,
        data={"mission_city": city.pk, "rank": entry.rank},
    )
    return entry


@transaction.atomic
def shortlist_remove(*, city: CallMissionCity, application: Application, by) -> None:
    """Take an application off the shortlist; the ones below move up."""
    city = _lock_city(city)
    entry = ShortlistEntry.objects.filter(mission_city=city, application=application).first()
    if entry is None:
        return
    label = str(entry)
    entry.delete()
    _write_order(city, _ordered_ids(city))
    record(
        actor=by,
        action="shortlist.remove",
        target=city,
        application=application,
        note=label,
        data={"mission_city": city.pk},
    )


@transaction.atomic
def shortlist_move(*, city: CallMissionCity, application: Application, direction: str, by) -> None:
    """Move an application one place up or down; at either end nothing changes."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Unknown direction."))
    city = _lock_city(city)
    order = _ordered_ids(city)
    if application.pk not in order:
        raise ValidationError(_("This application is not on the shortlist."))
    i = order.index(application.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        _write_order(city, order)
        record(
            actor=by,
            action="shortlist.move",
            target=city,
            application=application,
            data={"mission_city": city.pk, "direction": direction, "order": order},
        )


@transaction.atomic
def shortlist_set_note(
    *, city: CallMissionCity, application: Application, note: str, by
) -> ShortlistEntry:
    """The city's note for staff about this applicant."""
    city = _lock_city(city)
    entry = ShortlistEntry.objects.filter(mission_city=city, application=application).first()
    if entry is None:
        raise ValidationError(_("This application is not on the shortlist."))
    entry.note = _clean_note(note)
    entry.added_by = entry.added_by or by
    entry.save(update_fields=["note", "added_by", "updated_at"])
    record(
        actor=by,
        action="shortlist.set_note",
        target=entry,
        application=application,
        note=entry.note,
        data={"mission_city": city.pk},
    )
    return entry


# Answers to published pairings ------------------------------------------------------------


def _open_pair_space_after_commit(pairing_id: int) -> None:
    """Both sides confirmed: the top-layer `pairs` app opens the pair space. It is enqueued by
    task name (the workspace does not import `pairs`); its periodic sweep `pairs.open_confirmed`
    opens any space this missed (a broker outage)."""
    from celery import current_app

    def enqueue():
        current_app.loader.import_default_modules()  # the apps' tasks modules (autodiscovery)
        task = current_app.tasks.get("pairs.open_pair")
        if task is not None:
            task.delay(pairing_id=pairing_id)

    transaction.on_commit(enqueue, robust=True)


def _answer(*, pairing: Pairing, side: str, decision: str, reason: str, by) -> Pairing:
    if decision not in (Confirmation.CONFIRMED, Confirmation.DECLINED):
        raise ValidationError(_("Confirm or decline the pairing."))
    reason = _clean_note(reason)
    if decision == Confirmation.DECLINED and not reason:
        raise ValidationError(_("Say why you decline the pairing."), code="reason_required")
    pairing = (
        Pairing.objects.select_for_update()
        .select_related("application", "mission_city")
        .get(pk=pairing.pk)
    )
    field = f"{side}_confirmation"
    other = "twin" if side == "host" else "host"
    if getattr(pairing, f"{other}_confirmation") == Confirmation.DECLINED:
        raise ValidationError(
            _("The other city declined this pairing, so it is closed; nothing to confirm.")
        )
    if getattr(pairing, field) != Confirmation.PENDING:
        raise ValidationError(
            _("This pairing has already been answered; contact the programme team to change it.")
        )
    setattr(pairing, field, decision)
    setattr(pairing, f"{side}_reason", reason)
    pairing.save(update_fields=[field, f"{side}_reason"])
    if (
        pairing.host_confirmation == Confirmation.CONFIRMED
        and pairing.twin_confirmation == Confirmation.CONFIRMED
    ):
        _open_pair_space_after_commit(pairing.pk)
    application = pairing.application
    city = pairing.mission_city.display_name
    if side == "host":
        who = _("Mission City %(city)s") % {"city": city}
        partner = application.official_name
    else:
        who = _("Twin City %(name)s") % {"name": application.official_name}
        partner = city
    if decision == Confirmation.CONFIRMED:
        note = _("%(who)s confirmed the pairing with %(partner)s.")
    else:
        note = _("%(who)s declined the pairing with %(partner)s.")
    # The note is shown on the applicant's status page, so the reason stays with the pairing
    # (for staff) and in the e-mail to staff.
    application_log(
        application=application,
        action=StatusChange.Action.CONFIRMATION,
        by=by,
        note=note % {"who": who, "partner": partner},
        target=pairing,
    )
    if decision == Confirmation.DECLINED:
        matching_services.pairing_declined(pairing=pairing, side=side, by=by)
    elif getattr(pairing, f"{other}_confirmation") == Confirmation.CONFIRMED:
        matching_services.pairing_confirmed_by_both(pairing=pairing)
    queue_email(
        template="workspace_pairing_answer",
        to=selectors.staff_recipients(),
        context={
            "pairing": pairing,
            "application": application,
            "city": pairing.mission_city,
            "side": side,
            "decision": decision,
            "reason": reason,
            "by": by,
        },
    )
    return pairing


@transaction.atomic
def pairing_answer_as_host(*, pairing: Pairing, decision: str, reason: str = "", by) -> Pairing:
    """A member of the Mission City confirms or declines a published pairing."""
    return _answer(pairing=pairing, side="host", decision=decision, reason=reason, by=by)


@transaction.atomic
def pairing_answer_as_twin(*, pairing: Pairing, decision: str, reason: str = "", by) -> Pairing:
    """The Twin City confirms or declines its published pairing."""
    return _answer(pairing=pairing, side="twin", decision=decision, reason=reason, by=by)
