"""The applicant's pages: start or resume, the steps, review and submit, status, documents."""

import logging

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cities.eligibility import Candidate
from cities.models import CityItem
from cities.selectors import call_current, eligibility_verdict
from twinning.forms import error_summary
from twinning.middleware import validates_own_query
from twinning.pagecache import cached_for_visitors

from . import selectors, services
from .forms import (
    ActionInterestForm,
    ClimateForm,
    CommitmentForm,
    EligibilityForm,
    InviteForm,
    NeedFormSet,
    OrganisationForm,
    PreferenceFormSet,
    PreferenceRowForm,
    RepresentativeForm,
    RepresentativeFormSet,
    RestoreForm,
    ShareFormSet,
    StartForm,
    TopicRowForm,
    WithdrawForm,
    row_formset,
)
from .models import (
    MAX_REPRESENTATIVES,
    MAX_TOPIC_ROWS,
    Application,
    Document,
    OrganisationInvitation,
)
from .steps import STEPS, STEPS_BY_SLUG

logger = logging.getLogger(__name__)

ROW_LABELS = {
    "organisation": gettext_lazy("Representative"),
    "learning": gettext_lazy("Learning need"),
    "sharing": gettext_lazy("Topic to share"),
    "preferences": gettext_lazy("Choice"),
}
MAX_TOPICS = MAX_TOPIC_ROWS


def _own_application(request, pk, *, full=False, step=None):
    """The user's organisation's application, or 404 (never 403: foreign ids do not leak)."""
    queryset = selectors.applications_of(request.user)
    if full:
        queryset = selectors.application_full(queryset)
    elif step:
        queryset = selectors.application_for_step(queryset, step)
    return get_object_or_404(queryset, pk=pk)


@login_required
def apply(request):
    """Start or resume the application to the open call."""
    call = call_current()
    membership = selectors.membership_of(request.user)
    if call is None or not call.is_open():
        existing = (
            selectors.applications_of(request.user).filter(call=call).first() if call else None
        )
        if existing:
            return redirect("application_detail", pk=existing.pk)
        return render(
            request, "applications/apply_closed.html", {"call": call, "now": timezone.now()}
        )
    if membership is None and not rules.test_rule("applications.start", request.user):
        return render(request, "applications/apply_mission_city.html", {"call": call}, status=403)
    if membership is None:
        form = StartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                organisation = services.organisation_start(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    country=form.cleaned_data["country"],
                )
            except ValidationError as exc:
                # A double click: the first submit created the organisation; carry on with it.
                membership = selectors.membership_of(request.user)
                if membership is None:
                    form.add_error(None, exc)
            else:
                application = services.application_start(
                    organisation=organisation, call=call, by=request.user
                )
                return redirect("application_step", pk=application.pk, step="organisation")
        if membership is None:
            return render(request, "applications/apply_start.html", {"form": form, "call": call})
    application = services.application_start(
        organisation=membership.organisation, call=call, by=request.user
    )
    if not application.is_editable:
        return redirect("application_detail", pk=application.pk)
    return redirect("application_step", pk=application.pk, step=_resume_step(application))


def _resume_step(application) -> str:
    """The first step with something missing (the review when nothing is)."""
    missing = {m.step for m in selectors.application_missing(application)}
    return next((s.slug for s in STEPS if s.slug in missing), "review")


def _formset_initial(rows, fields):
    return [
        {
            f: (list(getattr(row, f).all()) if f == "more_topics" else getattr(row, f))
            for f in fields
        }
        for row in rows
    ]


@login_required
def application_step(request, pk, step):
    if step not in STEPS_BY_SLUG:
        raise Http404
    if step == "review":
        return application_review(request, pk)
    application = _own_application(request, pk, step=step)
    if not application.is_editable:
        messages.info(request, _("This application has been submitted; it is shown read-only."))
        return redirect("application_detail", pk=application.pk)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    call = application.call
    form = formset = None
    if step == "organisation":
        form = OrganisationForm(data, instance=application, prefix="org")
        formset = row_formset(
            RepresentativeForm,
            RepresentativeFormSet,
            max_rows=MAX_REPRESENTATIVES,
            prefix="rep",
            data=data,
            initial=_formset_initial(
                application.representatives.all(), ["name", "role", "email", "english_level"]
            ),
        )
    elif step == "climate":
        form = ClimateForm(data, files, instance=application, prefix="climate")
    elif step in ("learning", "sharing"):
        rows = application.learning_needs.all() if step == "learning" else application.shares.all()
        formset = row_formset(
            TopicRowForm,
            NeedFormSet if step == "learning" else ShareFormSet,
            max_rows=MAX_TOPICS,
            prefix=step,
            data=data,
            initial=_formset_initial(rows, ["topic", "more_topics", "text"]),
        )
    elif step == "preferences":
        form = ActionInterestForm(
            data,
            call=call,
            prefix="interest",
            initial={"actions": [i.action_id for i in application.action_interests.all()]},
        )
        formset = row_formset(
            PreferenceRowForm,
            PreferenceFormSet,
            max_rows=call.max_preferences,
            prefix="pref",
            data=data,
            initial=_formset_initial(application.preferences.all(), ["mission_city", "reason"]),
            call=call,
        )
    elif step == "commitment":
        form = CommitmentForm(data, files, instance=application, prefix="commit")

    if request.method == "POST":
        valid = all(x.is_valid() for x in (form, formset) if x is not None)
        if valid:
            try:
                _save_step(request, application, step, form, formset)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("application_step", pk=application.pk, step=step)
            messages.success(request, _("Your answers are saved."))
            if "continue" in request.POST:
                index = [s.slug for s in STEPS].index(step)
                return redirect("application_step", pk=application.pk, step=STEPS[index + 1].slug)
            return redirect("application_step", pk=application.pk, step=step)
    context = {
        "application": application,
        "step": STEPS_BY_SLUG[step],
        "steps": STEPS,
        "form": form,
        "formset": formset,
        "errors": error_summary(form, formset, row_label=ROW_LABELS.get(step, ""))
        if request.method == "POST"
        else [],
        "missing_steps": {m.step for m in selectors.application_missing(application)},
    }
    return render(request, f"applications/step_{step}.html", context, status=200)


def _save_step(request, application, step, form, formset):
    user = request.user
    if step == "organisation":
        services.application_update(application=application, data=form.cleaned_data, by=user)
        services.application_set_representatives(
            application=application, rows=_rows(formset, "name"), by=user
        )
    elif step == "climate":
        data = {k: v for k, v in form.cleaned_data.items() if k != "plan_pdf"}
        services.application_update(application=application, data=data, by=user)
        upload = form.cleaned_data.get("plan_pdf")
        if upload:
            services.document_store(
                application=application,
                kind=Document.Kind.PLAN,
                upload=upload,
                info=upload.pdf_info,
                by=user,
            )
    elif step == "learning":
        services.application_set_learning_needs(
            application=application, rows=_rows(formset, "topic"), by=user
        )
    elif step == "sharing":
        services.application_set_shares(
            application=application, rows=_rows(formset, "topic"), by=user
        )
    elif step == "preferences":
        services.application_set_preferences(
            application=application, rows=_rows(formset, "mission_city"), by=user
        )
        services.application_set_action_interests(
            application=application, actions=form.cleaned_data["actions"], by=user
        )
    elif step == "commitment":
        data = {k: v for k, v in form.cleaned_data.items() if k != "endorsement_pdf"}
        services.application_update(application=application, data=data, by=user)
        upload = form.cleaned_data.get("endorsement_pdf")
        if upload:
            services.document_store(
                application=application,
                kind=Document.Kind.ENDORSEMENT,
                upload=upload,
                info=upload.pdf_info,
                by=user,
            )


def _rows(formset, key):
    return [
        {k: v for k, v in row.items() if k != "DELETE"}
        for row in formset.filled_rows()
        if row.get(key)
    ]


@login_required
def application_review(request, pk):
    application = _own_application(request, pk, full=True)
    if not application.is_editable:
        return redirect("application_detail", pk=application.pk)
    missing = selectors.application_missing(application)
    return render(
        request,
        "applications/step_review.html",
        {
            "application": application,
            "step": STEPS_BY_SLUG["review"],
            "steps": STEPS,
            "missing": missing,
            "missing_steps": {m.step for m in missing},
            "call_open": application.call.is_open(),
            "verdict": services.application_judge(application, kept=True),
        },
    )


@login_required
@require_POST
def application_submit(request, pk):
    application = _own_application(request, pk)
    result = services.application_submit(application=application, by=request.user)
    if result.submitted:
        messages.success(request, result.message)
        return redirect("application_detail", pk=application.pk)
    if application.is_editable:
        messages.error(request, result.message)
        return redirect("application_step", pk=application.pk, step="review")
    messages.info(request, result.message)
    return redirect("application_detail", pk=application.pk)


@login_required
def application_detail(request, pk):
    application = _own_application(request, pk, full=True)
    return render(
        request,
        "applications/application_detail.html",
        {
            "application": application,
            "printable": False,
            "can_withdraw": rules.test_rule("applications.withdraw", request.user, application),
            "can_restore": rules.test_rule("applications.restore", request.user, application),
            "resume_step": _resume_step(application) if application.is_editable else None,
        },
    )


@login_required
def application_print(request, pk):
    application = _own_application(request, pk, full=True)
    return render(
        request,
        "applications/application_print.html",
        {"application": application, "printable": True},
    )


@login_required
def application_withdraw(request, pk):
    application = _own_application(request, pk)
    if not rules.test_rule("applications.withdraw", request.user, application):
        messages.info(request, _("This application cannot be withdrawn any more."))
        return redirect("application_detail", pk=application.pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("application_detail", pk=application.pk)
        messages.success(request, _("Your application has been withdrawn."))
        return redirect("application_detail", pk=application.pk)
    return render(
        request,
        "applications/application_withdraw.html",
        {"application": application, "form": form, "errors": error_summary(form)},
    )


@login_required
def application_restore(request, pk):
    """Undo a withdrawal, until the call's deadline."""
    application = _own_application(request, pk)
    if not rules.test_rule("applications.restore", request.user, application):
        messages.info(request, _("This application cannot be restored; contact NetZeroCities."))
        return redirect("application_detail", pk=application.pk)
    form = RestoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_restore(
                application=application, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("application_detail", pk=application.pk)
        messages.success(request, _("Your application has been restored."))
        return redirect("application_detail", pk=application.pk)
    return render(
        request,
        "applications/application_restore.html",
        {"application": application, "form": form, "errors": error_summary(form)},
    )


@login_required
def my_applications(request):
    membership = selectors.membership_of(request.user)
    applications = selectors.applications_of(request.user).order_by("-call__opens_at")
    invite_form = InviteForm()
    return render(
        request,
        "applications/my_applications.html",
        {
            "membership": membership,
            "applications": applications,
            "invite_form": invite_form,
            "members": membership.organisation.members.select_related("user") if membership else [],
            "call": call_current(),
        },
    )


@login_required
@require_POST
def organisation_invite(request):
    membership = selectors.membership_of(request.user)
    if membership is None:
        raise Http404
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=membership.organisation,
                email=form.cleaned_data["email"],
                by=request.user,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("We sent an invitation to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
    else:
        messages.error(request, _("Enter a valid e-mail address to invite a colleague."))
    return redirect("my_applications")


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(OrganisationInvitation, token=token)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("my_applications")
        messages.success(
            request,
            _("You can now edit the application of %(org)s.")
            % {"org": invitation.organisation.name},
        )
        return redirect("my_applications")
    return render(request, "applications/invitation_accept.html", {"invitation": invitation})


@login_required
def document_download(request, pk):
    """Serve a document to its organisation's members, to staff, and to members of the Mission
    Cities the applicant ranked (or that shortlisted or were paired with it) when the applicant
    consented to share its application; 404 for anyone else."""
    document = get_object_or_404(selectors.documents_readable_by(request.user), pk=pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        logger.error(
            "Document %s (%s) is missing from storage: %s",
            document.pk,
            document.original_name,
            document.file.name,
        )
        return render(
            request, "applications/document_missing.html", {"document": document}, status=404
        )
    response = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=True,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@validates_own_query
@cached_for_visitors
def eligibility_check(request):
    """The public self-check: answers at once, before anyone signs up."""
    call = call_current()
    form = EligibilityForm(request.GET or None, call=call)
    verdict = None
    if call is not None and request.GET and form.is_valid():
        verdict = eligibility_verdict(
            call=call, candidate=Candidate(**form.cleaned_data), kept=True
        )
    return render(
        request,
        "applications/eligibility_check.html",
        {
            "form": form,
            "call": call,
            "verdict": verdict,
            "call_is_open": bool(call and call.is_open()),
            "errors": error_summary(form) if request.GET else [],
        },
    )


@login_required
@require_POST
def action_interest_toggle(request, action_id):
    """ "I want to learn this" on a Mission City page: add the offered action to (or remove it
    from) the user's draft application to the open call, then go back to the page."""
    action = get_object_or_404(
        CityItem.objects.select_related("participation__mission_city", "participation__call"),
        pk=action_id,
        kind=CityItem.Kind.ACTION,
    )
    back = reverse("city_detail", args=[action.participation.mission_city.slug])
    application = (
        selectors.applications_of(request.user)
        .filter(call=action.participation.call, status=Application.Status.DRAFT)
        .first()
    )
    if application is None:
        messages.info(
            request,
            _("Start your application first; then you can add the actions you want to learn."),
        )
        return redirect("apply")
    try:
        added = services.application_toggle_action_interest(
            application=application, action=action, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if added:
        messages.success(
            request,
            _("“%(action)s” is in your application as an action you want to learn.")
            % {"action": action.title},
        )
    else:
        messages.success(
            request, _("“%(action)s” is no longer in your application.") % {"action": action.title}
        )
    return redirect(f"{back}#action-{action.pk}")
