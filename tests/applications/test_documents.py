import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.documents import MAX_BYTES, inspect_pdf, safe_display_name

from .pdfs import pdf_bytes, pdf_upload


def test_inspect_pdf_accepts_a_real_pdf():
    info = inspect_pdf(pdf_upload("Endorsement letter.pdf", pages=2))
    assert (info.pages, info.original_name) == (2, "Endorsement_letter.pdf")
    assert len(info.sha256) == 64


def test_inspect_pdf_rejects_a_renamed_text_file():
    upload = SimpleUploadedFile(
        "letter.pdf", b"Dear mayor,\n" * 100, content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as exc:
        inspect_pdf(upload)
    assert exc.value.code == "not_pdf"


def test_inspect_pdf_rejects_a_damaged_pdf():
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(ValidationError) as exc:
        inspect_pdf(upload)
    assert exc.value.code == "unreadable"


def test_inspect_pdf_rejects_more_than_10_mb():
    big = pdf_bytes() + b"\n%" + b"x" * MAX_BYTES
    with pytest.raises(ValidationError) as exc:
        inspect_pdf(SimpleUploadedFile("big.pdf", big))
    assert exc.value.code == "too_large"
    assert "the limit is 10 MB" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\me\\Brief Bürgermeister.pdf", "Brief_Bürgermeister.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("", "document.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_safe_display_name(name, expected):
    assert safe_display_name(name) == expected


def test_a_pdf_that_crashes_the_parser_is_a_clear_error(monkeypatch):
    import applications.documents as documents

    class Exploding:
        def __init__(self, *args, **kwargs):
            raise NotImplementedError("unsupported encryption V=99")

    monkeypatch.setattr(documents, "PdfReader", Exploding)
    with pytest.raises(ValidationError) as exc:
        inspect_pdf(SimpleUploadedFile("x.pdf", pdf_bytes()))
    assert exc.value.code == "unreadable"
