"""The pair space (Twin City team, Mission City members, staff; 404 for anyone else) and the
staff cohort view with its export and the outcome summary."""

import rules
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cities.models import Call
from cities.selectors import call_current
from twinning.forms import error_summary

from . import exports, selectors, services, status
from .forms import (
    AgendaForm,
    CohortFilter,
    DocumentForm,
    FeedbackForm,
    MeetingForm,
    MessageForm,
    MilestoneDoneForm,
    NotificationForm,
    PlanForm,
    SurveyForm,
)
from .models import Meeting, NotificationPreference, OutcomeSurvey, PlanVersion, Side


def _pair(request, pk):
    """The pair and the visitor's side; 404 for anyone outside the pair. Staff who may only
    read the pair spaces get 403 on every write."""
    pair = get_object_or_404(selectors.pair_base(), pk=pk)
    side = selectors.side_of(request.user, pair)
    if side is None:
        raise Http404
    if (
        side == Side.STAFF
        and request.method not in ("GET", "HEAD")
        and not rules.test_rule("pairs.staff_write", request.user, pair)
    ):
        raise PermissionDenied
    return pair, side


def _render(request, template, pair, side, tab, context, *, forms=(), status_code=200):
    bound = [f for f in forms if f is not None and f.is_bound]
    return render(
        request,
        template,
        {
            "pair": pair,
            "side": side,
            "tab": tab,
            "is_staff_view": side == Side.STAFF,
            "errors": error_summary(*bound) if bound else [],
            **context,
        },
        status=status_code,
    )


@login_required
def pair_list(request):
    pairs = list(selectors.pairs_of(request.user).order_by("call__programme_start", "pk"))
    return render(request, "pairs/pair_list.html", {"pairs": pairs})


def _milestone_rows(pair, side, failed=None, failed_form=None):
    rows = []
    for m in pair.milestones.select_related("evidence_document", "done_by").order_by(
        "due_date", "pk"
    ):
        form = None
        if status.may_complete(m, side=side):
            form = failed_form if failed == m.pk else MilestoneDoneForm(milestone=m)
        rows.append({"milestone": m, "status": status.effective_status(m), "form": form})
    return rows


def _detail_context(pair, side, *, agenda_form=None, failed=None, failed_form=None):
    offered = selectors.offered_actions(pair)
    chosen = list(pair.agenda_items.select_related("action").order_by("action__position"))
    return {
        "milestones": _milestone_rows(pair, side, failed, failed_form),
        "agenda": chosen,
        "agenda_form": agenda_form
        or AgendaForm(offered=offered, initial={"actions": [i.action_id for i in chosen]}),
        "events": list(pair.events.select_related("actor")[:10]),
        "survey_open": selectors.survey_open(pair),
    }


@login_required
def pair_detail(request, pk):
    pair, side = _pair(request, pk)
    return _render(
        request, "pairs/pair_detail.html", pair, side, "plan", _detail_context(pair, side)
    )


@login_required
@require_POST
def milestone_done(request, pk, milestone_pk):
    pair, side = _pair(request, pk)
    milestone = get_object_or_404(pair.milestones.all(), pk=milestone_pk)
    if not status.may_complete(milestone, side=side):
        messages.info(request, _("This milestone cannot be marked done by you."))
        return redirect("pair_detail", pair.pk)
    form = MilestoneDoneForm(request.POST, milestone=milestone)
    if form.is_valid():
        try:
            services.milestone_complete(
                milestone=milestone,
                by=request.user,
                note=form.cleaned_data.get("note", ""),
                document=form.cleaned_data.get("document"),
                date=form.cleaned_data.get("date"),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Milestone marked done: %(t)s") % {"t": milestone.title})
            return redirect("pair_detail", pair.pk)
    context = _detail_context(pair, side, failed=milestone.pk, failed_form=form)
    return _render(
        request,
        "pairs/pair_detail.html",
        pair,
        side,
        "plan",
        context,
        forms=[form],
        status_code=400,
    )


@login_required
@require_POST
def agenda_edit(request, pk):
    pair, side = _pair(request, pk)
    form = AgendaForm(request.POST, offered=selectors.offered_actions(pair))
    if form.is_valid():
        try:
            services.agenda_set(pair=pair, actions=form.cleaned_data["actions"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The learning agenda is saved."))
            return redirect("pair_detail", pair.pk)
    context = _detail_context(pair, side, agenda_form=form)
    return _render(
        request,
        "pairs/pair_detail.html",
        pair,
        side,
        "plan",
        context,
        forms=[form],
        status_code=400,
    )


def _form_page(request, pk, *, tab, template, form_class, save, context_of, success):
    """GET shows the page with an empty form; POST validates, calls the service, redirects."""
    pair, side = _pair(request, pk)
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                save(pair, form.cleaned_data, request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, success)
                return redirect(request.path)
        return _render(
            request,
            template,
            pair,
            side,
            tab,
            context_of(pair) | {"form": form},
            forms=[form],
            status_code=400,
        )
    return _render(request, template, pair, side, tab, context_of(pair) | {"form": form})


@login_required
def messages_page(request, pk):
    return _form_page(
        request,
        pk,
        tab="messages",
        template="pairs/messages.html",
        form_class=MessageForm,
        save=lambda pair, data, by: services.message_post(pair=pair, body=data["body"], by=by),
        context_of=lambda pair: {
            "thread": list(pair.messages.select_related("author").order_by("created_at", "pk"))
        },
        success=_("Your message is sent."),
    )


@login_required
def meetings_page(request, pk):
    return _form_page(
        request,
        pk,
        tab="meetings",
        template="pairs/meetings.html",
        form_class=MeetingForm,
        save=lambda pair, data, by: services.meeting_record(pair=pair, by=by, **data),
        context_of=lambda pair: {
            "meetings": list(pair.meetings.order_by("-date", "-pk")),
            "site_visit": Meeting.Kind.SITE_VISIT,
        },
        success=_("The meeting is recorded."),
    )


def _share(pair, data, by):
    upload = data["file"]
    return services.document_share(
        pair=pair, upload=upload, info=upload.info, title=data["title"], by=by
    )


@login_required
def documents_page(request, pk):
    return _form_page(
        request,
        pk,
        tab="documents",
        template="pairs/documents.html",
        form_class=DocumentForm,
        save=_share,
        context_of=lambda pair: {"documents": list(pair.documents.select_related("uploaded_by"))},
        success=_("The document is shared with the pair."),
    )


@login_required
def document_download(request, pk, document_pk):
    """A pair's document, to the pair's people and staff only (404 for anyone else)."""
    pair, _side = _pair(request, pk)
    document = get_object_or_404(pair.documents.all(), pk=document_pk)
    response = FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _plan_context(pair, side, *, failed=None, failed_form=None):
    versions = list(
        pair.plan_versions.select_related("document", "submitted_by").prefetch_related(
            "feedback__author"
        )
    )
    rows = []
    for v in versions:
        form = None
        if side != Side.TWIN:
            form = failed_form if failed == v.pk else FeedbackForm(version=v)
        rows.append({"version": v, "form": form})
    return {"versions": rows}


def _plan_submit(pair, data, by):
    document = None
    if data.get("file"):
        document = _share(pair, {"file": data["file"], "title": _("Replication plan (draft)")}, by)
    return services.plan_submit(pair=pair, summary=data["summary"], document=document, by=by)


@login_required
def plan_page(request, pk):
    pair, side = _pair(request, pk)
    if request.method == "POST" and side != Side.TWIN:
        raise Http404
    form = PlanForm(request.POST or None, request.FILES or None) if side == Side.TWIN else None
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                _plan_submit(pair, form.cleaned_data, request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The new version of the plan is submitted."))
                return redirect("pair_plan", pair.pk)
        context = _plan_context(pair, side) | {"form": form}
        return _render(
            request,
            "pairs/plan.html",
            pair,
            side,
            "plan_versions",
            context,
            forms=[form],
            status_code=400,
        )
    context = _plan_context(pair, side) | {"form": form}
    return _render(request, "pairs/plan.html", pair, side, "plan_versions", context)


@login_required
@require_POST
def plan_feedback(request, pk, version_pk):
    pair, side = _pair(request, pk)
    version = get_object_or_404(PlanVersion.objects.filter(pair=pair), pk=version_pk)
    if side == Side.TWIN:
        raise Http404
    form = FeedbackForm(request.POST, version=version)
    if form.is_valid():
        try:
            services.plan_feedback_add(
                version=version, body=form.cleaned_data["body"], by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your feedback is sent."))
            return redirect("pair_plan", pair.pk)
    context = _plan_context(pair, side, failed=version.pk, failed_form=form) | {"form": None}
    return _render(
        request,
        "pairs/plan.html",
        pair,
        side,
        "plan_versions",
        context,
        forms=[form],
        status_code=400,
    )


@login_required
def survey_page(request, pk):
    pair, side = _pair(request, pk)
    answered = {s.side: s for s in OutcomeSurvey.objects.filter(pair=pair)}
    can_answer = (
        side in (Side.TWIN, Side.HOST) and side not in answered and selectors.survey_open(pair)
    )
    form = None
    if can_answer:
        form = SurveyForm(request.POST or None, offered=selectors.offered_actions(pair), side=side)
    elif request.method == "POST":
        messages.info(request, _("The survey cannot be answered now."))
        return redirect("pair_survey", pair.pk)
    if form is not None and request.method == "POST":
        if form.is_valid():
            try:
                services.survey_submit(pair=pair, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you: your answers are saved."))
                return redirect("pair_survey", pair.pk)
        context = {"form": form, "answered": answered, "can_answer": can_answer}
        return _render(
            request,
            "pairs/survey.html",
            pair,
            side,
            "survey",
            context,
            forms=[form],
            status_code=400,
        )
    context = {
        "form": form,
        "answered": answered,
        "can_answer": can_answer,
    }
    return _render(request, "pairs/survey.html", pair, side, "survey", context)


@login_required
def notifications(request):
    current = NotificationPreference.objects.filter(user=request.user).first()
    mode = current.mode if current else NotificationPreference.Mode.DIGEST
    form = NotificationForm(request.POST or None, initial={"mode": mode})
    if request.method == "POST" and form.is_valid():
        services.notification_preference_set(user=request.user, mode=form.cleaned_data["mode"])
        messages.success(request, _("Your choice is saved."))
        return redirect("pair_notifications")
    return render(
        request,
        "pairs/notifications.html",
        {"form": form, "errors": error_summary(form) if form.is_bound else []},
        status=400 if form.is_bound else 200,
    )


# Staff --------------------------------------------------------------------------------------


def _cohort(request):
    slug = request.GET.get("call")
    call = get_object_or_404(Call, slug=slug) if slug else call_current()
    if call is None:
        call = Call.objects.order_by("-programme_start").first()
    if call is None:
        raise Http404
    queryset = selectors.cohort_queryset(call, viewer=request.user)
    filterset = CohortFilter(request.GET or None, queryset=queryset, call=call)
    rows = selectors.cohort_rows(filterset.qs if filterset.is_valid() else queryset.none())
    return call, filterset, rows


@staff_member_required
@permission_required("pairs.view_pair", raise_exception=True)
def cohort(request):
    call, filterset, rows = _cohort(request)
    return render(
        request,
        "pairs/cohort.html",
        {
            **admin.site.each_context(request),
            "title": _("Pairs of the call"),
            "call": call,
            "calls": Call.objects.order_by("-opens_at"),
            "filter": filterset,
            "rows": rows,
            "timeline": selectors.cohort_timeline(call, rows),
            "rule": selectors.AT_RISK_RULE,
            "query": request.GET.urlencode(),
        },
    )


@staff_member_required
@permission_required("pairs.view_pair", raise_exception=True)
def cohort_export(request, fmt):
    call, _filterset, rows = _cohort(request)
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pairs-{call.slug}.{fmt}"'
    return response


@staff_member_required
@permission_required("pairs.view_pair", raise_exception=True)
def outcomes(request):
    slug = request.GET.get("call")
    call = get_object_or_404(Call, slug=slug) if slug else call_current()
    if call is None:
        raise Http404
    return render(
        request,
        "pairs/outcomes.html",
        {
            **admin.site.each_context(request),
            "title": _("Outcomes of the pairs"),
            "call": call,
            "calls": Call.objects.order_by("-opens_at"),
            "summary": selectors.survey_summary(call, viewer=request.user),
        },
    )
