import pytest
from django.core.exceptions import ValidationError

from applications import services as app_services
from applications.models import Application
from cities.models import CallMissionCity
from matching import services
from matching.models import Pairing, Proposal

pytestmark = pytest.mark.django_db


def _approved_run(call, staff):
    run = services.run_execute(run_id=services.run_start(call=call, enqueue=False).pk)
    for proposal in Proposal.objects.filter(run=run):
        services.proposal_decide(proposal=proposal, decision="approved", by=staff)
    return run


def test_publish_refuses_an_application_withdrawn_after_the_run(open_call, three_applicants, staff):
    run = _approved_run(open_call, staff)
    withdrawn = Proposal.objects.filter(run=run).first().application
    app_services.application_withdraw(application=withdrawn, by=None)
    with pytest.raises(ValidationError) as exc:
        services.run_publish(run=run, by=staff)
    assert f"{withdrawn.official_name} is now withdrawn" in exc.value.messages[0]
    assert Pairing.objects.count() == 0
    assert Application.objects.get(pk=withdrawn.pk).status == "withdrawn"


def test_publish_refuses_more_pairs_than_a_city_has_places(open_call, three_applicants, staff):
    CallMissionCity.objects.filter(call=open_call).update(capacity=1)
    run = _approved_run(open_call, staff)
    torino = CallMissionCity.objects.get(call=open_call, display_name="Torino")
    for proposal in Proposal.objects.filter(run=run):
        services.proposal_decide(
            proposal=proposal, decision="overridden", by=staff, reason="x", override_city=torino
        )
    with pytest.raises(ValidationError) as exc:
        services.run_publish(run=run, by=staff)
    assert "Torino would have" in exc.value.messages[0]
    assert Pairing.objects.count() == 0
