"""Who may do what in the Mission City workspace, checked the same way in views and templates.

These are rules (`rules.test_rule`, `{% test_rule %}` in templates), not model permissions: a
superuser is not a member of a Mission City, so `user.has_perm`, which lets superusers do
anything, is deliberately not used. Staff act through the admin.

Memberships are read once per request (see `selectors.member_city_ids`), so a revoked member
loses access with their next request.
"""

import rules

from cities.models import CallMissionCity, MissionCity
from matching.models import Pairing

from . import selectors


def _mission_city_id(city) -> int | None:
    if isinstance(city, MissionCity):
        return city.pk
    if isinstance(city, CallMissionCity):
        return city.mission_city_id
    return None


@rules.predicate
def is_workspace_member(user) -> bool:
    """An active member of at least one Mission City."""
    return bool(selectors.member_city_ids(user))


@rules.predicate
def is_member_of_city(user, city) -> bool:
    """An active member of this Mission City (a registry city or its profile in a call)."""
    city_id = _mission_city_id(city)
    return city_id is not None and city_id in selectors.member_city_ids(user)


@rules.predicate
def is_host_of_pairing(user, pairing) -> bool:
    """An active member of the pairing's Mission City."""
    return isinstance(pairing, Pairing) and is_member_of_city(user, pairing.mission_city)


@rules.predicate
def is_twin_of_pairing(user, pairing) -> bool:
    """A member of the organisation whose application is paired."""
    if not isinstance(pairing, Pairing):
        return False
    organisation_id = selectors.organisation_id_of(user)
    return organisation_id is not None and pairing.application.organisation_id == organisation_id


@rules.predicate
def host_answer_pending(user, pairing) -> bool:
    return pairing.host_confirmation == Pairing.Confirmation.PENDING


@rules.predicate
def twin_answer_pending(user, pairing) -> bool:
    return pairing.twin_confirmation == Pairing.Confirmation.PENDING


@rules.predicate
def pairing_open(user, pairing) -> bool:
    """Neither side declined: a declined pairing is closed for both."""
    declined = Pairing.Confirmation.DECLINED
    return declined not in (pairing.host_confirmation, pairing.twin_confirmation)


rules.add_rule("workspace.use", is_workspace_member)
rules.add_rule("workspace.view_city", is_member_of_city)
rules.add_rule("workspace.edit_shortlist", is_member_of_city)
# The Twin City's representatives are shown to a member of the Mission City it is paired with.
rules.add_rule("workspace.view_contacts", is_host_of_pairing)
rules.add_rule("workspace.answer_as_host", is_host_of_pairing & host_answer_pending & pairing_open)
rules.add_rule("workspace.view_as_twin", is_twin_of_pairing)
rules.add_rule("workspace.answer_as_twin", is_twin_of_pairing & twin_answer_pending & pairing_open)
