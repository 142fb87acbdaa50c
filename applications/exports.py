"""CSV and XLSX exports of applications: every answer, topics, preferences, verdict and reasons,
review scores and a link to the record. The number of queries does not grow with rows."""

import csv
import io

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import MAX_REPRESENTATIVES, Application, Preference, Review, ReviewScore


def export_queryset(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return (
        queryset.prefetch_related(None)
        .select_related("call", "organisation")
        .prefetch_related(
            "representatives",
            "learning_needs__topic",
            "shares__topic",
            Prefetch("preferences", queryset=Preference.objects.select_related("mission_city")),
            Prefetch(
                "reviews",
                queryset=Review.objects.prefetch_related(
                    Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
                ),
            ),
            "documents",
        )
    )


def header(max_preferences: int) -> list[str]:
    cols = [
        "id",
        "link",
        "call",
        "organisation",
        "official_name",
        "country",
        "authority_type",
        "population",
        "website",
        "target_year",
        "plan_title",
        "plan_year",
        "plan_url",
        "climate_plans",
        "climate_plans_other",
        "hours_per_month",
        "site_visits",
        "consent_share",
        "consent_privacy",
    ]
    for n in range(1, MAX_REPRESENTATIVES + 1):
        cols += [f"representative_{n}_{f}" for f in ("name", "role", "email", "english_level")]
    cols += ["learning_topics", "learning_needs", "share_topics", "shares"]
    for n in range(1, max_preferences + 1):
        cols += [f"preference_{n}", f"preference_{n}_reason"]
    cols += [
        "documents",
        "verdict",
        "verdict_reasons",
        "resembles",
        "verdict_override",
        "verdict_override_reason",
        "effective_verdict",
        "status",
        "submitted_at",
        "reviews",
        "review_mean_total",
        "review_scores",
    ]
    return cols


def row(application: Application, max_preferences: int) -> list:
    a = application
    reps = list(a.representatives.all())
    needs = list(a.learning_needs.all())
    shares = list(a.shares.all())
    prefs = {p.rank: p for p in a.preferences.all()}
    reviews = list(a.reviews.all())
    values = [
        a.pk,
        settings.SITE_URL.rstrip("/")
        + reverse("admin:applications_application_change", args=[a.pk]),
        a.call.slug,
        a.organisation.name,
        a.official_name,
        a.country.code or "",
        a.authority_type,
        a.population,
        a.website,
        a.target_year,
        a.plan_title,
        a.plan_year,
        a.plan_url,
        ", ".join(a.climate_plans),
        a.climate_plans_other,
        a.hours_per_month,
        a.site_visits,
        a.consent_share,
        a.consent_privacy,
    ]
    for n in range(MAX_REPRESENTATIVES):
        rep = reps[n] if n < len(reps) else None
        values += [rep.name, rep.role, rep.email, rep.english_level] if rep else ["", "", "", ""]
    values += [
        "; ".join(n.topic.slug for n in needs),
        "\n".join(f"{n.topic.name}: {n.text}" for n in needs),
        "; ".join(s.topic.slug for s in shares),
        "\n".join(f"{s.topic.name}: {s.text}" for s in shares),
    ]
    for rank in range(1, max_preferences + 1):
        pref = prefs.get(rank)
        values += [pref.mission_city.display_name, pref.reason] if pref else ["", ""]
    values += [
        "; ".join(f"{d.get_kind_display()}: {d.original_name}" for d in a.documents.all()),
        a.verdict,
        "\n".join(
            f"{'✔' if r.get('passed') else '✘'} {r.get('message', '')}" for r in a.verdict_reasons
        ),
        "; ".join(a.verdict_resembles),
        a.verdict_override,
        a.verdict_override_reason,
        a.effective_verdict,
        a.status,
        a.submitted_at.isoformat() if a.submitted_at else "",
        len(reviews),
        round(sum(r.total for r in reviews) / len(reviews), 2) if reviews else "",
        "\n".join(
            f"{r.reviewer_id}: "
            + ", ".join(f"{s.criterion.slug} {s.score}" for s in r.scores.all())
            for r in reviews
        ),
    ]
    return values


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Text that a spreadsheet would run as a formula is kept as text (leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_safe(value):
    """Control characters (pasted from word processors) are not allowed in XLSX cells."""
    value = _safe(value)
    return ILLEGAL_CHARACTERS_RE.sub(" ", value) if isinstance(value, str) else value


def _rows(queryset):
    applications = list(export_queryset(queryset))
    max_preferences = max([a.call.max_preferences for a in applications] or [3])
    yield header(max_preferences)
    for application in applications:
        yield row(application, max_preferences)


def to_csv(queryset) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in _rows(queryset):
        writer.writerow([_safe("" if v is None else v) for v in values])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: spreadsheets read UTF-8


def to_xlsx(queryset) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("applications")
    for values in _rows(queryset):
        sheet.append([float(v) if hasattr(v, "as_tuple") else _xlsx_safe(v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
