"""Checks of uploaded documents by their content: PDF only, at most 10 MB.

Also refused (issue 12): a file that does not start with `%PDF-`; JavaScript and launch actions
anywhere in the document, also inside compressed object streams and behind escaped names (pypdf
reads both); more than MAX_PAGES pages; compressed streams that expand past a bound (counted
while inflating in small chunks, so a 200 KB file that would expand to 200 MB is refused after
the first tens of MB, never held in memory).
"""

import hashlib
import logging
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
MAX_PAGES = 1000
# What the compressed streams of a file may expand to in all: 200 times the file's size, at least
# 32 MB, at most 512 MB (a scan with lossless images expands a lot; a compression bomb ~1000×).
INFLATION_RATIO = 200
MIN_INFLATED = 32 * 1024 * 1024
MAX_INFLATED = 512 * 1024 * 1024
MAX_OBJECTS = 500_000
CHUNK = 64 * 1024
SCRIPT_KEYS = {"/JS", "/JavaScript"}
ACTION_TYPES = {"/JavaScript": "javascript", "/Launch": "launch"}


@dataclass(frozen=True)
class PdfInfo:
    size: int
    pages: int
    sha256: str
    original_name: str


def safe_display_name(name: str) -> str:
    """The uploaded file's name, made safe to display and to offer for download."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = get_valid_filename(base) if base.strip(" .") else ""
    if not cleaned or cleaned in {".", ".."}:
        cleaned = "document.pdf"
    if not cleaned.lower().endswith(".pdf"):
        cleaned = f"{cleaned}.pdf"
    return cleaned[-150:]


def inspect_pdf(upload) -> PdfInfo:
    """Raise ValidationError unless `upload` is a readable PDF of at most 10 MB."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is 10 MB. Please upload a smaller PDF.")
            % {"size": upload.size / 1024 / 1024},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(1024)
    if not head.startswith(PDF_MAGIC):
        raise ValidationError(
            _("This file is not a PDF. Please export the document as PDF and upload it again."),
            code="not_pdf",
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    pypdf_logger = logging.getLogger("pypdf")
    previous = pypdf_logger.level
    pypdf_logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                _("This PDF is password-protected. Please upload it without a password."),
                code="encrypted",
            )
        _check_inflated_size(reader, inflation_budget(upload.size))
        _check_actions(reader)
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception as exc:  # a hostile or broken file may raise anything inside the parser
        raise ValidationError(
            _("This PDF could not be read; it may be damaged. Please save it again and retry."),
            code="unreadable",
        ) from exc
    finally:
        pypdf_logger.setLevel(previous)
        upload.seek(0)
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="empty")
    if pages > MAX_PAGES:
        raise ValidationError(
            _("This PDF has %(pages)d pages; the limit is %(max)d. Please upload a shorter PDF.")
            % {"pages": pages, "max": MAX_PAGES},
            code="too_many_pages",
        )
    return PdfInfo(
        size=upload.size,
        pages=pages,
        sha256=digest.hexdigest(),
        original_name=safe_display_name(upload.name),
    )


def inflation_budget(size: int) -> int:
    return min(MAX_INFLATED, max(MIN_INFLATED, INFLATION_RATIO * size))


def _inflate(chunks):
    """Flate-decode an iterable of byte chunks lazily, CHUNK bytes of output at a time."""
    decompressor = zlib.decompressobj()
    try:
        for data in chunks:
            pending = data
            while pending and not decompressor.eof:
                out = decompressor.decompress(pending, CHUNK)
                if out:
                    yield out
                elif len(decompressor.unconsumed_tail) == len(pending):
                    return  # no progress
                pending = decompressor.unconsumed_tail
        while not decompressor.eof:
            out = decompressor.decompress(b"", CHUNK)
            if not out:
                return
            yield out
    except zlib.error:
        return  # damaged data: a reader shows what it can; nothing more to count


def _filters(stream) -> list[str]:
    value = dict.get(stream, "/Filter")
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if value is None:
        return []
    if isinstance(value, ArrayObject):
        return [str(v.get_object()) for v in value]
    return [str(value)]


def _check_inflated_size(reader, budget: int) -> None:
    """Count what every Flate-compressed stream expands to, without keeping it."""
    total = 0
    for generation, objects in reader.xref.items():
        for number in objects:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if not isinstance(obj, StreamObject):
                continue
            chunks = [obj._data]  # the stream's bytes as stored in the file
            decoded = False
            for name in _filters(obj):
                if name not in ("/FlateDecode", "/Fl"):
                    break  # an image codec (JPEG, JPX, fax, JBIG2) or a rare filter
                chunks = _inflate(chunks)
                decoded = True
            if not decoded:
                continue
            for chunk in chunks:
                total += len(chunk)
                if total > budget:
                    raise ValidationError(
                        _(
                            "This PDF expands to more than %(mb)d MB when opened, far more than "
                            "its size explains. Please save it again (for example with “Reduce "
                            "file size” or “Print to PDF”) and upload it again."
                        )
                        % {"mb": budget // (1024 * 1024)},
                        code="inflates",
                    )


def _check_actions(reader) -> None:
    """Walk every object the document reaches from its trailer (object streams included):
    no JavaScript, no launch action."""
    seen: set[tuple[int, int]] = set()
    todo = [reader.trailer]
    visited = 0
    while todo:
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValidationError(
                _("This PDF has too many parts to check. Please save it again and retry."),
                code="too_complex",
            )
        if isinstance(obj, DictionaryObject):
            kind = ACTION_TYPES.get(str(_direct(dict.get(obj, "/S"))))
            if kind is None and SCRIPT_KEYS & set(obj.keys()):
                kind = "javascript"
            if kind == "javascript":
                raise ValidationError(
                    _(
                        "This PDF contains JavaScript (a script that runs when it is opened or "
                        "clicked). Please save it again without scripts (for example with "
                        "“Print to PDF”) and upload it again."
                    ),
                    code="javascript",
                )
            if kind == "launch":
                raise ValidationError(
                    _(
                        "This PDF contains an action that starts another program or opens a "
                        "file. Please save it again without it (for example with “Print to "
                        "PDF”) and upload it again."
                    ),
                    code="launch",
                )
            todo.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            todo.extend(list.__iter__(obj))


def _direct(value):
    return value.get_object() if isinstance(value, IndirectObject) else value
