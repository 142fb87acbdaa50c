"""CSV and XLSX of the cohort view, formula-safe as the application exports."""

import csv
import io

from django.conf import settings
from django.urls import reverse
from openpyxl import Workbook

from applications.exports import _safe, _xlsx_safe

HEADER = [
    "pair",
    "link",
    "twin_city",
    "country",
    "mission_city",
    "milestones",
    "done",
    "late",
    "progress_percent",
    "last_activity",
    "site_visit_held",
    "plan_submitted",
    "at_risk",
]


def _values(rows):
    yield HEADER
    base = settings.SITE_URL.rstrip("/")
    for r in rows:
        application = r.pair.pairing.application
        yield [
            r.pair.pk,
            base + reverse("pair_detail", args=[r.pair.pk]),
            application.official_name,
            str(application.country),
            r.pair.pairing.mission_city.display_name,
            r.milestones,
            r.done,
            r.late,
            r.progress,
            r.last_activity.isoformat(timespec="minutes"),
            "yes" if r.site_visit else "no",
            "yes" if r.plan_submitted else "no",
            "yes" if r.at_risk else "no",
        ]


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in _values(rows):
        writer.writerow([_safe(v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("pairs")
    for values in _values(rows):
        sheet.append([_xlsx_safe(v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
