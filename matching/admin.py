"""Staff review of matching: settings, pins and forbids, runs with their proposals, publication."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat, linebreaksbr
from django.urls import path, reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from applications.admin.base import HidesConflicts
from applications.models import Application
from applications.reviews.selectors import without_conflicts
from cities.models import Call, CallMissionCity
from cities.selectors import call_current

from . import explanations, selectors, services
from .models import (
    MatchingRun,
    MatchingSettings,
    PairConstraint,
    Pairing,
    Proposal,
    UnmatchedApplication,
)

UNMATCHED_PER_PAGE = 100


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "call",
        "weight_action_interest",
        "weight_need_offer",
        "weight_share_challenge",
        "weight_preference",
        "weight_host_interest",
        "weight_text",
        "min_score",
    ]
    list_select_related = ["call"]


class PairConstraintForm(forms.ModelForm):
    """Pin or forbid: the Mission City is one of the application's call (the current call's
    when adding); who made it is recorded automatically."""

    class Meta:
        model = PairConstraint
        fields = ["application", "mission_city", "kind", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.instance.application.call if self.instance.pk else call_current()
        applications = self.fields["application"]
        applications.queryset = (
            Application.objects.filter(call=call)
            .exclude(submitted_at=None)
            .order_by("official_name")
        )
        applications.label_from_instance = lambda a: f"{a.official_name} ({a.country.code})"
        field = self.fields["mission_city"]
        field.queryset = CallMissionCity.objects.filter(call=call).order_by("display_name")
        field.label_from_instance = lambda c: c.display_name
        field.label = _("Mission City of the call")
        if call is not None:
            field.help_text = _("The Mission Cities of %(call)s.") % {"call": call.title}

    def clean(self):
        data = super().clean()
        application, city = data.get("application"), data.get("mission_city")
        if application and city and city.call_id != application.call_id:
            self.add_error(
                "mission_city", _("The Mission City must take part in the application's call.")
            )
        return data


@admin.register(PairConstraint)
class PairConstraintAdmin(HidesConflicts, admin.ModelAdmin):
    form = PairConstraintForm
    list_display = ["application", "mission_city", "kind", "reason", "created_by", "created_at"]
    list_select_related = ["application__call", "mission_city__call", "created_by"]
    list_filter = ["kind", "mission_city__call"]
    search_fields = ["application__official_name", "mission_city__display_name"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        """Through the service (the form already refused what the service would)."""
        constraint = services.constraint_set(
            application=obj.application,
            mission_city=obj.mission_city,
            kind=obj.kind,
            reason=obj.reason,
            by=request.user,
        )
        obj.pk = constraint.pk
        obj.created_by = constraint.created_by
        obj.created_at = constraint.created_at


class StartRunForm(forms.Form):
    call = forms.ModelChoiceField(queryset=Call.objects.all(), label=_("Call"))
    mode = forms.ChoiceField(choices=MatchingRun.Mode.choices, label=_("Mode"))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Proposal.Decision.choices)
    reason = forms.CharField(required=False, max_length=2000)
    override_city = forms.ModelChoiceField(queryset=CallMissionCity.objects.all(), required=False)


class BulkApproveForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[("all", _("all")), ("city", _("one Mission City")), ("score", _("above a score"))]
    )
    city = forms.ModelChoiceField(queryset=CallMissionCity.objects.none(), required=False)
    min_score = forms.FloatField(required=False, min_value=0)

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = CallMissionCity.objects.filter(call=run.call)

    def clean(self):
        data = super().clean()
        if data.get("scope") == "city" and not data.get("city"):
            self.add_error("city", _("Choose a Mission City."))
        if data.get("scope") == "score" and data.get("min_score") is None:
            self.add_error("min_score", _("Give the lowest score."))
        return data

    def error_messages(self):
        return [m for errors in self.errors.values() for m in errors]

    def scope_kwargs(self) -> dict:
        scope = self.cleaned_data["scope"]
        if scope == "city":
            return {"city": self.cleaned_data["city"]}
        if scope == "score":
            return {"min_score": self.cleaned_data["min_score"]}
        return {}


WEIGHT_LABELS = {
    "action_interest": _("actions the applicant named"),
    "need_offer": _("needs ↔ offered actions (topics)"),
    "text": _("needs ↔ offered actions (wording)"),
    "share_challenge": _("shares ↔ challenges and expected benefits"),
    "preference": _("applicant's preference"),
    "host_interest": _("Mission City's shortlist"),
    "context": _("context bonuses"),
}


class PreviewForm(forms.Form):
    """What-if: a run's weights, minimum score and capacities, changed for a preview; the
    initial values are the base run's."""

    mode = forms.ChoiceField(choices=MatchingRun.Mode.choices, label=_("Mode"))
    min_score = forms.FloatField(label=_("Minimum score"), min_value=0, max_value=10)
    preference_step = forms.FloatField(
        label=_("Preference: fall from the 1st rank to beyond the last"),
        min_value=0,
        max_value=1,
        help_text=_("0.2: 1st, 2nd, 3rd choice 1.0, 0.93, 0.87; 0.9: 1.0, 0.7, 0.4."),
    )

    def __init__(self, *args, run, cities, **kwargs):
        p = run.parameters or {}
        weights, capacity = p.get("weights", {}), p.get("capacity", {})
        initial = {
            "mode": run.mode,
            "min_score": p.get("min_score"),
            "preference_step": p.get("preference_step", 0.9),
        }
        super().__init__(*args, initial=initial, **kwargs)
        for name, label in WEIGHT_LABELS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=_("Weight: %(what)s") % {"what": label}, min_value=0, max_value=10
            )
            self.initial[f"weight_{name}"] = weights.get(name, 0.0)
        self.cities = cities
        for city in cities:
            self.fields[f"capacity_{city.pk}"] = forms.IntegerField(
                label=city.display_name, min_value=0, max_value=1000
            )
            self.initial[f"capacity_{city.pk}"] = capacity.get(str(city.pk), city.capacity)

    def weight_fields(self):
        return [self[f"weight_{name}"] for name in WEIGHT_LABELS]

    def capacity_fields(self):
        return [self[f"capacity_{city.pk}"] for city in self.cities]

    def overrides(self) -> dict:
        data = self.cleaned_data
        return {
            "weights": {name: data[f"weight_{name}"] for name in WEIGHT_LABELS},
            "min_score": data["min_score"],
            "preference_step": data["preference_step"],
            "capacity": {str(c.pk): data[f"capacity_{c.pk}"] for c in self.cities},
        }


class CompareForm(forms.Form):
    other = forms.ModelChoiceField(queryset=MatchingRun.objects.none(), label=_("Compare with run"))


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "call",
        "mode",
        "status",
        "progress",
        "n_proposals",
        "objective",
        "started_by",
        "created_at",
        "published_at",
    ]
    list_select_related = ["call", "started_by"]
    list_filter = ["call", "mode", "status"]
    change_list_template = "admin/matching/matchingrun/change_list.html"
    change_form_template = "admin/matching/matchingrun/run_detail.html"
    readonly_fields = [f.name for f in MatchingRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # The call for the run's name; its inputs (ids of every application, 60 KB at 10,000)
        # are never shown.
        return (
            super()
            .get_queryset(request)
            .select_related("call")
            .defer("inputs")
            .annotate(_n=Count("proposals"))
        )

    @admin.display(description=_("pairs"), ordering="_n")
    def n_proposals(self, obj):
        return obj._n

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("start/", view(self.start_view), name="matching_matchingrun_start"),
            path("<int:pk>/publish/", view(self.publish_view), name="matching_matchingrun_publish"),
            path("<int:pk>/approve/", view(self.approve_view), name="matching_matchingrun_approve"),
            path("<int:pk>/restart/", view(self.restart_view), name="matching_matchingrun_restart"),
            path(
                "<int:pk>/proposal/<int:proposal_pk>/decide/",
                view(self.decide_view),
                name="matching_matchingrun_decide",
            ),
            path("<int:pk>/compare/", view(self.compare_view), name="matching_matchingrun_compare"),
            path("<int:pk>/preview/", view(self.preview_view), name="matching_matchingrun_preview"),
            *super().get_urls(),
        ]

    def _require_change(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied

    def start_view(self, request):
        if not self.has_view_permission(request) or not request.user.has_perm(
            "matching.add_matchingrun"
        ):
            raise PermissionDenied
        form = StartRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            run = services.run_start(
                call=form.cleaned_data["call"], mode=form.cleaned_data["mode"], by=request.user
            )
            self.message_user(request, _("Run %(id)d was queued.") % {"id": run.pk})
            return redirect("admin:matching_matchingrun_change", run.pk)
        return render(
            request,
            "admin/matching/matchingrun/start.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "opts": self.model._meta,
                "title": _("Start a matching run"),
            },
        )

    def preview_view(self, request, pk):
        """What-if: the run with changed weights, minimum score or capacities, computed in
        memory and compared with this run; "Save as a run" starts it as a normal run. Allowed
        to whoever may start a run."""
        if not self.has_view_permission(request) or not request.user.has_perm(
            "matching.add_matchingrun"
        ):
            raise PermissionDenied
        run = get_object_or_404(MatchingRun.objects.select_related("call"), pk=pk)
        if run.status != MatchingRun.Status.SUCCEEDED:
            raise Http404
        cities = list(CallMissionCity.objects.filter(call=run.call).order_by("display_name"))
        form = PreviewForm(request.POST or None, run=run, cities=cities)
        preview = None
        if request.method == "POST" and form.is_valid():
            try:
                if "save" in request.POST:
                    new = services.run_start(
                        call=run.call,
                        mode=form.cleaned_data["mode"],
                        by=request.user,
                        overrides=form.overrides(),
                    )
                    self.message_user(request, _("Run %(id)d was queued.") % {"id": new.pk})
                    return redirect("admin:matching_matchingrun_change", new.pk)
                preview = services.run_preview(
                    base=run, mode=form.cleaned_data["mode"], overrides=form.overrides()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
        return render(
            request,
            "admin/matching/matchingrun/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("What if? Preview changes to run %(id)d") % {"id": run.pk},
                "run": run,
                "form": form,
                "preview": preview,
            },
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        if run is None:  # unknown or malformed id: the admin's own "does not exist" message
            return super().change_view(request, object_id, form_url, extra_context)
        proposals = list(
            without_conflicts(
                selectors.run_proposals(run=run), request.user, application="application"
            )
        )
        by_city = {}
        for proposal in proposals:
            proposal.summary = explanations.for_staff(
                proposal.details,
                proposal.application.official_name,
                proposal.mission_city.display_name,
            )
            by_city.setdefault(proposal.mission_city, []).append(proposal)
        cities = list(CallMissionCity.objects.filter(call=run.call).order_by("display_name"))
        # Written once, not once per proposal by the template: every proposal's form offers the
        # same Mission Cities and the same decisions.
        city_options = format_html_join(
            "", '<option value="{}">{}</option>', ((c.pk, c.display_name) for c in cities)
        )
        decision_options = {
            decision: format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (value, mark_safe(" selected") if value == decision else "", label)
                    for value, label in Proposal.Decision.choices
                ),
            )
            for decision in Proposal.Decision.values
        }
        application_url = _url_pattern("admin:applications_application_change")
        decide_url = _url_pattern("admin:matching_matchingrun_decide", run.pk)
        for proposal in proposals:
            proposal.application_url = application_url.format(proposal.application_id)
            proposal.decide_url = decide_url.format(proposal.pk)
            proposal.decision_options = decision_options.get(proposal.decision)
            proposal.components_text = ", ".join(
                f"{k} {floatformat(v, 2)}" for k, v in (proposal.components or {}).items()
            )
        unmatched = Paginator(
            without_conflicts(
                UnmatchedApplication.objects.filter(run=run),
                request.user,
                application="application",
            )
            .select_related("application")
            .only("application_id", "reasons", "application__official_name")
            .order_by("application__official_name", "pk"),
            UNMATCHED_PER_PAGE,
        ).get_page(request.GET.get("unmatched"))
        for row in unmatched:
            row.application_url = application_url.format(row.application_id)
        write_row = _proposal_row_writer(request, run, city_options)
        for city in cities:
            city.proposal_rows = mark_safe("".join(map(write_row, by_city.get(city, []))))
        extra = {
            "title": str(run),
            "run": run,
            "by_city": [(city, by_city.get(city, [])) for city in cities if city in by_city],
            "cities": cities,
            "city_options": city_options,
            # Paginated: at 10,000 applications most are unmatched; the page stays small.
            "unmatched": unmatched,
            "compare_form": CompareForm(),
            "other_runs": MatchingRun.objects.select_related("call")
            .filter(call=run.call, status="succeeded")
            .exclude(pk=run.pk),
            "refresh": run.status in (MatchingRun.Status.QUEUED, MatchingRun.Status.RUNNING),
            "counts": Proposal.objects.filter(run=run).aggregate(
                approved=Count("pk", filter=Q(decision__in=["approved", "overridden"])),
                pending=Count("pk", filter=Q(decision="pending")),
            ),
            "decisions": Proposal.Decision.choices,
            "choice_shares": _choice_shares(run),
            "can_preview": request.user.has_perm("matching.add_matchingrun"),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def decide_view(self, request, pk, proposal_pk):
        self._require_change(request)
        proposal = get_object_or_404(
            Proposal.objects.select_related("run", "application", "mission_city"),
            pk=proposal_pk,
            run_id=pk,
        )
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.proposal_decide(
                    proposal=proposal,
                    decision=form.cleaned_data["decision"],
                    reason=form.cleaned_data["reason"],
                    override_city=form.cleaned_data["override_city"],
                    by=request.user,
                )
                self.message_user(request, _("Decision saved: %(p)s.") % {"p": proposal})
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("Choose a decision."), messages.ERROR)
        url = reverse("admin:matching_matchingrun_change", args=[pk])
        return redirect(f"{url}#city-{proposal.mission_city_id}")

    def approve_view(self, request, pk):
        """Approve pending proposals in bulk: all of the run, one Mission City's, or above a
        score."""
        self._require_change(request)
        run = get_object_or_404(MatchingRun, pk=pk)
        if request.method != "POST":
            return redirect("admin:matching_matchingrun_change", pk)
        form = BulkApproveForm(request.POST, run=run)
        if not form.is_valid():
            self.message_user(request, " ".join(form.error_messages()), messages.ERROR)
            return redirect("admin:matching_matchingrun_change", pk)
        try:
            n = services.proposals_approve_bulk(run=run, by=request.user, **form.scope_kwargs())
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, _("Approved proposals: %(n)d.") % {"n": n})
        return redirect("admin:matching_matchingrun_change", pk)

    def publish_view(self, request, pk):
        """GET: what publishing will do (pairings, e-mails with a preview of each); POST: do it."""
        self._require_change(request)
        run = get_object_or_404(MatchingRun.objects.select_related("call"), pk=pk)
        if run.published_at or run.status != MatchingRun.Status.SUCCEEDED:
            self.message_user(request, _("This run cannot be published."), messages.ERROR)
            return redirect("admin:matching_matchingrun_change", pk)
        if request.method == "POST":
            try:
                pairings = services.run_publish(run=run, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return redirect("admin:matching_matchingrun_publish", pk)
            self.message_user(
                request,
                _(
                    "Published pairings: %(n)d. The Twin Cities, the Mission Cities' members and "
                    "the applicants not selected were e-mailed."
                )
                % {"n": len(pairings)},
            )
            return redirect("admin:matching_matchingrun_change", pk)
        plan = services.run_publication_plan(run=run)
        return render(
            request,
            "admin/matching/matchingrun/publish.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Publish run %(id)d?") % {"id": run.pk},
                "run": run,
                "plan": plan,
            },
        )

    def restart_view(self, request, pk):
        """A failed run (its worker died, or it ran past its time limit) is started again."""
        self._require_change(request)
        run = get_object_or_404(MatchingRun, pk=pk)
        if request.method != "POST":
            return redirect("admin:matching_matchingrun_change", pk)
        try:
            services.run_restart(run=run, by=request.user)
            self.message_user(request, _("Run %(id)d was queued again.") % {"id": run.pk})
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        return redirect("admin:matching_matchingrun_change", pk)

    def compare_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        run = get_object_or_404(MatchingRun, pk=pk)
        other_id = request.GET.get("other", "")
        if not other_id.isdigit():
            raise Http404
        other = get_object_or_404(MatchingRun, pk=int(other_id), call=run.call)
        return render(
            request,
            "admin/matching/matchingrun/compare.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Run %(a)d compared with run %(b)d") % {"a": other.pk, "b": run.pk},
                "old": other,
                "new": run,
                "diff": selectors.run_compare(old=other, new=run, viewer=request.user),
            },
        )


@admin.register(Proposal)
class ProposalAdmin(HidesConflicts, admin.ModelAdmin):
    list_display = ["application", "mission_city", "score", "rank", "decision", "run"]
    list_select_related = ["application__call", "mission_city__call", "run__call"]
    list_filter = ["decision", "run__call", "pinned"]
    search_fields = ["application__official_name", "mission_city__display_name"]
    readonly_fields = [f.name for f in Proposal._meta.fields]

    def has_add_permission(self, request):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (internal; both sides are told the pairing was withdrawn)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class AnswerFilter(admin.SimpleListFilter):
    """The pairing answers: confirmed by both, declined by either, or waiting."""

    title = _("answers")
    parameter_name = "answers"

    def lookups(self, request, model_admin):
        return [
            ("confirmed", _("Confirmed by both")),
            ("declined", _("Declined (closed)")),
            ("waiting", _("Waiting for an answer")),
        ]

    def queryset(self, request, queryset):
        return queryset.filter(pairing_answer_q(self.value())) if self.value() else queryset


def pairing_answer_q(answer: str) -> Q:
    C = Pairing.Confirmation
    declined = Q(host_confirmation=C.DECLINED) | Q(twin_confirmation=C.DECLINED)
    return {
        "confirmed": Q(host_confirmation=C.CONFIRMED, twin_confirmation=C.CONFIRMED),
        "declined": declined,
        "waiting": ~declined & (Q(host_confirmation=C.PENDING) | Q(twin_confirmation=C.PENDING)),
    }.get(answer, Q())


@admin.register(Pairing)
class PairingAdmin(HidesConflicts, admin.ModelAdmin):
    list_display = [
        "application",
        "mission_city",
        "score",
        "host_confirmation",
        "twin_confirmation",
        "published_at",
        "run_link",
    ]
    list_select_related = ["application__call", "mission_city__call", "run__call"]
    list_filter = ["call", "host_confirmation", "twin_confirmation"]
    search_fields = ["application__official_name", "mission_city__display_name"]
    readonly_fields = [f.name for f in Pairing._meta.fields]
    actions = ["unpublish"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a published pairing is unpublished with a reason, never deleted

    def get_list_filter(self, request):
        return [AnswerFilter, *self.list_filter]

    @admin.action(
        description=_("Unpublish the selected pairings (with a reason)…"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                done = 0
                for pairing in queryset:
                    try:
                        services.pairing_unpublish(
                            pairing=pairing, by=request.user, reason=form.cleaned_data["reason"]
                        )
                        done += 1
                    except ValidationError as exc:
                        self.message_user(request, " ".join(exc.messages), messages.ERROR)
                if done:
                    self.message_user(
                        request,
                        _("Unpublished pairings: %(n)d; both sides were told.") % {"n": done},
                    )
                return None
        else:
            form = ReasonForm()
        return render(
            request,
            "admin/matching/pairing/unpublish.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": _("Unpublish pairings"),
                "pairings": queryset.select_related("application", "mission_city").annotate(
                    space_opened=ExpressionWrapper(
                        selectors.pair_space_opened_q(), output_field=BooleanField()
                    )
                ),
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description=_("run"))
    def run_link(self, obj):
        if obj.run_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:matching_matchingrun_change", args=[obj.run_id]),
            obj.run_id,
        )


@admin.register(UnmatchedApplication)
class UnmatchedApplicationAdmin(HidesConflicts, admin.ModelAdmin):
    list_display = ["application", "run", "reasons_text"]
    list_select_related = ["application__call", "run__call"]
    list_filter = ["run__call"]
    search_fields = ["application__official_name"]
    readonly_fields = ["run", "application", "reasons"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("why not"))
    def reasons_text(self, obj):
        return "; ".join(obj.reasons)


def _proposal_row_writer(request, run, city_options):
    """`write(proposal)`: a proposal's row of the run page (its answer, rank, explanation,
    score and decision form), written as the template wrote it; the labels, the CSRF input and
    the Mission Cities' options made once for all rows (a template per row was about 0.7 ms)."""
    csrf_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    pinned = format_html("<br><em>{}</em>", _("pinned"))
    not_ranked = str(_("not ranked"))
    formula = format_html("<details><summary>{}</summary>", _("Formula"))
    decision, change_to = str(_("Decision")), str(_("Change to"))
    reason, save = str(_("Reason")), str(_("Save"))
    published = bool(run.published_at)

    def write(p):
        form = ""
        if not published:
            form = format_html(
                '<form method="post" action="{}">{}'
                '<label for="decision-{}">{}</label>'
                '<select name="decision" id="decision-{}">{}</select>'
                '<label for="override-{}">{}</label>'
                '<select name="override_city" id="override-{}">'
                '<option value="">—</option>{}</select>'
                '<label for="reason-{}">{}</label>'
                '<input type="text" name="reason" id="reason-{}" size="20">'
                '<input type="submit" value="{}"></form>',
                p.decide_url,
                csrf_input,
                p.pk,
                decision,
                p.pk,
                p.decision_options,
                p.pk,
                change_to,
                p.pk,
                city_options,
                p.pk,
                reason,
                p.pk,
                save,
            )
        summary = ""
        if p.summary:
            summary = format_html(
                '<ul class="summary">{}</ul>',
                format_html_join("", "<li>{}</li>", ((line,) for line in p.summary)),
            )
        return format_html(
            '<tr class="proposal" data-application="{}">'
            '<td><a href="{}">{}</a>{}</td><td class="rank">{}</td>'
            '<td class="explanation">{}{}{}</details></td>'
            "<td>{}<br><small>{}</small></td>"
            "<td><strong>{}</strong>{}{}{}</td></tr>",
            p.application_id,
            p.application_url,
            p.application.official_name,
            pinned if p.pinned else "",
            localize(p.rank) if p.rank else not_ranked,
            summary,
            formula,
            linebreaksbr(p.explanation, autoescape=True),
            floatformat(p.score, 3),
            p.components_text,
            p.get_decision_display(),
            format_html("→ {}", p.override_city.display_name if p.override_city else "")
            if p.decision == "overridden"
            else "",
            format_html("<br><small>{}</small>", p.decision_reason) if p.decision_reason else "",
            form,
        )

    return write


def _url_pattern(name: str, *args) -> str:
    """The URL `name` with its last argument left as "{}": reversed once for a page's rows, not
    once per row."""
    sentinel = "987654321"
    return reverse(name, args=[*args, int(sentinel)]).replace(sentinel, "{}")


def _choice_shares(run) -> list[tuple[str, int]]:
    """The proposals by the applicant's rank of the city, in words, for the run's summary."""
    counts = (run.stats or {}).get("choice_counts", {})
    labels = {"1": _("1st choice"), "2": _("2nd choice"), "3": _("3rd choice")}
    return [
        (labels.get(k, _("not ranked") if k == "unranked" else k), v) for k, v in counts.items()
    ]
