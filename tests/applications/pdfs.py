"""Small real PDFs made on the fly for upload tests."""

import io
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name: str = "letter.pdf", pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def raw_pdf(objects: dict[int, bytes], *, packed=(), prefix: bytes = b"") -> bytes:
    """A PDF written by hand: `objects` maps numbers to bodies (object 1 is the catalog); those in
    `packed` go into a compressed object stream, found through a cross-reference stream."""
    out = bytearray(prefix + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    loose = {n: body for n, body in objects.items() if n not in packed}
    for number, body in sorted(loose.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    size = max(objects) + 1
    if not packed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets.get(number, 0)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)
    stream_number, xref_number = size, size + 1
    header, body = [], b""
    for number in packed:
        header.append(b"%d %d" % (number, len(body)))
        body += objects[number] + b"\n"
    head = b" ".join(header) + b"\n"
    data = zlib.compress(head + body)
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        stream_number,
        len(packed),
        len(head),
        len(data),
    )
    out += b"stream\n" + data + b"\nendstream\nendobj\n"
    offsets[xref_number] = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in range(1, xref_number + 1):
        if number in packed:
            rows.append(
                b"\x02" + stream_number.to_bytes(4, "big") + packed.index(number).to_bytes(2, "big")
            )
        else:
            rows.append(b"\x01" + offsets.get(number, 0).to_bytes(4, "big") + b"\x00\x00")
    table = zlib.compress(b"".join(rows))
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n" % (xref_number, xref_number + 1, len(table))
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def pages_objects(extra_catalog: bytes = b"", page_extra: bytes = b"", count: int = 1):
    """Catalog (1), page tree (2) and `count` blank pages (10…) for raw_pdf."""
    kids = b" ".join(b"%d 0 R" % (10 + i) for i in range(count))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R " + extra_catalog + b" >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
    }
    for i in range(count):
        objects[10 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] " + page_extra + b" >>"
        )
    return objects


def bomb_stream(inflated: int) -> bytes:
    """A Flate stream object body that expands to `inflated` zero bytes (made in chunks)."""
    compressor = zlib.compressobj(9)
    data = bytearray()
    block = bytes(1024 * 1024)
    for _ in range(inflated // len(block)):
        data += compressor.compress(block)
    data += compressor.flush()
    return b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"
