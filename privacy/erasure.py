"""Erasing a person: every personal field cleared or replaced, their files deleted unless their
organisation still needs them, the statistical record kept (country, size, topics, outcome)."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from applications.models import Document, OrganisationInvitation, OrganisationMember, Representative
from cities.models import MissionCityMembership
from matching.models import Pairing
from workspace.models import MissionCityInvitation

from .register import installed_model
from .scrub import REMOVED, scrub_everywhere

# Rows that exist only for the person: deleted with them (when the app is installed).
DELETED_WITH_PERSON = ("account.EmailAddress", "mfa.Authenticator", "usersessions.UserSession")


def person_emails(user) -> set[str]:
    emails = {user.email.lower()}
    model = installed_model("account.EmailAddress")
    if model is not None:
        emails |= {
            e.lower() for e in model.objects.filter(user=user).values_list("email", flat=True)
        }
    return emails


def person_strings(user) -> set[str]:
    """What identifies the person in free text: their e-mail addresses and names, including the name
    under which their organisation listed them as a representative."""
    emails = person_emails(user)
    names = {user.name} if user.name else set()
    names |= set(
        Representative.objects.filter(email_in("email", emails)).values_list("name", flat=True)
    )
    return {s for s in emails | names if s}


def needs_review(user) -> str:
    """Why staff must confirm before erasing (empty when they need not)."""
    if user.is_staff:
        return "A staff account: its reviews and decisions are part of the programme's record."
    member = OrganisationMember.objects.filter(user=user).select_related("organisation").first()
    if member and Pairing.objects.filter(application__organisation=member.organisation).exists():
        return "The organisation has a published pairing: the programme keeps its record."
    if MissionCityMembership.objects.filter(
        user=user, mission_city__participations__pairings__isnull=False
    ).exists():
        return "A member of a Mission City with published pairings."
    return ""


def erase(user) -> None:
    """Clear or replace every personal field of `user`. Call inside a transaction."""
    strings = person_strings(user)
    emails = person_emails(user)

    Representative.objects.filter(email_in("email", emails)).update(name=REMOVED, email="", role="")
    OrganisationInvitation.objects.filter(email_in("email", emails)).delete()
    MissionCityInvitation.objects.filter(email_in("email", emails)).delete()

    membership = OrganisationMember.objects.filter(user=user).first()
    others_remain = bool(
        membership
        and OrganisationMember.objects.filter(organisation_id=membership.organisation_id)
        .exclude(user=user)
        .exists()
    )
    for document in Document.objects.filter(uploaded_by=user):
        if others_remain:
            document.uploaded_by = None
            document.save(update_fields=["uploaded_by"])
        else:
            document.file.delete(save=False)
            document.delete()
    if membership:
        membership.delete()
    MissionCityMembership.objects.filter(user=user).delete()

    for label in DELETED_WITH_PERSON:
        model = installed_model(label)
        if model is not None:
            model.objects.filter(user=user).delete()

    user_model = get_user_model()
    scrub_everywhere(strings, skip=(user_model,))
    user.name = ""
    user.email = f"erased-{user.pk}@erased.invalid"
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()  # also ends every session (the session hash changes)
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def email_in(field: str, emails) -> Q:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(**{f"{field}__iexact": email})
    return query
