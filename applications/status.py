"""The lifecycle of an application, defined once.

The statuses that exist, the transitions between them with who may make each one, and the named
predicates every layer asks (services, views, templates through `rules`, the admin, the Mission
City workspace and matching). Nothing else repeats a list of statuses.

`python manage.py lifecycle_table` prints the table of `docs/lifecycle.md` from this module; a
test checks that the committed table is the generated one.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Application

Status = Application.Status
Verdict = Application.Verdict


class Actor(StrEnum):
    APPLICANT = "applicant"  # a member of the applicant organisation
    STAFF = "staff"  # NetZeroCities staff, in the admin
    SYSTEM = "system"  # the portal itself, as the consequence of another action


ACTOR_LABELS = {
    Actor.APPLICANT: _("applicant"),
    Actor.STAFF: _("staff"),
    Actor.SYSTEM: _("portal"),
}

# The status before the withdrawal, restored by `restore`.
RESTORABLE = (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.NEEDS_INFO)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str | None  # None: the status the application had before it was withdrawn
    actors: frozenset[Actor]
    when: str  # the condition, in words, for the table

    def allows(self, source: str, actor: Actor) -> bool:
        return source in self.sources and actor in self.actors


def _t(name, sources, target, actors, when):
    return Transition(name, tuple(sources), target, frozenset(actors), when)


A, S, Y = Actor.APPLICANT, Actor.STAFF, Actor.SYSTEM
TRANSITIONS = (
    _t("start", [""], Status.DRAFT, [A], _("the call is open")),
    _t(
        "submit",
        [Status.DRAFT, Status.NEEDS_INFO],
        Status.SUBMITTED,
        [A],
        _("the call is open and every answer is given; eligibility is judged"),
    ),
    _t("start_review", [Status.SUBMITTED], Status.UNDER_REVIEW, [S], _("any time")),
    _t(
        "request_info",
        [Status.SUBMITTED, Status.UNDER_REVIEW],
        Status.NEEDS_INFO,
        [S],
        _("with a message saying what is needed; editing unlocks"),
    ),
    _t(
        "not_select",
        [Status.SUBMITTED, Status.UNDER_REVIEW],
        Status.NOT_SELECTED,
        [S, Y],
        _("by staff with an internal reason, or when a run is published without it"),
    ),
    _t("reconsider", [Status.NOT_SELECTED], Status.UNDER_REVIEW, [S], _("with a reason")),
    _t(
        "pair",
        [Status.SUBMITTED, Status.UNDER_REVIEW],
        Status.PAIRED,
        [S],
        _("a run is published with an approved proposal; eligible only"),
    ),
    _t(
        "unpair",
        [Status.PAIRED],
        Status.UNDER_REVIEW,
        [S, Y],
        _(
            "staff unpublish the pairing with a reason (refused once its pair space is open), "
            "or one side declines it"
        ),
    ),
    _t(
        "withdraw",
        [Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW, Status.NEEDS_INFO],
        Status.WITHDRAWN,
        [A, S],
        _("any time before pairing, with an optional reason"),
    ),
    _t(
        "restore",
        [Status.WITHDRAWN],
        None,
        [A, S],
        _("the applicant before the call's deadline, staff at any time, with a reason"),
    ),
)
TRANSITIONS_BY_NAME = {t.name: t for t in TRANSITIONS}
del A, S, Y


def transition(name: str) -> Transition:
    return TRANSITIONS_BY_NAME[name]


def targets_from(source: str, actor: Actor) -> list[str]:
    """The statuses `actor` may move an application in `source` to (restore excluded)."""
    return [t.target for t in TRANSITIONS if t.target and t.allows(source, actor)]


def check(application, name: str, actor: Actor) -> Transition:
    """The transition, or a ValidationError saying why it cannot be made now."""
    t = TRANSITIONS_BY_NAME[name]
    if not t.allows(application.status, actor):
        raise ValidationError(
            _("A %(status)s application cannot be %(action)s.")
            % {
                "status": application.get_status_display().lower(),
                "action": TRANSITION_PAST[name],
            },
            code="transition",
        )
    return t


TRANSITION_PAST = {
    "start": _("started"),
    "submit": _("submitted"),
    "start_review": _("put under review"),
    "request_info": _("reopened for more information"),
    "not_select": _("marked not selected"),
    "reconsider": _("reconsidered"),
    "pair": _("paired"),
    "unpair": _("unpaired"),
    "withdraw": _("withdrawn"),
    "restore": _("restored"),
}


# Predicates ----------------------------------------------------------------------------------

EDITABLE = (Status.DRAFT, Status.NEEDS_INFO)
WITHDRAWABLE = TRANSITIONS_BY_NAME["withdraw"].sources
# Statuses of an application that may be paired: matching reads them, publication re-checks them.
MATCHABLE = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.PAIRED)
# Statuses never shown to Mission Cities.
HIDDEN_FROM_CITIES = (Status.DRAFT, Status.WITHDRAWN, Status.NOT_SELECTED)


def is_editable(application) -> bool:
    """The applicant may change answers (a draft, or reopened by staff)."""
    return application.status in EDITABLE


def can_withdraw(application) -> bool:
    return application.status in WITHDRAWABLE


def can_restore(application, *, actor: Actor, now=None) -> bool:
    """Staff at any time; the applicant until the call's deadline."""
    if application.status != Status.WITHDRAWN:
        return False
    if actor == Actor.STAFF:
        return True
    now = now or timezone.now()
    return actor == Actor.APPLICANT and now < application.call.closes_at


def is_reviewable(application) -> bool:
    """Staff reviewers may score it: submitted at least once, neither a draft nor withdrawn."""
    return application.status not in (Status.DRAFT, Status.WITHDRAWN)


def is_eligible(application) -> bool:
    return application.effective_verdict == Verdict.ELIGIBLE


def visible_to_cities(application) -> bool:
    """Mission Cities may see it: submitted, shared by consent, not withdrawn, not rejected and
    not judged ineligible (by the rules or by staff)."""
    return (
        application.submitted_at is not None
        and application.consent_share
        and application.status not in HIDDEN_FROM_CITIES
        and application.effective_verdict != Verdict.INELIGIBLE
    )


def candidate_for_matching(application) -> bool:
    """Matching may propose it to a Mission City."""
    return (
        application.submitted_at is not None
        and application.status in MATCHABLE
        and is_eligible(application)
    )


def publishable(application) -> bool:
    """A pairing of it may be published (checked again at publication: it may have changed)."""
    return candidate_for_matching(application)


# The same predicates as query conditions (the effective verdict is aliased by the queryset).


def visible_to_cities_q() -> Q:
    return (
        Q(submitted_at__isnull=False, consent_share=True)
        & ~Q(status__in=HIDDEN_FROM_CITIES)
        & ~Q(effective_verdict=Verdict.INELIGIBLE)
    )


def candidate_for_matching_q() -> Q:
    return Q(submitted_at__isnull=False, status__in=MATCHABLE, effective_verdict=Verdict.ELIGIBLE)


# The table in docs/lifecycle.md ---------------------------------------------------------------


def table_markdown() -> str:
    """The statuses and transitions as Markdown, generated from the definitions above."""
    labels = dict(Status.choices)

    def name(value):
        return f"{labels[value]} (`{value}`)" if value else "—"

    lines = [
        "<!-- Generated by `python manage.py lifecycle_table` from applications/status.py; "
        "do not edit. -->",
        "",
        "## Statuses",
        "",
        "| status | editable | may withdraw | seen by Mission Cities | matched |",
        "| --- | --- | --- | --- | --- |",
    ]
    yes = lambda flag: "yes" if flag else "no"  # noqa: E731
    for value, _label in Status.choices:
        lines.append(
            f"| {name(value)} | {yes(value in EDITABLE)} | {yes(value in WITHDRAWABLE)} "
            f"| {'if consented and not ineligible' if value not in HIDDEN_FROM_CITIES else 'no'} "
            f"| {'if eligible' if value in MATCHABLE else 'no'} |"
        )
    lines += [
        "",
        "## Transitions",
        "",
        "| transition | from | to | who | when |",
        "| --- | --- | --- | --- | --- |",
    ]
    for t in TRANSITIONS:
        actors = ", ".join(str(ACTOR_LABELS[a]) for a in Actor if a in t.actors)
        target = name(t.target) if t.target else "the status before the withdrawal"
        sources = ", ".join(name(s) for s in t.sources)
        lines.append(f"| `{t.name}` | {sources} | {target} | {actors} | {t.when} |")
    return "\n".join(lines) + "\n"
