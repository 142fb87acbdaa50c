"""A declared conflict of interest hides the application from that reviewer everywhere in the
staff side: every admin list and change page, the run pages, the documents; and staff read
documents only with the permission to view them."""

import pytest
from django.contrib import admin
from django.urls import reverse

from applications.models import Document, ReviewAssignment
from applications.reviews import services as review_services
from matching import services as matching_services
from matching.models import Pairing
from pairs import services as pair_services
from tests.builders import city, published_pairing, submitted_application
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Lists that may name the applicant although the application is hidden, and why.
NOT_APPLICATION_DATA = {
    "users.user": "the people, not their applications",
    "account.emailaddress": "the people's addresses",
    "users.consentrecord": "the people's consents",
    "outbox.email": "the delivery log of every e-mail, kept whole for support",
    "audit.auditentry": "the audit trail is complete by design",
    "privacy.erasurerequest": "people's erasure requests",
    "applications.reviewassignment": "one's own declaration stays listed, to be withdrawn",
    "cities.formerparticipant": "the public registry of earlier rounds, from public sources",
}


@pytest.fixture
def world(open_call, superuser):
    torino, sofia = city(open_call, "Torino"), city(open_call, "Sofia")
    a = submitted_application(open_call, "Plymouth", prefs=("Torino",), email="a@plymouth.example")
    b = submitted_application(
        open_call, "Girona", country="ES", prefs=("Sofia",), email="b@girona.example"
    )
    run = matching_services.run_execute(
        run_id=matching_services.run_start(call=open_call, enqueue=False).pk
    )
    other = matching_services.run_execute(
        run_id=matching_services.run_start(call=open_call, enqueue=False).pk
    )
    for application, host in ((a, torino), (b, sofia)):
        pairing = published_pairing(application, host)
        Pairing.objects.filter(pk=pairing.pk).update(
            host_confirmation="confirmed", twin_confirmation="confirmed"
        )
        pair_services.pair_open(pairing=pairing, by=superuser)
    reviewer = UserFactory(email="conflicted@nzc.example", is_staff=True, is_superuser=True)
    for application in (a, b):
        review_services.review_assign(application=application, reviewer=reviewer, by=reviewer)
    review_services.review_declare_conflict(application=a, reviewer=reviewer, reason="My city")
    return {"a": a, "b": b, "reviewer": reviewer, "run": run, "other": other}


def test_a_conflict_hides_the_application_from_every_admin_list(client, world, superuser):
    """Every changelist that names Plymouth to a colleague without a conflict names it not to
    the reviewer who declared one (while Girona stays visible where it is shown)."""
    shown, hidden_from_reviewer = [], []
    for model in admin.site._registry:
        label = model._meta.label_lower
        if label in NOT_APPLICATION_DATA:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        client.force_login(superuser)
        colleague = client.get(url).content.decode()
        if "Plymouth" not in colleague:
            continue
        shown.append(label)
        client.force_login(world["reviewer"])
        response = client.get(url)
        assert response.status_code == 200, label
        page = response.content.decode()
        if "Plymouth" not in page and ("Girona" in page) == ("Girona" in colleague):
            hidden_from_reviewer.append(label)
    assert sorted(set(shown) - set(hidden_from_reviewer)) == []
    assert {  # the walk really looked at the lists named in the finding
        "applications.application",
        "applications.representative",
        "applications.learningneed",
        "applications.statuschange",
        "applications.document",
        "matching.proposal",
        "matching.pairing",
        "pairs.pair",
    } <= set(shown)


def test_a_conflict_hides_the_run_pages_rows(client, world):
    client.force_login(world["reviewer"])
    run, other = world["run"], world["other"]

    detail = client.get(reverse("admin:matching_matchingrun_change", args=[run.pk]))
    compare = client.get(
        reverse("admin:matching_matchingrun_compare", args=[run.pk]), {"other": other.pk}
    )

    assert detail.status_code == compare.status_code == 200
    names = [p.application.official_name for _c, ps in detail.context["by_city"] for p in ps]
    names += [u.application.official_name for u in detail.context["unmatched"]]
    assert names == ["Girona"]
    assert b"Plymouth" not in detail.content
    assert b"Plymouth" not in compare.content


def test_a_conflict_refuses_the_documents_of_the_application(client, world):
    client.force_login(world["reviewer"])
    a_document = Document.objects.filter(application=world["a"]).first()
    b_document = Document.objects.filter(application=world["b"]).first()

    refused = client.get(reverse("document_download", args=[a_document.pk]))
    allowed = client.get(reverse("document_download", args=[b_document.pk]))

    assert (refused.status_code, allowed.status_code) == (404, 200)
    assert b"".join(allowed.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("role", "expected"), [("bare_staff", 404), ("viewer", 200), ("superuser", 200)]
)
def test_staff_download_documents_only_with_the_permission(
    client, draft, request, role, expected, applicant
):
    """A draft's document (never shared with anyone) included: staff without the permission
    to view documents get 404, as for any document not theirs."""
    from applications import services
    from applications.documents import inspect_pdf
    from tests.applications.pdfs import pdf_upload

    upload = pdf_upload()
    document = services.document_store(
        application=draft,
        kind=Document.Kind.PLAN,
        upload=upload,
        info=inspect_pdf(upload),
        by=applicant,
    )
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("document_download", args=[document.pk]))

    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_view_only_staff_cannot_declare_a_conflict_or_review(client, viewer, world):
    client.force_login(viewer)
    url = reverse("admin:applications_application_review", args=[world["b"].pk])

    page = client.get(url)
    conflict = client.post(url, {"conflict": "1", "reason": "My city"})
    review = client.post(url, {"comment": "fine"})

    assert page.status_code == 200
    assert b"Declare a conflict of interest" not in page.content
    assert (conflict.status_code, review.status_code) == (403, 403)
    assert not ReviewAssignment.objects.filter(reviewer=viewer).exists()
