"""Applications, memberships and pairings for the workspace tests, made through the services."""

from applications import services as app_services
from applications.documents import inspect_pdf
from applications.models import Application, Document
from cities.models import CallMissionCity, MissionCityMembership, Topic
from matching.models import Pairing
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


def submitted(
    call,
    name: str,
    *,
    country: str = "GB",
    prefs: tuple[str, ...] = ("Torino",),
    needs: tuple[str, ...] = ("energy-systems",),
    shares: tuple[str, ...] = ("built-environment",),
    population: int = 264_700,
    target_year: int = 2050,
    email: str | None = None,
    submit: bool = True,
) -> Application:
    """A complete application to `call`, submitted unless `submit=False`."""
    slug = name.lower().replace(" ", "")
    user = UserFactory(email=email or f"officer@{slug}.example")
    organisation = app_services.organisation_start(user=user, name=name, country=country)
    application = app_services.application_start(organisation=organisation, call=call, by=user)
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
        rows=[{"mission_city": city(call, c), "reason": f"{name} likes {c}"} for c in prefs],
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
    if submit:
        result = app_services.application_submit(application=application, by=user)
        assert result.submitted, result.message
    return Application.objects.get(pk=application.pk)


def publish(application: Application, host: CallMissionCity, *, by=None) -> Pairing:
    """A published pairing, as `matching.services.run_publish` leaves it."""
    Application.objects.filter(pk=application.pk).update(status=Application.Status.PAIRED)
    return Pairing.objects.create(
        call=host.call, application=application, mission_city=host, published_by=by
    )
