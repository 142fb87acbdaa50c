"""Reads of applications, with the related rows each page needs."""

from dataclasses import dataclass

import rules
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cities.models import MissionCityMembership

from .models import (
    Application,
    Document,
    LearningNeed,
    OrganisationMember,
    Preference,
    ShareOffer,
    StatusChange,
)
from .reviews.selectors import without_conflicts
from .steps import STEPS_BY_SLUG


@dataclass(frozen=True)
class Missing:
    step: str
    message: str

    @property
    def step_title(self):
        return STEPS_BY_SLUG[self.step].title


def membership_of(user) -> OrganisationMember | None:
    if not user.is_authenticated:
        return None
    return OrganisationMember.objects.filter(user=user).select_related("organisation").first()


def applications_of(user) -> QuerySet[Application]:
    """The applications the user may edit: those of their organisation."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(organisation__members__user=user).select_related(
        "call", "organisation"
    )


def application_full(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Everything the review, read-only and print pages show, in a fixed number of queries."""
    return queryset.select_related(
        "call", "organisation", "plan_document", "endorsement_letter"
    ).prefetch_related(
        "representatives",
        Prefetch("learning_needs", queryset=LearningNeed.objects.select_related("topic")),
        "learning_needs__more_topics",
        Prefetch("shares", queryset=ShareOffer.objects.select_related("topic")),
        "shares__more_topics",
        Prefetch(
            "preferences",
            queryset=Preference.objects.select_related("mission_city__mission_city"),
        ),
        Prefetch(
            "status_changes",
            queryset=StatusChange.objects.filter(internal=False).order_by("at", "pk"),
        ),
    )


def application_for_step(queryset: QuerySet[Application], step: str) -> QuerySet[Application]:
    """What a step's page reads: the rows `application_missing` checks for the steps' marks
    (each with its topic or Mission City in the same query), the documents, and the step's own
    rows: the further topics of the learning needs or shares, the actions of interest."""
    prefetches = [
        "representatives",
        Prefetch("learning_needs", queryset=LearningNeed.objects.select_related("topic")),
        Prefetch("shares", queryset=ShareOffer.objects.select_related("topic")),
        Prefetch(
            "preferences",
            queryset=Preference.objects.select_related("mission_city__mission_city"),
        ),
    ]
    if step == "learning":
        prefetches.append("learning_needs__more_topics")
    elif step == "sharing":
        prefetches.append("shares__more_topics")
    elif step == "preferences":
        prefetches.append("action_interests")
    return queryset.select_related(
        "call", "organisation", "plan_document", "endorsement_letter"
    ).prefetch_related(*prefetches)


def effective_verdict():
    """The effective verdict as an expression (defined by `ApplicationQuerySet`)."""
    return Application.objects.effective_verdict_expression()


def shared_with_cities(*, call=None) -> QuerySet[Application]:
    """What Mission Cities may see of applications (`status.visible_to_cities`)."""
    queryset = Application.objects.visible_to_cities()
    if call is not None:
        queryset = queryset.filter(call=call)
    return queryset


def application_recipients(application: Application) -> list[str]:
    return list(
        OrganisationMember.objects.filter(organisation_id=application.organisation_id)
        .values_list("user__email", flat=True)
        .order_by("user__email")
    )


def application_missing(application: Application, *, imported: bool = False) -> list[Missing]:
    """What still has to be answered before the application can be submitted.

    Uses the prefetched rows when the application came from `application_full`. An application
    that staff import (`imported`) may come without its documents (the endorsement letter) and
    without preferred Mission Cities (the applicant left the choice to the programme).
    """
    missing = []
    add = lambda step, message: missing.append(Missing(step, message))  # noqa: E731
    a = application
    if not a.official_name.strip():
        add("organisation", _("The official name of your local authority."))
    if not a.country:
        add("organisation", _("Your country."))
    if not a.authority_type:
        add("organisation", _("The type of authority."))
    if not a.population:
        add("organisation", _("The population."))
    representatives = list(a.representatives.all())
    if not representatives:
        add("organisation", _("At least one representative."))
    for rep in representatives:
        if not (rep.name and rep.role and rep.email and rep.english_level):
            add(
                "organisation",
                _("Name, role, e-mail and English level of representative %(n)d.")
                % {"n": rep.position},
            )
    if not a.target_year:
        add("climate", _("Your climate-neutrality target year."))
    if not a.plan_title.strip():
        add("climate", _("The plan or decision behind the target."))
    if not a.plan_year:
        add("climate", _("The year the plan or decision was adopted."))
    if not (a.plan_url or a.plan_document_id):
        add("climate", _("A link to the plan or decision, or the plan as a PDF."))
    needs = list(a.learning_needs.all())
    if not needs:
        add("learning", _("At least one learning need."))
    for need in needs:
        if not need.text.strip():
            add(
                "learning",
                _("What you want to learn about “%(topic)s”.") % {"topic": need.topic.name},
            )
    preferences = list(a.preferences.all())
    if not preferences and not imported:
        add("preferences", _("At least one preferred Mission City."))
    for pref in preferences:
        if not pref.reason.strip():
            add(
                "preferences",
                _("Why you chose %(city)s.") % {"city": pref.mission_city.display_name},
            )
    if a.hours_per_month is None:
        add("commitment", _("The hours per month your team can give."))
    if not a.site_visits:
        add("commitment", _("Your availability for site visits."))
    if not a.endorsement_letter_id and not imported:
        add("commitment", _("The endorsement letter (PDF)."))
    if not a.consent_share:
        add("commitment", _("Your consent to share the application with Mission Cities and staff."))
    if not a.consent_privacy:
        add("commitment", _("Your consent to the privacy notice."))
    return missing


def documents_readable_by(user) -> QuerySet[Document]:
    """The documents `user` may download: their organisation's; those of applications that
    consented to share, for members of the Mission Cities ranked by or shortlisting them; and,
    for staff with the permission to view documents, every document except those of
    applications they declared a conflict of interest on."""
    if rules.test_rule("applications.staff_read_documents", user):
        return without_conflicts(Document.objects.all(), user, organisation="organisation")
    cities = MissionCityMembership.objects.filter(user=user, revoked_at__isnull=True).values(
        "mission_city"
    )
    current = Q(pk=F("application__plan_document_id")) | Q(
        pk=F("application__endorsement_letter_id")
    )
    shared = (
        current
        & Q(application__in=shared_with_cities())
        & (
            Q(application__preferences__mission_city__mission_city__in=cities)
            | Q(application__shortlisted_by__mission_city__mission_city__in=cities)
        )
    )
    return Document.objects.filter(Q(organisation__members__user=user) | shared).distinct()


def is_mission_city_member(user) -> bool:
    """An active member of a Mission City's workspace (who may not apply as a Twin City)."""
    return MissionCityMembership.objects.filter(user=user, revoked_at__isnull=True).exists()
