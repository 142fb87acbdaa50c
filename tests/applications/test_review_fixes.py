"""Regression tests from the code review: stale saves, internal reasons, shared documents,
spreadsheet formulas, hostile PDFs, invitations, status transitions."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from applications import exports, services
from applications.documents import inspect_pdf
from applications.models import Application, Document
from tests.factories import UserFactory
from tests.workspace.helpers import city, member, submitted

from .pdfs import pdf_bytes, pdf_upload

pytestmark = pytest.mark.django_db


def test_a_stale_copy_cannot_undo_a_submission(complete_draft, applicant):
    stale = Application.objects.get(pk=complete_draft.pk)
    services.application_submit(application=complete_draft, by=applicant)
    with pytest.raises(ValidationError):
        services.application_update(application=stale, data={"population": 1234}, by=applicant)
    complete_draft.refresh_from_db()
    assert (complete_draft.status, complete_draft.population) == ("submitted", 264_700)
    assert complete_draft.submitted_at is not None


def test_not_selected_reason_stays_internal(client, complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    services.application_set_status(
        application=complete_draft, to="not_selected", by=None, note="SECRET reviewer remark"
    )
    client.force_login(applicant)
    page = client.get(reverse("application_detail", args=[complete_draft.pk])).content.decode()
    assert "Not selected" in page
    assert "SECRET reviewer remark" not in page
    assert (
        complete_draft.status_changes.filter(internal=True, note="SECRET reviewer remark").count()
        == 1
    )


def test_status_cannot_be_set_by_hand_to_paired_or_from_paired(complete_draft, applicant):
    services.application_submit(application=complete_draft, by=applicant)
    with pytest.raises(ValidationError):
        services.application_set_status(application=complete_draft, to="paired", by=None)
    Application.objects.filter(pk=complete_draft.pk).update(status="paired")
    with pytest.raises(ValidationError):
        services.application_set_status(application=complete_draft, to="under_review", by=None)
    with pytest.raises(ValidationError):
        services.application_request_info(application=complete_draft, by=None, message="x")


def test_documents_of_ineligible_applications_are_not_shared_with_cities(open_call):
    torino = city(open_call, "Torino")
    host = member("host@torino.example", torino)
    eligible = submitted(open_call, "Plymouth", prefs=("Torino",))
    ineligible = submitted(open_call, "Portland", country="US", prefs=("Torino",))
    assert ineligible.verdict == "ineligible"
    client = Client()
    client.force_login(host)
    for application, expected in [(eligible, 200), (ineligible, 404)]:
        document = Document.objects.get(application=application)
        response = client.get(reverse("document_download", args=[document.pk]))
        assert response.status_code == expected
        if response.streaming:
            b"".join(response.streaming_content)


def test_a_replaced_document_is_gone(draft, applicant):
    first = pdf_upload("first.pdf")
    services.document_store(
        application=draft, kind="endorsement", upload=first, info=inspect_pdf(first), by=applicant
    )
    old = Document.objects.get()
    second = pdf_upload("second.pdf")
    services.document_store(
        application=draft, kind="endorsement", upload=second, info=inspect_pdf(second), by=applicant
    )
    assert list(Document.objects.values_list("original_name", flat=True)) == ["second.pdf"]
    assert not old.file.storage.exists(old.file.name)


def test_exports_keep_formulas_as_text(open_call):
    application = submitted(open_call, "Plymouth")
    Application.objects.filter(pk=application.pk).update(
        official_name='=HYPERLINK("http://evil.example","x")'
    )
    queryset = Application.objects.filter(pk=application.pk)
    row = next(csv.DictReader(io.StringIO(exports.to_csv(queryset).decode("utf-8-sig"))))
    assert row["official_name"] == '\'=HYPERLINK("http://evil.example","x")'
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(queryset)))["applications"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("official_name") + 1)
    assert (cell.data_type, cell.value) == ("s", '\'=HYPERLINK("http://evil.example","x")')


def test_a_pdf_that_crashes_the_parser_is_a_clear_error(monkeypatch):
    import applications.documents as documents

    class Exploding:
        def __init__(self, *args, **kwargs):
            raise NotImplementedError("unsupported encryption V=99")

    monkeypatch.setattr(documents, "PdfReader", Exploding)
    with pytest.raises(ValidationError) as exc:
        inspect_pdf(SimpleUploadedFile("x.pdf", pdf_bytes()))
    assert exc.value.code == "unreadable"


def test_only_owners_invite_and_only_once(draft, applicant):
    services.invitation_create(organisation=draft.organisation, email="c@x.example", by=applicant)
    with pytest.raises(ValidationError):
        services.invitation_create(
            organisation=draft.organisation, email="C@X.example", by=applicant
        )
    editor = UserFactory(email="c@x.example")
    services.invitation_accept(invitation=draft.organisation.invitations.get(), user=editor)
    with pytest.raises(ValidationError):
        services.invitation_create(organisation=draft.organisation, email="d@x.example", by=editor)
