"""Applications: the changelist with its filters, actions and exports, the change page with its
read-only inlines, and the staff pages (ask for information, review)."""

import functools

import rules
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .. import exports, services
from ..models import (
    Application,
    Document,
    LearningNeed,
    Preference,
    Representative,
    Review,
    ReviewAssignment,
    ShareOffer,
    StatusChange,
)
from ..reviews import selectors as review_selectors
from ..reviews import services as review_services
from ..reviews.selectors import without_conflicts
from ..selectors import application_full
from .base import QuickCheckbox, ReadOnlyInline, RowActions
from .filters import (
    AssignedToMeFilter,
    CountryPresentFilter,
    EffectiveVerdictFilter,
    HasDocumentsFilter,
    PreferredCityFilter,
    ThresholdsFilter,
    TopicFilter,
)
from .forms import (
    ApplicationAdminForm,
    ConflictForm,
    EligibilityForm,
    ReasonForm,
    RequestInfoForm,
    ReviewForm,
)
from .reviews import ReviewInline


class RepresentativeInline(ReadOnlyInline):
    model = Representative
    fields = ["position", "name", "role", "email", "english_level"]
    readonly_fields = fields


class LearningNeedInline(ReadOnlyInline):
    model = LearningNeed
    fields = ["position", "topic", "text"]
    readonly_fields = fields
    select_related = ("topic",)


class ShareInline(ReadOnlyInline):
    model = ShareOffer
    fields = ["position", "topic", "text"]
    readonly_fields = fields
    select_related = ("topic",)


class PreferenceInline(ReadOnlyInline):
    model = Preference
    fields = ["rank", "mission_city", "reason"]
    readonly_fields = fields
    select_related = ("mission_city__call",)


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["kind", "download", "size", "pages", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("document_download", args=[obj.pk]), obj.original_name
        )


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    select_related = ("by",)


@functools.lru_cache(maxsize=1024)
def _country_name(code: str, language: str) -> str:
    """A country's name in a language: looked up once, not once per row (django-countries
    resolves the code and translates the name on every call, half a millisecond a row)."""
    from django_countries import countries

    return str(countries.name(code))


# No raw JSON on the change page: these lists are shown in words.
RAW_JSON = ("verdict_reasons", "verdict_resembles", "climate_plans")


@admin.register(Application)
class ApplicationAdmin(QuickCheckbox, RowActions, admin.ModelAdmin):
    form = ApplicationAdminForm
    # The key columns first, so that they show at 1280 px without scrolling.
    list_display = [
        "official_name",
        "status",
        "effective_verdict_display",
        "country_display",
        "review_mean_display",
        "review_count_display",
        "target_year",
        "submitted_at",
        "preferred_cities",
    ]
    list_select_related = ["call", "organisation"]
    list_filter = [
        "call",
        "status",
        EffectiveVerdictFilter,
        CountryPresentFilter,
        TopicFilter,
        PreferredCityFilter,
        HasDocumentsFilter,
        ThresholdsFilter,
        AssignedToMeFilter,
    ]
    search_fields = ["official_name", "organisation__name", "representatives__email"]
    list_per_page = 50
    show_full_result_count = False
    date_hierarchy = "submitted_at"
    readonly_fields = [
        f.name
        for f in Application._meta.fields
        if f.name not in ("verdict_override", "verdict_override_reason", *RAW_JSON)
    ] + [
        "eligibility_reasons",
        "resembles_display",
        "climate_plans_text",
        "review_summary",
        "staff_links",
    ]
    exclude = list(RAW_JSON)
    inlines = [
        RepresentativeInline,
        LearningNeedInline,
        ShareInline,
        PreferenceInline,
        DocumentInline,
        ReviewInline,
        StatusChangeInline,
    ]
    actions = [
        "mark_under_review",
        "set_eligibility",
        "ask_for_information",
        "mark_not_selected",
        "restore_withdrawn",
        "assign_to_me",
        "export_csv",
        "export_xlsx",
    ]

    def get_queryset(self, request):
        reviews = Review.objects.filter(application=OuterRef("pk")).values("application")
        queryset = (
            super()
            .get_queryset(request)
            .select_related("call", "organisation")
            .annotate(
                review_mean=Subquery(reviews.annotate(m=Avg("total")).values("m")[:1]),
                review_count=Coalesce(
                    Subquery(reviews.annotate(n=Count("pk")).values("n")[:1]), Value(0)
                ),
            )
            .prefetch_related(
                Prefetch(
                    "preferences",
                    queryset=Preference.objects.select_related("mission_city").order_by("rank"),
                )
            )
        )
        return without_conflicts(queryset, request.user, application="pk")

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        # Hundreds of filter choices (countries, topics, Mission Cities of every call) written
        # in one pass each, not through a template per choice.
        for spec in changelist.filter_specs:
            if spec.template == "admin/filter.html":
                spec.template = "admin/applications/quick_filter.html"
        return changelist

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("resembles"))
    def resembles_display(self, obj):
        return ", ".join(obj.verdict_resembles) or "—"

    @admin.display(description=_("current climate plans"))
    def climate_plans_text(self, obj):
        return "; ".join(obj.climate_plans_display) or "—"

    # The country's name, not the admin's display of a choice field: that flattens the 250
    # choices of the country list for every cell (a third of the list's time at 50 rows).
    @admin.display(description=_("country"), ordering="country")
    def country_display(self, obj):
        return _country_name(obj.country.code, get_language()) or "—"

    @admin.display(description=_("eligibility"), ordering="verdict")
    def effective_verdict_display(self, obj):
        verdict = obj.effective_verdict
        label = dict(Application.Verdict.choices).get(verdict, "—")
        return f"{label} (staff)" if obj.verdict_override else label

    @admin.display(description=_("preferred Mission Cities"))
    def preferred_cities(self, obj):
        return ", ".join(f"{p.rank}. {p.mission_city.display_name}" for p in obj.preferences.all())

    @admin.display(description=_("mean review"), ordering="review_mean")
    def review_mean_display(self, obj):
        return "—" if obj.review_mean is None else f"{obj.review_mean:.1f}"

    @admin.display(description=_("reviews"), ordering="review_count")
    def review_count_display(self, obj):
        return obj.review_count

    @admin.display(description=_("eligibility reasons"))
    def eligibility_reasons(self, obj):
        if not obj.verdict_reasons:
            return "—"
        return format_html_join(
            "",
            "<div>{} {}</div>",
            (("✔" if r.get("passed") else "✘", r.get("message", "")) for r in obj.verdict_reasons),
        )

    @admin.display(description=_("reviews summary"))
    def review_summary(self, obj):
        summary = review_selectors.review_summary(obj)
        if not summary["count"]:
            return _("No review yet.")
        lines = [
            f"{c['name']}: {c['mean']:.1f} (threshold {c['threshold']}) {'✔' if c['met'] else '✘'}"
            for c in summary["criteria"]
        ]
        lines.append(
            f"Total: {summary['mean_total']:.1f} (threshold {summary['total_threshold']}) "
            f"{'✔' if summary['total_met'] else '✘'} — {summary['count']} review(s)"
        )
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines))

    @admin.display(description=_("actions"))
    def staff_links(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a> <a class="button" href="{}">{}</a> '
            '<a href="{}?application__id__exact={}">{}</a>',
            reverse("admin:applications_application_request_info", args=[obj.pk]),
            _("Ask for more information"),
            reverse("admin:applications_application_review", args=[obj.pk]),
            _("Review"),
            reverse("admin:audit_auditentry_changelist"),
            obj.pk,
            _("Audit log"),
        )

    def save_model(self, request, obj, form, change):
        if (
            "verdict_override" in form.changed_data
            or "verdict_override_reason" in form.changed_data
        ):
            services.application_override_verdict(
                application=Application.objects.get(pk=obj.pk),
                verdict=obj.verdict_override,
                reason=obj.verdict_override_reason,
                by=request.user,
            )

    # Actions ----------------------------------------------------------------------------

    def _intermediate(self, request, queryset, form, title, action):
        return TemplateResponse(
            request,
            "admin/applications/action_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "form": form,
                "action": action,
                "queryset": queryset[:20],
                "count": queryset.count(),
                "select_across": request.POST.get("select_across") == "1",
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            },
        )

    @admin.action(description=_("Mark as under review"), permissions=["change"])
    def mark_under_review(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda a: services.application_set_status(
                application=a, to=Application.Status.UNDER_REVIEW, by=request.user
            ),
            _("Marked under review: %(n)d."),
        )

    @admin.action(description=_("Set or override eligibility…"), permissions=["change"])
    def set_eligibility(self, request, queryset):
        form = EligibilityForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                lambda a: services.application_override_verdict(
                    application=a,
                    verdict=form.cleaned_data["verdict"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                ),
                _("Eligibility set: %(n)d."),
            )
            return None
        return self._intermediate(
            request, queryset, form, _("Set or override eligibility"), "set_eligibility"
        )

    @admin.action(description=_("Ask for more information…"), permissions=["change"])
    def ask_for_information(self, request, queryset):
        form = RequestInfoForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                lambda a: services.application_request_info(
                    application=a, by=request.user, message=form.cleaned_data["message"]
                ),
                _("Asked for more information: %(n)d."),
            )
            return None
        return self._intermediate(
            request, queryset, form, _("Ask for more information"), "ask_for_information"
        )

    @admin.action(description=_("Mark as not selected…"), permissions=["change"])
    def mark_not_selected(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                lambda a: services.application_set_status(
                    application=a,
                    to=Application.Status.NOT_SELECTED,
                    by=request.user,
                    note=form.cleaned_data["reason"],
                ),
                _("Marked not selected: %(n)d."),
            )
            return None
        return self._intermediate(
            request, queryset, form, _("Mark as not selected"), "mark_not_selected"
        )

    @admin.action(description=_("Undo the withdrawal…"), permissions=["change"])
    def restore_withdrawn(self, request, queryset):
        """Staff restore withdrawn applications at any time, with a reason for the audit trail."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._each(
                request,
                queryset,
                lambda a: services.application_restore(
                    application=a, by=request.user, reason=form.cleaned_data["reason"]
                ),
                _("Withdrawals undone: %(n)d."),
            )
            return None
        return self._intermediate(
            request, queryset, form, _("Undo the withdrawal"), "restore_withdrawn"
        )

    @admin.action(description=_("Assign to me for review"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda a: review_services.review_assign(
                application=a, reviewer=request.user, by=request.user
            ),
            _("Assigned to you: %(n)d."),
        )

    @admin.action(description=_("Export as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(exports.to_csv(queryset), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="applications.csv"'
        return response

    @admin.action(description=_("Export as XLSX"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        response = HttpResponse(
            exports.to_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="applications.xlsx"'
        return response

    # Extra pages -------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/request-info/",
                view(self.request_info_view),
                name="applications_application_request_info",
            ),
            path(
                "<int:pk>/review/", view(self.review_view), name="applications_application_review"
            ),
            *super().get_urls(),
        ]

    def _visible(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def request_info_view(self, request, pk):
        application = self._visible(request, pk)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = RequestInfoForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.application_request_info(
                    application=application, by=request.user, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("The applicant was asked for more information."))
                return redirect("admin:applications_application_change", application.pk)
        return render(
            request,
            "admin/applications/request_info.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "application": application,
                "opts": self.model._meta,
                "title": _("Ask for more information"),
            },
        )

    def review_view(self, request, pk):
        application = self._visible(request, pk)
        if not self.has_view_permission(request, application):
            raise PermissionDenied
        criteria = review_services.review_setup(call=application.call)
        existing = Review.objects.filter(application=application, reviewer=request.user).first()
        initial = {}
        if existing:
            initial = {f"c{s.criterion_id}": s.score for s in existing.scores.all()}
            initial["comment"] = existing.comment
        is_conflict = "conflict" in request.POST
        form = ReviewForm(
            request.POST if request.method == "POST" and not is_conflict else None,
            criteria=criteria,
            initial=initial,
        )
        conflict_form = ConflictForm(request.POST if is_conflict else None)
        if request.method == "POST" and not rules.test_rule(
            "applications.review", request.user, application
        ):
            raise PermissionDenied  # a view-only reviewer reads the page but writes nothing
        if request.method == "POST":
            try:
                if is_conflict and conflict_form.is_valid():
                    review_services.review_declare_conflict(
                        application=application,
                        reviewer=request.user,
                        reason=conflict_form.cleaned_data["reason"],
                    )
                    self.message_user(
                        request, _("Conflict of interest recorded; the application is hidden.")
                    )
                    return redirect("admin:applications_application_changelist")
                if not is_conflict and form.is_valid():
                    review_services.review_submit(
                        application=application,
                        reviewer=request.user,
                        scores=form.scores(),
                        comment=form.cleaned_data["comment"],
                    )
                    self.message_user(request, _("Your review is saved."))
                    return redirect("admin:applications_application_change", application.pk)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return render(
            request,
            "admin/applications/review.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "conflict_form": conflict_form,
                "may_review": rules.test_rule("applications.review", request.user, application),
                # the answers beside the score form
                "application": application_full(
                    Application.objects.filter(pk=application.pk)
                ).get(),
                "assigned": ReviewAssignment.objects.filter(
                    application=application, reviewer=request.user
                ).exists(),
                "opts": self.model._meta,
                "title": _("Review"),
            },
        )
