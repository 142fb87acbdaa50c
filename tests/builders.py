"""Builders: one per domain object, made through the real services, as a person leaves it.

- `draft_application(call, name)`: an organisation with its owner and a started application.
- `fill_application(application)`: every answer given, through the services of the steps.
- `submitted_application(call, name)`: both, then submitted (the one builder of a submitted
  application; `submit=False` leaves it complete but unsubmitted).
- `published_pairing(application, host, by=staff)`: a pairing published by `run_publish`.
- `city(call, name)`, `member(email, *cities)`: a call's Mission City, a workspace member.
- `staff_member(email, *permissions)`: a staff account with these permissions
  ("pairs.view_pair", …) and no other.

Rows without a story come from the factories in `tests.factories`.
"""

from applications import services as app_services
from applications.documents import inspect_pdf
from applications.models import Application, Document
from cities.models import CallMissionCity, MissionCityMembership, Topic
from matching import services as matching_services
from matching.models import MatchingRun, Pairing, Proposal
from tests.applications.pdfs import pdf_upload
from tests.factories import UserFactory


def city(call, name: str) -> CallMissionCity:
    return CallMissionCity.objects.select_related("mission_city").get(call=call, display_name=name)


def member(email: str, *cities: CallMissionCity):
    """A user with an active membership of each city."""
    user = UserFactory(email=email)
    for host in cities:
        MissionCityMembership.objects.create(user=user, mission_city_id=host.mission_city_id)
    return user


def _slug(name: str) -> str:
    return name.lower().replace(" ", "")


def draft_application(call, name: str, *, country: str = "GB", email: str | None = None):
    """A new organisation (its owner signed up with `email`) and its draft to `call`."""
    user = UserFactory(email=email or f"officer@{_slug(name)}.example")
    organisation = app_services.organisation_start(user=user, name=name, country=country)
    return app_services.application_start(organisation=organisation, call=call, by=user)


def fill_application(
    application: Application,
    *,
    prefs=("Torino",),
    needs=("energy-systems",),
    shares=("built-environment",),
    population: int = 264_700,
    target_year: int = 2050,
    name: str | None = None,
    country: str | None = None,
    by=None,
) -> Application:
    """Give every answer through the services, as the steps do (by the owner unless `by`);
    the name and country are the organisation's unless given."""
    user = by or application.organisation.members.order_by("joined_at").first().user
    name = name or application.organisation.name
    country = country or application.organisation.country.code
    slug = _slug(name)
    app_services.application_update(
        application=application,
        data={
            "official_name": name,
            "country": country,
            "authority_type": "municipality",
            "population": population,
            "website": f"https://www.{slug}.example/",
            "target_year": target_year,
            "plan_title": f"{name} Climate Plan",
            "plan_year": 2020,
            "plan_url": f"https://www.{slug}.example/plan",
            "climate_plans": ["secap"],
            "hours_per_month": 16,
            "site_visits": "yes",
            "consent_share": True,
            "consent_privacy": True,
        },
        by=user,
    )
    app_services.application_set_representatives(
        application=application,
        rows=[
            {
                "name": f"Officer of {name}",
                "role": "Climate officer",
                "email": f"contact@{slug}.example",
                "english_level": "C1",
            }
        ],
        by=user,
    )
    app_services.application_set_learning_needs(
        application=application,
        rows=[{"topic": Topic.objects.get(slug=s), "text": f"Learn {s}"} for s in needs],
        by=user,
    )
    app_services.application_set_shares(
        application=application,
        rows=[{"topic": Topic.objects.get(slug=s), "text": f"Share {s}"} for s in shares],
        by=user,
    )
    app_services.application_set_preferences(
        application=application,
        rows=[
            {"mission_city": city(application.call, c), "reason": f"{name} likes {c}"}
            for c in prefs
        ],
        by=user,
    )
    upload = pdf_upload()
    app_services.document_store(
        application=application,
        kind=Document.Kind.ENDORSEMENT,
        upload=upload,
        info=inspect_pdf(upload),
        by=user,
    )
    return Application.objects.get(pk=application.pk)


def submitted_application(
    call,
    name: str,
    *,
    country: str = "GB",
    prefs=("Torino",),
    needs=("energy-systems",),
    shares=("built-environment",),
    population: int = 264_700,
    target_year: int = 2050,
    email: str | None = None,
    submit: bool = True,
) -> Application:
    """A complete application to `call`, submitted unless `submit=False`."""
    application = draft_application(call, name, country=country, email=email)
    application = fill_application(
        application,
        prefs=prefs,
        needs=needs,
        shares=shares,
        population=population,
        target_year=target_year,
    )
    if submit:
        owner = application.organisation.members.get().user
        result = app_services.application_submit(application=application, by=owner)
        assert result.submitted, result.message
    return Application.objects.get(pk=application.pk)


def published_pairing(application: Application, host: CallMissionCity, *, by=None) -> Pairing:
    """`application` paired with `host` and published by staff `by` through `run_publish`: a
    succeeded run proposes the pair, staff approve it (`proposal_decide`) and publish. The
    service's checks hold: the application is eligible and the host has a free place."""
    by = by or UserFactory(email="publisher@nzc.example", is_staff=True)
    run = MatchingRun.objects.create(
        call=host.call, status=MatchingRun.Status.SUCCEEDED, started_by=by, parameters={}
    )
    proposal = Proposal.objects.create(
        run=run,
        application=application,
        mission_city=host,
        score=0.5,
        explanation=f"{application.official_name} and {host.display_name}",
    )
    matching_services.proposal_decide(proposal=proposal, decision="approved", by=by)
    (pairing,) = matching_services.run_publish(run=run, by=by)
    return pairing


def staff_member(email: str, *permissions: str):
    """A staff account with exactly these model permissions ("app_label.codename")."""
    from django.contrib.auth.models import Permission

    user = UserFactory(email=email, is_staff=True)
    for label in permissions:
        app_label, codename = label.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
