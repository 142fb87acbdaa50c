"""The Mission City workspace: invitations, the applicant lists, an applicant's page, the
shortlist and the pairings; and the Twin City's answer to its published pairing.

Anyone who is not a member of the city (or not the paired organisation) gets 404, never 403.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors as app_selectors
from applications.models import Application, ShortlistEntry
from applications.selectors import applications_of
from cities.selectors import call_current
from matching import explanations
from matching.models import Pairing
from twinning.forms import error_summary
from twinning.http import safe_next

from . import navigation, recommendations, selectors, services
from .filters import ApplicantFilter
from .forms import (
    PairingAnswerForm,
    ShortlistAddForm,
    ShortlistMoveForm,
    ShortlistNoteForm,
)
from .models import MissionCityInvitation

PAGE_SIZE = 25


def _messages_of(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(exc)])


def _workspace(request, city_slug=None):
    """(call, the user's cities in it, the chosen city) or 404 for non-members.

    Refreshes the navigation flag: a revoked member loses the link with this request.
    """
    is_member = rules.test_rule("workspace.use", request.user)
    navigation.remember(request, is_member=is_member)
    if not is_member:
        raise Http404
    call = call_current()
    cities = selectors.workspace_cities(user=request.user, call=call)
    if city_slug is None:
        return call, cities, (cities[0] if cities else None)
    city = next((c for c in cities if c.mission_city.slug == city_slug), None)
    if city is None or not rules.test_rule("workspace.view_city", request.user, city):
        raise Http404
    return call, cities, city


# Invitations ------------------------------------------------------------------------------


def invitation(request, token):
    """Anyone with the link sees what it is for; signed in with the invited address, accepts."""
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        raise Http404
    here = reverse("workspace_invitation", args=[invitation.token])
    user = request.user
    state = invitation.state
    address_matches = user.is_authenticated and user.email.casefold() == (
        invitation.email.casefold()
    )
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={here}")
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, _messages_of(exc))
            return redirect(here)
        navigation.remember(request, is_member=True)
        messages.success(
            request,
            _("Welcome to the workspace of %(city)s.") % {"city": invitation.mission_city.name},
        )
        return redirect("workspace_city", city_slug=invitation.mission_city.slug)
    if (
        state == MissionCityInvitation.State.ACCEPTED
        and user.is_authenticated
        and invitation.accepted_by_id == user.pk
    ):
        return redirect("workspace_city", city_slug=invitation.mission_city.slug)
    return render(
        request,
        "workspace/invitation.html",
        {
            "invitation": invitation,
            "state": state,
            "address_matches": address_matches,
            "here": here,
        },
    )


# The applicant lists ----------------------------------------------------------------------


@login_required
def workspace(request, city_slug=None):
    call, cities, city = _workspace(request, city_slug)
    if city is None:
        return render(request, "workspace/no_city.html", {"call": call})
    offer = selectors.city_offer(city=city)
    column = recommendations.column(city=city)
    queryset = selectors.city_applications(city=city, offer=offer)
    filtered = any(request.GET.get(k) for k in ApplicantFilter.base_filters)
    # Unfiltered (the page as it opens), both lists' order and the country choices are kept
    # with the recommendations' scores: they change with the same applications' stamp.
    lists = (
        None
        if filtered
        else column.remember(
            "lists",
            lambda: selectors.applicant_lists(
                queryset, city=city, scores=column.scores, countries=True
            ),
        )
    )
    filterset = ApplicantFilter(
        request.GET, queryset=queryset, call=call, countries=lists.countries if lists else None
    )
    applications = filterset.qs
    if lists is None:
        lists = selectors.applicant_lists(applications, city=city, scores=column.scores)
    ranked = selectors.page_of(
        applications, lists.ranked_ids, number=request.GET.get("page"), per_page=PAGE_SIZE
    )
    recommended = selectors.recommended_page(
        selectors.page_of(
            applications,
            lists.recommended_ids,
            number=request.GET.get("rpage"),
            per_page=PAGE_SIZE,
        ),
        column=column,
    )
    ranked_rows, recommended_rows = list(ranked), list(recommended)
    selectors.explain_fit(applications=ranked_rows + recommended_rows, offer=offer)
    shortlisted = selectors.shortlist_ranks(city=city)
    # The rows' links and figures made here, not by a tag or filter per row.
    row_url = reverse("workspace_application", args=[city.mission_city.slug, 0])[: -len("0/")]
    for application in ranked_rows + recommended_rows:
        application.shortlist_rank = shortlisted.get(application.pk)
        application.workspace_url = f"{row_url}{application.pk}/"
        application.population_shown = (
            intcomma(application.population) if application.population else "—"
        )
    return render(
        request,
        "workspace/workspace.html",
        {
            "call": call,
            "cities": cities,
            "city": city,
            "tab": "applicants",
            "filter": filterset,
            "filtered": filtered,
            "ranked": ranked,
            "ranked_rows": ranked_rows,
            "recommended": recommended,
            "recommended_rows": recommended_rows,
            "offered_topics": sorted(offer.topic_names.values()),
            "here": request.get_full_path(),
            "shortlist_url": _shortlist_url(city),
            "shortlist_add_url": reverse("workspace_shortlist_add", args=[city.mission_city.slug]),
        },
    )


@login_required
def applicant_detail(request, city_slug, pk):
    call, cities, city = _workspace(request, city_slug)
    application = selectors.visible_application(city=city, pk=pk)
    if application is None:
        raise Http404
    offer = selectors.city_offer(city=city)
    selectors.explain_fit(applications=[application], offer=offer)
    entry = ShortlistEntry.objects.filter(mission_city=city, application=application).first()
    return render(
        request,
        "workspace/application_detail.html",
        {
            "call": call,
            "cities": cities,
            "city": city,
            "tab": "applicants",
            "application": application,
            "preference": selectors.preference_for(city=city, application=application),
            "pairing": selectors.pairing_of(city=city, application=application),
            "entry": entry,
            "add_form": ShortlistAddForm(initial={"application": application.pk}, auto_id="add-%s"),
            "note_form": ShortlistNoteForm(initial={"note": entry.note}, auto_id="note-%s")
            if entry
            else None,
        },
    )


# The shortlist ----------------------------------------------------------------------------


@login_required
def shortlist(request, city_slug):
    call, cities, city = _workspace(request, city_slug)
    entries = selectors.shortlist(city=city)
    for entry in entries:
        entry.note_form = ShortlistNoteForm(
            initial={"note": entry.note}, auto_id=f"note-{entry.application_id}-%s"
        )
    return render(
        request,
        "workspace/shortlist.html",
        {"call": call, "cities": cities, "city": city, "tab": "shortlist", "entries": entries},
    )


def _shortlist_url(city):
    return reverse("workspace_shortlist", args=[city.mission_city.slug])


@login_required
@require_POST
def shortlist_add(request, city_slug):
    _call, _cities, city = _workspace(request, city_slug)
    if not rules.test_rule("workspace.edit_shortlist", request.user, city):
        raise Http404
    form = ShortlistAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The shortlist was not changed: the form was incomplete."))
        return redirect(safe_next(request, _shortlist_url(city)))
    application = (
        app_selectors.shared_with_cities(call=city.call)
        .filter(pk=form.cleaned_data["application"])
        .first()
    )
    if application is None:
        raise Http404
    try:
        entry = services.shortlist_add(
            city=city, application=application, by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(
            request,
            _("%(name)s is number %(rank)d on your shortlist.")
            % {"name": application.official_name, "rank": entry.rank},
        )
    return redirect(safe_next(request, _shortlist_url(city)))


def _shortlisted(city, pk) -> Application:
    """An application on the city's shortlist, or 404."""
    entry = (
        ShortlistEntry.objects.filter(mission_city=city, application_id=pk)
        .select_related("application")
        .first()
    )
    if entry is None:
        raise Http404
    return entry.application


@login_required
@require_POST
def shortlist_move(request, city_slug, pk):
    _call, _cities, city = _workspace(request, city_slug)
    if not rules.test_rule("workspace.edit_shortlist", request.user, city):
        raise Http404
    application = _shortlisted(city, pk)
    form = ShortlistMoveForm(request.POST)
    if form.is_valid():
        services.shortlist_move(
            city=city,
            application=application,
            direction=form.cleaned_data["direction"],
            by=request.user,
        )
    return redirect(safe_next(request, _shortlist_url(city)) + f"#entry-{application.pk}")


@login_required
@require_POST
def shortlist_remove(request, city_slug, pk):
    _call, _cities, city = _workspace(request, city_slug)
    if not rules.test_rule("workspace.edit_shortlist", request.user, city):
        raise Http404
    application = _shortlisted(city, pk)
    services.shortlist_remove(city=city, application=application, by=request.user)
    messages.success(
        request,
        _("%(name)s was taken off your shortlist.") % {"name": application.official_name},
    )
    return redirect(safe_next(request, _shortlist_url(city)))


@login_required
@require_POST
def shortlist_note(request, city_slug, pk):
    _call, _cities, city = _workspace(request, city_slug)
    if not rules.test_rule("workspace.edit_shortlist", request.user, city):
        raise Http404
    application = _shortlisted(city, pk)
    form = ShortlistNoteForm(request.POST)
    if form.is_valid():
        services.shortlist_set_note(
            city=city, application=application, note=form.cleaned_data["note"], by=request.user
        )
        messages.success(
            request, _("Your note on %(name)s is saved.") % {"name": application.official_name}
        )
    else:
        messages.error(request, " ".join(form.errors.get("note", [])))
    return redirect(safe_next(request, _shortlist_url(city)) + f"#entry-{application.pk}")


# Pairings ---------------------------------------------------------------------------------


@login_required
def pairings(request, city_slug):
    call, cities, city = _workspace(request, city_slug)
    return _render_pairings(request, call, cities, city)


def _render_pairings(request, call, cities, city, *, failed=None, form=None, status=200):
    published = selectors.published_pairings(city=city)
    for pairing in published:
        pairing.why = explanations.for_city(pairing.details, pairing.application.official_name)
        can_answer = rules.test_rule("workspace.answer_as_host", request.user, pairing)
        pairing.can_answer = can_answer
        if can_answer:
            pairing.form = (
                form
                if failed == pairing.pk
                else PairingAnswerForm(auto_id=f"pairing-{pairing.pk}-%s")
            )
    run = selectors.latest_run(call=call) if call else None
    return render(
        request,
        "workspace/pairings.html",
        {
            "call": call,
            "cities": cities,
            "city": city,
            "tab": "pairings",
            "run": run,
            "proposed": selectors.proposed_pairings(city=city, run=run),
            "published": published,
            "errors": error_summary(form) if form is not None else [],
        },
        status=status,
    )


@login_required
@require_POST
def pairing_answer(request, city_slug, pk):
    call, cities, city = _workspace(request, city_slug)
    pairing = get_object_or_404(
        Pairing.objects.select_related("application", "mission_city"), pk=pk, mission_city=city
    )
    if not rules.test_rule("workspace.view_contacts", request.user, pairing):
        raise Http404
    here = reverse("workspace_pairings", args=[city.mission_city.slug])
    if not rules.test_rule("workspace.answer_as_host", request.user, pairing):
        messages.info(request, _answered_message(pairing))
        return redirect(here)
    form = PairingAnswerForm(request.POST, auto_id=f"pairing-{pairing.pk}-%s")
    if form.is_valid():
        try:
            services.pairing_answer_as_host(
                pairing=pairing,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _confirmation_message(form.cleaned_data["decision"]))
            return redirect(here)
    return _render_pairings(request, call, cities, city, failed=pairing.pk, form=form)


def _answered_message(pairing):
    declined = Pairing.Confirmation.DECLINED
    if declined in (pairing.host_confirmation, pairing.twin_confirmation):
        return _("This pairing was declined, so it is closed: there is nothing to confirm.")
    return _("This pairing has already been answered.")


def _confirmation_message(decision):
    if decision == Pairing.Confirmation.CONFIRMED:
        return _("Thank you: you confirmed the pairing. The programme team has been told.")
    return _("You declined the pairing. The programme team has been told and will be in touch.")


@login_required
def twin_pairing(request, pk):
    """The Twin City's answer to its published pairing (its organisation's members only)."""
    application = get_object_or_404(applications_of(request.user), pk=pk)
    pairing = selectors.twin_pairing(application=application)
    if pairing is None or not rules.test_rule("workspace.view_as_twin", request.user, pairing):
        raise Http404
    detail = reverse("application_detail", args=[application.pk])
    if not rules.test_rule("workspace.answer_as_twin", request.user, pairing):
        messages.info(request, _answered_message(pairing))
        return redirect(detail)
    form = PairingAnswerForm(request.POST or None, auto_id="twin-%s")
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_answer_as_twin(
                pairing=pairing,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _confirmation_message(form.cleaned_data["decision"]))
            return redirect(detail)
    return render(
        request,
        "workspace/twin_pairing.html",
        {
            "application": application,
            "pairing": pairing,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
        },
    )
