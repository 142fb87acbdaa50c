"""Matching runs: start, execute (in a Celery task), decide on proposals, publish pairings."""

import logging
import time
import traceback
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import status as lifecycle
from applications.models import Application, StatusChange
from applications.selectors import application_recipients
from applications.services import application_log, application_mark_paired
from audit.services import record
from cities.models import CallMissionCity, MissionCityMembership
from twinning.emails import queue_email

from . import engine, explanations, selectors
from .engine.types import Context, InfeasiblePins, Params, Weights
from .models import (
    MatchingRun,
    MatchingSettings,
    PairConstraint,
    Pairing,
    Proposal,
    UnmatchedApplication,
)

logger = logging.getLogger(__name__)
RunStatus = MatchingRun.Status
BULK_BATCH = 2000


def settings_for(call) -> MatchingSettings:
    return MatchingSettings.objects.get_or_create(call=call)[0]


def _parameters(call, mode) -> dict:
    settings = settings_for(call)
    pins, forbids = selectors.pair_constraints(call=call)
    return {
        "mode": mode,
        "weights": settings.weights(),
        "context": settings.context(),
        "min_score": settings.min_score,
        "max_preferences": call.max_preferences,
        "pins": pins,
        "forbids": forbids,
        "capacity": {
            str(pk): cap
            for pk, cap in CallMissionCity.objects.filter(call=call).values_list("pk", "capacity")
        },
    }


@transaction.atomic
def run_start(*, call, mode: str = MatchingRun.Mode.CHOICES, by=None, enqueue=True) -> MatchingRun:
    """Record a run with a snapshot of its parameters and queue it for a worker."""
    if mode not in MatchingRun.Mode.values:
        raise ValidationError(_("Unknown mode."))
    run = MatchingRun.objects.create(
        call=call, mode=mode, parameters=_parameters(call, mode), started_by=by
    )
    record(actor=by, action="matching_run.start", target=run, data={"mode": mode})
    if enqueue:
        from .tasks import task_run_matching

        transaction.on_commit(lambda: task_run_matching.delay(run_id=run.pk), robust=True)
    return run


def _progress(run_id, percent, message):
    MatchingRun.objects.filter(pk=run_id).update(progress=percent, progress_message=message)


def run_execute(*, run_id: int, keep_candidates: bool = False) -> MatchingRun:
    """Compute a run's proposals. Idempotent: a finished run is left as it is, and a re-delivered
    run replaces its own proposals, never another run's or the published pairings."""
    run = MatchingRun.objects.select_related("call").get(pk=run_id)
    if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
        return run
    started = time.perf_counter()
    MatchingRun.objects.filter(pk=run_id).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        progress=5,
        progress_message=_("Reading applications"),
    )
    p = run.parameters
    applicants = selectors.engine_applicants(call=run.call)
    hosts = [
        h if str(h.id) not in p.get("capacity", {}) else _with_capacity(h, p["capacity"][str(h.id)])
        for h in selectors.engine_hosts(call=run.call)
    ]
    read_seconds = time.perf_counter() - started
    _progress(run_id, 30, _("Scoring and assigning"))
    params = Params(
        weights=Weights(**p["weights"]),
        min_score=p["min_score"],
        mode=p["mode"],
        pins=frozenset(tuple(x) for x in p["pins"]),
        forbids=frozenset(tuple(x) for x in p["forbids"]),
        max_preferences=p["max_preferences"],
        context=Context(**p.get("context", {})),
    )
    try:
        result = engine.run(applicants, hosts, params, **selectors.engine_topics())
    except InfeasiblePins as exc:
        return run_fail(run_id=run_id, error=str(exc))
    _progress(run_id, 70, _("Saving proposals"))
    write_started = time.perf_counter()
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.RUNNING:
            return run
        Proposal.objects.filter(run=run).delete()
        UnmatchedApplication.objects.filter(run=run).delete()
        Proposal.objects.bulk_create(
            [
                Proposal(
                    run=run,
                    application_id=x.applicant_id,
                    mission_city_id=x.host_id,
                    score=x.score,
                    components=dict(x.components),
                    reasons=list(x.reasons),
                    explanation=x.explanation,
                    details=_jsonable(dict(x.details)),
                    rank=x.rank,
                    pinned=x.pinned,
                )
                for x in result.proposals
            ],
            batch_size=BULK_BATCH,
        )
        UnmatchedApplication.objects.bulk_create(
            [
                UnmatchedApplication(
                    run=run, application_id=u.applicant_id, reasons=list(u.reasons)
                )
                for u in result.unmatched
            ],
            batch_size=BULK_BATCH,
        )
        run.status = RunStatus.SUCCEEDED
        run.progress = 100
        run.progress_message = ""
        run.inputs = {
            "applications": [a.id for a in applicants],
            "mission_cities": [h.id for h in hosts],
        }
        run.stats = _jsonable(result.stats)
        run.warnings = list(result.warnings)
        run.objective = result.objective
        run.blocking_pairs = result.blocking_pairs
        run.finished_at = timezone.now()
        run.timings = {
            "read": round(read_seconds, 4),
            **{k: round(v, 4) for k, v in result.timings.items()},
            "write": round(time.perf_counter() - write_started, 4),
            "total": round(time.perf_counter() - started, 4),
        }
        run.save()
        record(
            actor=None,
            action="matching_run.succeed",
            target=run,
            data={"proposals": len(result.proposals), "unmatched": len(result.unmatched)},
        )
    run.candidates = result.candidates if keep_candidates else None
    return run


def _with_capacity(host, capacity):
    from dataclasses import replace

    return replace(host, capacity=capacity)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)


@transaction.atomic
def run_fail(*, run_id: int, error: str) -> MatchingRun:
    """Mark a run failed; earlier runs and published pairings are untouched."""
    failed = (
        MatchingRun.objects.filter(pk=run_id)
        .exclude(status=RunStatus.SUCCEEDED)
        .update(
            status=RunStatus.FAILED,
            error=error[:10000],
            finished_at=timezone.now(),
            progress_message="",
        )
    )
    if failed:
        record(
            actor=None,
            action="matching_run.fail",
            target=MatchingRun.objects.get(pk=run_id),
            note=error.splitlines()[0] if error else "",
        )
    logger.warning("Matching run %s failed: %s", run_id, error.splitlines()[0] if error else "")
    return MatchingRun.objects.get(pk=run_id)


def format_error(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


# Staff decisions --------------------------------------------------------------------------


@transaction.atomic
def proposal_decide(*, proposal: Proposal, decision: str, by, reason: str = "", override_city=None):
    if decision not in Proposal.Decision.values:
        raise ValidationError(_("Unknown decision."))
    if proposal.run.published_at:
        raise ValidationError(_("This run has been published; start a new run to change it."))
    if decision == Proposal.Decision.OVERRIDDEN:
        if override_city is None or override_city.call_id != proposal.run.call_id:
            raise ValidationError(_("Choose a Mission City of this call."))
        if not reason.strip():
            raise ValidationError(_("Give a reason for changing the Mission City."))
    if decision == Proposal.Decision.REJECTED and not reason.strip():
        raise ValidationError(_("Give a reason for rejecting the proposal."))
    proposal.decision = decision
    proposal.override_city = override_city if decision == Proposal.Decision.OVERRIDDEN else None
    proposal.decision_reason = reason.strip()
    proposal.decided_by = by
    proposal.decided_at = timezone.now()
    proposal.save()
    application_log(
        application=proposal.application,
        action=StatusChange.Action.MATCHING,
        internal=True,
        target=proposal,
        by=by,
        note=_("Matching run %(run)d: proposal to %(city)s %(decision)s. %(reason)s")
        % {
            "run": proposal.run_id,
            "city": proposal.final_city.display_name,
            "decision": proposal.get_decision_display().lower(),
            "reason": reason.strip(),
        },
    )
    return proposal


@transaction.atomic
def constraint_set(*, application, mission_city, kind: str, by, reason: str = "") -> PairConstraint:
    if mission_city.call_id != application.call_id:
        raise ValidationError(_("The Mission City must take part in the application's call."))
    constraint, _created = PairConstraint.objects.update_or_create(
        application=application,
        mission_city=mission_city,
        defaults={"kind": kind, "reason": reason, "created_by": by},
    )
    record(
        actor=by,
        action=f"pair_constraint.{kind}",
        target=constraint,
        application=application,
        note=reason,
        data={"mission_city": mission_city.pk, "kind": kind},
    )
    return constraint


def _check_publishable(run, chosen):
    """Refuse to publish a pairing of an application that changed since the run (withdrawn,
    judged ineligible, not selected) or beyond a Mission City's capacity."""
    fresh = {
        a.pk: a
        for a in Application.objects.select_for_update().filter(
            pk__in=[p.application_id for p in chosen]
        )
    }
    problems = [
        (
            _("%(name)s is now %(status)s")
            if a.status not in lifecycle.MATCHABLE
            else _("%(name)s is not eligible")
        )
        % {"name": a.official_name, "status": a.get_status_display().lower()}
        for a in fresh.values()
        if not lifecycle.publishable(a)
    ]
    load = Counter(p.final_city.pk for p in chosen)
    load.update(
        Pairing.objects.filter(call=run.call)
        .exclude(application_id__in=fresh)
        .values_list("mission_city_id", flat=True)
    )
    cities = {p.final_city.pk: p.final_city for p in chosen}
    problems += [
        _("%(city)s would have %(n)d Twin Cities for %(cap)d places")
        % {"city": c.display_name, "n": load[pk], "cap": c.capacity}
        for pk, c in sorted(cities.items())
        if load[pk] > c.capacity
    ]
    if problems:
        raise ValidationError(
            _("Nothing was published: %(problems)s. Reject or change those proposals first.")
            % {"problems": "; ".join(problems)}
        )


@transaction.atomic
def run_publish(*, run: MatchingRun, by) -> list[Pairing]:
    """Publish the approved (or changed) proposals: pairings, statuses and e-mails to both sides."""
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(_("Only a succeeded run can be published."))
    if run.published_at:
        raise ValidationError(_("This run has already been published."))
    chosen = list(
        Proposal.objects.filter(
            run=run, decision__in=[Proposal.Decision.APPROVED, Proposal.Decision.OVERRIDDEN]
        ).select_related("application", "mission_city", "override_city")
    )
    if not chosen:
        raise ValidationError(_("Approve at least one proposal before publishing."))
    _check_publishable(run, chosen)
    pairings = []
    for proposal in chosen:
        city = proposal.final_city
        pairing, _created = Pairing.objects.update_or_create(
            application=proposal.application,
            defaults={
                "call": run.call,
                "mission_city": city,
                "run": run,
                "score": proposal.score,
                "explanation": proposal.explanation,
                "details": proposal.details if city == proposal.mission_city else {},
                "published_by": by,
                "host_confirmation": Pairing.Confirmation.PENDING,
                "twin_confirmation": Pairing.Confirmation.PENDING,
            },
        )
        pairings.append(pairing)
        application = proposal.application
        application_mark_paired(application=application, city_name=city.display_name, by=by)
        queue_email(
            template="pairing_published_twin",
            to=application_recipients(application),
            context={
                "application": application,
                "city": city,
                "why": explanations.for_applicant(pairing.details, city.display_name),
            },
        )
        queue_email(
            template="pairing_published_host",
            to=list(
                MissionCityMembership.objects.filter(
                    mission_city_id=city.mission_city_id, revoked_at__isnull=True
                ).values_list("user__email", flat=True)
            ),
            context={
                "application": application,
                "city": city,
                "why": explanations.for_city(pairing.details, application.official_name),
            },
        )
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])
    record(
        actor=by,
        action="matching_run.publish",
        target=run,
        data={"pairings": [p.pk for p in pairings]},
    )
    return pairings
