"""Uploaded PDFs (issue 12): %PDF- at offset 0, no JavaScript or launch action (also inside
compressed object streams), a bound on what compressed streams expand to and on pages."""

import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.documents import MAX_PAGES, inflation_budget, inspect_pdf
from applications.forms import PdfField
from pairs.forms import DocumentForm
from tests.applications.pdfs import bomb_stream, pages_objects, pdf_bytes, raw_pdf

JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("file.pdf", data, content_type="application/pdf")


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect_pdf(upload(data))
    return caught.value


def test_a_plain_handmade_pdf_is_accepted_in_both_layouts():
    assert inspect_pdf(upload(raw_pdf(pages_objects()))).pages == 1
    assert inspect_pdf(upload(raw_pdf(pages_objects(count=3), packed=(2, 10, 11)))).pages == 3
    assert inspect_pdf(upload(pdf_bytes(2))).pages == 2


def test_html_before_the_pdf_header_is_refused():
    error = refusal(b"<html><script>alert(1)</script></html>\n" + pdf_bytes())
    assert error.code == "not_pdf"
    assert "This file is not a PDF" in error.message


def test_an_open_action_running_javascript_is_refused():
    objects = pages_objects(extra_catalog=b"/OpenAction 3 0 R") | {3: JS_ACTION}
    error = refusal(raw_pdf(objects))
    assert error.code == "javascript"
    assert "This PDF contains JavaScript" in error.message


def test_javascript_hidden_in_a_compressed_object_stream_is_refused():
    objects = pages_objects(extra_catalog=b"/OpenAction 3 0 R") | {3: JS_ACTION}
    data = raw_pdf(objects, packed=(1, 3))
    assert b"JavaScript" not in data  # only visible once the object stream is inflated
    assert refusal(data).code == "javascript"


def test_document_javascript_with_an_escaped_name_is_refused():
    objects = pages_objects(extra_catalog=b"/Names << /J#61vaScript 3 0 R >>") | {
        3: b"<< /Names [(x) 4 0 R] >>",
        4: JS_ACTION,
    }
    assert refusal(raw_pdf(objects)).code == "javascript"


def test_a_link_annotation_with_a_js_key_is_refused():
    objects = pages_objects(page_extra=b"/Annots [3 0 R]") | {
        3: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /JS 4 0 R >> >>",
        4: b"(app.alert\\(1\\))",
    }
    assert refusal(raw_pdf(objects)).code == "javascript"


def test_a_launch_action_is_refused():
    objects = pages_objects(extra_catalog=b"/OpenAction 3 0 R") | {
        3: b"<< /S /Launch /F (cmd.exe) >>",
    }
    error = refusal(raw_pdf(objects, packed=(3,)))
    assert error.code == "launch"
    assert "starts another program" in error.message


def test_a_small_file_that_inflates_to_200_mb_is_refused_without_holding_it():
    objects = pages_objects(page_extra=b"/Contents 3 0 R") | {3: bomb_stream(200 * 1024 * 1024)}
    data = raw_pdf(objects)
    assert len(data) < 300 * 1024

    tracemalloc.start()
    try:
        error = refusal(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert error.code == "inflates"
    assert f"expands to more than {inflation_budget(len(data)) // 2**20} MB" in error.message
    assert peak < 16 * 1024 * 1024


def test_a_modest_compressed_stream_is_accepted():
    objects = pages_objects(page_extra=b"/Contents 3 0 R") | {3: bomb_stream(4 * 1024 * 1024)}
    assert inspect_pdf(upload(raw_pdf(objects))).pages == 1


def test_too_many_pages_are_refused():
    error = refusal(raw_pdf(pages_objects(count=MAX_PAGES + 1)))
    assert error.code == "too_many_pages"
    assert f"has {MAX_PAGES + 1} pages; the limit is {MAX_PAGES}" in error.message


def test_the_form_fields_show_the_specific_message():
    objects = pages_objects(extra_catalog=b"/OpenAction 3 0 R") | {3: JS_ACTION}
    with pytest.raises(ValidationError) as caught:
        PdfField().clean(upload(raw_pdf(objects)))
    assert "This PDF contains JavaScript" in caught.value.messages[0]

    form = DocumentForm(data={"title": "Notes"}, files={"file": upload(raw_pdf(objects))})
    assert not form.is_valid()
    assert "This PDF contains JavaScript" in form.errors["file"][0]
