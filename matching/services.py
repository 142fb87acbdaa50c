"""Matching runs: start, execute (in a Celery task), decide on proposals, publish pairings."""

import logging
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import status as lifecycle
from applications.models import Application, StatusChange
from applications.selectors import application_recipients
from applications.services import (
    application_log,
    application_mark_not_selected,
    application_mark_paired,
    application_unpair,
)
from audit.services import record
from cities.models import CallMissionCity, MissionCityMembership
from twinning.emails import queue_email, render_email

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
        "preference_step": settings.preference_step,
        "pins": pins,
        "forbids": forbids,
        "capacity": {
            str(pk): cap
            for pk, cap in CallMissionCity.objects.filter(call=call).values_list("pk", "capacity")
        },
    }


def _parameters_with(call, mode, overrides) -> dict:
    """The run parameters of ``call`` with staff's what-if ``overrides`` (weights, minimum
    score, capacities by Mission City id) applied and checked."""
    parameters = _parameters(call, mode)
    overrides = overrides or {}
    if "weights" in overrides:
        parameters["weights"] = {**parameters["weights"], **overrides["weights"]}
    for name in ("min_score", "preference_step"):
        if overrides.get(name) is not None:
            parameters[name] = float(overrides[name])
    if "capacity" in overrides:
        known = parameters["capacity"]
        parameters["capacity"] = {
            **known,
            **{str(k): int(v) for k, v in overrides["capacity"].items() if str(k) in known},
        }
    try:
        _params(parameters)
    except (TypeError, ValueError) as exc:
        raise ValidationError(str(exc)) from exc
    if any(cap < 0 for cap in parameters["capacity"].values()):
        raise ValidationError(_("A capacity cannot be negative."))
    return parameters


def _params(p: dict) -> Params:
    """The engine's :class:`Params` of a run's stored parameters."""
    return Params(
        weights=Weights(**p["weights"]),
        min_score=p["min_score"],
        mode=p["mode"],
        pins=frozenset(tuple(x) for x in p["pins"]),
        forbids=frozenset(tuple(x) for x in p["forbids"]),
        max_preferences=p["max_preferences"],
        context=Context(**p.get("context", {})),
        # Runs saved before the setting existed used the engine's step then, 0.9.
        preference_step=p.get("preference_step", 0.9),
    )


def _engine_hosts(call, p: dict):
    return [
        h if str(h.id) not in p.get("capacity", {}) else _with_capacity(h, p["capacity"][str(h.id)])
        for h in selectors.engine_hosts(call=call)
    ]


@transaction.atomic
def run_start(
    *,
    call,
    mode: str = MatchingRun.Mode.CHOICES,
    by=None,
    enqueue=True,
    overrides: dict | None = None,
) -> MatchingRun:
    """Record a run with a snapshot of its parameters and queue it for a worker.

    ``overrides`` (from a what-if preview) replace some of the call's settings for this run
    only: ``weights`` (name → weight), ``min_score``, ``preference_step``, ``capacity``
    (Mission City id → places).
    """
    if mode not in MatchingRun.Mode.values:
        raise ValidationError(_("Unknown mode."))
    parameters = _parameters_with(call, mode, overrides)
    run = MatchingRun.objects.create(call=call, mode=mode, parameters=parameters, started_by=by)
    data = {"mode": mode}
    if overrides:
        data["overrides"] = _jsonable(overrides)
    record(actor=by, action="matching_run.start", target=run, data=data)
    if enqueue:
        transaction.on_commit(lambda: run_enqueue(run_id=run.pk))
    return run


@dataclass(frozen=True)
class RunPreview:
    """What a run with changed settings would propose, against a saved run (nothing stored).

    ``diff`` has the keys of :func:`matching.selectors.run_compare`; ``first_choice`` and
    ``matched`` are (base run, preview) pairs; ``parameters`` are the preview's run parameters
    (what "Save as a run" stores).
    """

    base: MatchingRun
    parameters: dict
    diff: dict
    matched: tuple[int, int]
    first_choice: tuple[float | None, float | None]
    error: str = ""


def _first_choice_share(ranks) -> float | None:
    ranks = list(ranks)
    return round(sum(1 for r in ranks if r == 1) / len(ranks), 4) if ranks else None


def run_preview(*, base: MatchingRun, mode: str | None = None, overrides=None) -> RunPreview:
    """Compute in memory, with the engine, the run that ``run_start`` with these ``overrides``
    would compute now, and compare it with the saved run ``base``: pairs added, removed and
    changed, first-choice share, total score. Reads only; writes nothing."""
    call = base.call
    parameters = _parameters_with(call, mode or base.mode, overrides)
    old = selectors.run_pairs(run=base)
    old_ranks = [v[4] for v in old.values()]
    applicants = selectors.engine_applicants(call=call)
    hosts = _engine_hosts(call, parameters)
    try:
        result = engine.run(applicants, hosts, _params(parameters), **selectors.engine_topics())
    except InfeasiblePins as exc:
        return RunPreview(
            base, parameters, {}, (len(old), 0), (_first_choice_share(old_ranks), None), str(exc)
        )
    names = {a.id: a.name for a in applicants}
    cities = {h.id: h.name for h in hosts}
    new = {
        x.applicant_id: (x.host_id, names[x.applicant_id], cities[x.host_id], x.score, x.rank)
        for x in result.proposals
    }
    return RunPreview(
        base=base,
        parameters=parameters,
        diff=selectors.pairs_diff(old, new),
        matched=(len(old), len(new)),
        first_choice=(
            _first_choice_share(old_ranks),
            _first_choice_share(v[4] for v in new.values()),
        ),
    )


def run_enqueue(*, run_id: int) -> bool:
    """Hand a queued run to the worker. A broker outage leaves it "queued" (logged); the run
    sweeper queues it again. The run row is the stored task: queuing twice is harmless."""
    from .tasks import task_run_matching

    try:
        task_run_matching.delay(run_id=run_id)
    except Exception:
        logger.warning(
            "Matching run %s not queued (broker unavailable); the sweeper will retry",
            run_id,
            exc_info=True,
        )
        return False
    return True


def _time_limit() -> timedelta:
    return timedelta(seconds=django_settings.MATCHING_RUN_TIME_LIMIT)


def runs_sweep() -> dict:
    """Periodic: fail runs stuck in "running" past the time limit (their worker died), and
    queue again runs left "queued" by a broker outage. Idempotent."""
    now = timezone.now()
    stale = list(
        MatchingRun.objects.filter(
            status=RunStatus.RUNNING, started_at__lt=now - _time_limit()
        ).values_list("pk", flat=True)
    )
    for run_id in stale:
        run_fail(
            run_id=run_id,
            error=_(
                "The run was still running after %(minutes)s minutes: its worker stopped or "
                "it took too long. Restart it from the run page."
            )
            % {"minutes": round(_time_limit().total_seconds() / 60, 1)},
            only_running=True,
        )
    grace = timedelta(seconds=django_settings.MATCHING_QUEUED_GRACE_SECONDS)
    queued = list(
        MatchingRun.objects.filter(status=RunStatus.QUEUED, created_at__lt=now - grace).values_list(
            "pk", flat=True
        )
    )
    for run_id in queued:
        run_enqueue(run_id=run_id)
    return {"failed": stale, "queued": queued}


def run_restart(*, run: MatchingRun, by) -> MatchingRun:
    """Staff: start a failed run again with the same parameters (same row, error cleared)."""
    with transaction.atomic():
        locked = MatchingRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != RunStatus.FAILED:
            raise ValidationError(_("Only a failed run can be restarted."))
        if locked.published_at:
            raise ValidationError(_("A published run cannot be restarted."))
        locked.status = RunStatus.QUEUED
        locked.progress = 0
        locked.progress_message = ""
        locked.warnings = [
            *locked.warnings,
            _("Restarted by %(who)s after: %(error)s")
            % {"who": getattr(by, "email", "staff"), "error": locked.error.splitlines()[0]}
            if locked.error
            else _("Restarted."),
        ]
        locked.error = ""
        locked.started_at = None
        locked.finished_at = None
        locked.save()
        record(
            actor=by,
            action="matching_run.restart",
            target=locked,
            note=locked.warnings[-1],
        )
        transaction.on_commit(lambda: run_enqueue(run_id=locked.pk))
    logger.info("Matching run %s restarted by %s", locked.pk, getattr(by, "pk", None))
    return locked


def _progress(run_id, percent, message):
    MatchingRun.objects.filter(pk=run_id).update(progress=percent, progress_message=message)


def run_execute(*, run_id: int, keep_candidates: bool = False) -> MatchingRun:
    """Compute a run's proposals. Idempotent: a finished run is left as it is, and a re-delivered
    run replaces its own proposals, never another run's or the published pairings."""
    run = MatchingRun.objects.select_related("call").get(pk=run_id)
    started = time.perf_counter()
    # Claim: only a queued run starts. Of two deliveries of the same task, one claims it and
    # the other leaves it alone; a finished or failed run is never computed again.
    claimed = MatchingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        progress=5,
        progress_message=_("Reading applications"),
    )
    if not claimed:
        run.refresh_from_db()
        return run
    p = run.parameters
    applicants = selectors.engine_applicants(call=run.call)
    hosts = _engine_hosts(run.call, p)
    read_seconds = time.perf_counter() - started
    _progress(run_id, 30, _("Scoring and assigning"))
    params = _params(p)
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
        run.warnings = [*run.warnings, *result.warnings]  # keeps notes of restarts
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
def run_requeue(*, run_id: int) -> None:
    """Give a running run back to the queue before its task retries (a transient error)."""
    if MatchingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.QUEUED, progress=0, progress_message=""
    ):
        record(actor=None, action="matching_run.requeue", target=MatchingRun.objects.get(pk=run_id))


@transaction.atomic
def run_fail(*, run_id: int, error: str, only_running: bool = False) -> MatchingRun:
    """Mark a run failed; earlier runs and published pairings are untouched."""
    runs = MatchingRun.objects.filter(pk=run_id).exclude(status=RunStatus.SUCCEEDED)
    if only_running:
        runs = runs.filter(status=RunStatus.RUNNING)
    failed = runs.update(
        status=RunStatus.FAILED,
        error=error[:10000],
        finished_at=timezone.now(),
        progress_message="",
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
    # The run's row is locked: a decision made while the run is being published waits for the
    # publication and is then refused (published), never saved beside it and lost.
    proposal.run = MatchingRun.objects.select_for_update().get(pk=proposal.run_id)
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
def proposals_approve_bulk(
    *, run: MatchingRun, by, city=None, min_score: float | None = None
) -> int:
    """Approve the pending proposals of a run at once: all of them, those of one Mission City,
    or those scoring at least `min_score`. Each approval is audited as a single one is."""
    if run.published_at:
        raise ValidationError(_("This run has been published; start a new run to change it."))
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(_("Only the proposals of a succeeded run can be approved."))
    proposals = Proposal.objects.filter(run=run, decision=Proposal.Decision.PENDING)
    if city is not None:
        proposals = proposals.filter(mission_city=city)
    if min_score is not None:
        proposals = proposals.filter(score__gte=min_score)
    proposals = list(proposals.select_related("run", "application", "mission_city"))
    for proposal in proposals:
        proposal_decide(proposal=proposal, decision=Proposal.Decision.APPROVED, by=by)
    return len(proposals)


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
        .exclude(host_confirmation=Pairing.Confirmation.DECLINED)
        .exclude(twin_confirmation=Pairing.Confirmation.DECLINED)
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


def _host_recipients(city) -> list[str]:
    return list(
        MissionCityMembership.objects.filter(
            mission_city_id=city.mission_city_id, revoked_at__isnull=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


def _chosen(run):
    return list(
        Proposal.objects.filter(
            run=run, decision__in=[Proposal.Decision.APPROVED, Proposal.Decision.OVERRIDDEN]
        )
        .select_related("application__call", "mission_city", "override_city")
        .order_by("mission_city__display_name", "application__official_name")
    )


def _not_selected(run, chosen) -> list[Application]:
    """The run's applicants that publication leaves without a pairing and that are still
    waiting for an answer (submitted or under review): they are told kindly."""
    paired = {p.application_id for p in chosen}
    already = set(Pairing.objects.filter(call=run.call).values_list("application_id", flat=True))
    ids = set((run.inputs or {}).get("applications", [])) - paired - already
    return list(
        Application.objects.filter(
            pk__in=ids, status__in=lifecycle.transition("not_select").sources
        ).order_by("official_name")
    )


@dataclass(frozen=True)
class PlannedEmail:
    template: str
    to: list[str]
    subject: str
    body: str


@dataclass(frozen=True)
class PublicationPlan:
    pairings: list  # approved or changed proposals, each with .final_city
    not_selected: list
    emails: list[PlannedEmail]


def _emails(run, chosen, not_selected) -> list[tuple[str, list[str], dict]]:
    emails = []
    for proposal in chosen:
        application, city = proposal.application, proposal.final_city
        details = proposal.details if city == proposal.mission_city else {}
        twin = {
            "application": application,
            "city": city,
            "why": explanations.for_applicant(details, city.display_name),
        }
        host = {
            "application": application,
            "city": city,
            "why": explanations.for_city(details, application.official_name),
        }
        emails.append(("pairing_published_twin", application_recipients(application), twin))
        emails.append(("pairing_published_host", _host_recipients(city), host))
    n_pairings = len(chosen)
    for application in not_selected:
        emails.append(
            (
                "application_not_selected",
                application_recipients(application),
                {"application": application, "call": run.call, "n_pairings": n_pairings},
            )
        )
    return emails


def run_publication_plan(*, run: MatchingRun) -> PublicationPlan:
    """What publishing the run would do: the pairings, the applicants told they were not
    selected, and every e-mail with its recipients, subject and text (for the confirmation)."""
    chosen = _chosen(run)
    not_selected = _not_selected(run, chosen)
    return PublicationPlan(
        pairings=chosen,
        not_selected=not_selected,
        emails=[
            PlannedEmail(template, to, *render_email(template=template, context=context))
            for template, to, context in _emails(run, chosen, not_selected)
        ],
    )


@transaction.atomic
def run_publish(*, run: MatchingRun, by) -> list[Pairing]:
    """Publish the approved (or changed) proposals: pairings, statuses and e-mails to both sides;
    the run's other applicants still waiting are told they were not selected this time."""
    run = MatchingRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.SUCCEEDED:
        raise ValidationError(_("Only a succeeded run can be published."))
    if run.published_at:
        raise ValidationError(_("This run has been published already."))
    # Lock the Mission Cities of the call (in a fixed order): two runs published at the same
    # moment are published one after the other, the second counting the first's pairings.
    list(CallMissionCity.objects.select_for_update().filter(call=run.call).order_by("pk"))
    chosen = _chosen(run)
    if not chosen:
        raise ValidationError(_("Approve at least one proposal before publishing."))
    _check_publishable(run, chosen)
    not_selected = _not_selected(run, chosen)
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
                "host_reason": "",
                "twin_reason": "",
            },
        )
        pairings.append(pairing)
        application_mark_paired(
            application=proposal.application, city_name=city.display_name, by=by
        )
    for application in not_selected:
        application_mark_not_selected(
            application=application,
            by=by,
            note=_("Not paired when run %(run)d was published.") % {"run": run.pk},
        )
    for template, to, context in _emails(run, chosen, not_selected):
        queue_email(template=template, to=to, context=context)
    run.published_at = timezone.now()
    run.save(update_fields=["published_at"])
    record(
        actor=by,
        action="matching_run.publish",
        target=run,
        data={
            "pairings": [p.pk for p in pairings],
            "not_selected": [a.pk for a in not_selected],
        },
    )
    return pairings


@transaction.atomic
def pairing_unpublish(*, pairing: Pairing, by, reason: str) -> None:
    """Take a published pairing back (never a plain delete): the application returns under
    review, both sides are told, the audit trail keeps who and why.

    Refused once the pairing's pair space is opened (both sides confirmed): the space's plan,
    messages, meetings and documents hang off the pairing, and a pairing that both sides live in
    is not taken back by a click. The row lock is the one `pairs.services.pair_open` takes, so
    the two cannot cross.
    """
    if not reason.strip():
        raise ValidationError(_("Give a reason for unpublishing the pairing."))
    pairing = (
        Pairing.objects.select_for_update()
        .select_related("application", "mission_city")
        .get(pk=pairing.pk)
    )
    if Pairing.objects.filter(selectors.pair_space_opened_q(), pk=pairing.pk).exists():
        raise ValidationError(
            _(
                "%(pairing)s cannot be unpublished: its pair space is open, so both sides "
                "already work in it. Close the pair's work in the pair space instead."
            )
            % {"pairing": pairing},
            code="pair_space_opened",
        )
    application, city = pairing.application, pairing.mission_city
    application_log(
        application=application,
        by=by,
        action=StatusChange.Action.PUBLICATION,
        internal=True,
        target=pairing,
        note=_("Pairing with %(city)s unpublished: %(reason)s")
        % {"city": city.display_name, "reason": reason.strip()},
    )
    context = {"application": application, "city": city}
    to_twin, to_host = application_recipients(application), _host_recipients(city)
    pairing.delete()
    application_unpair(
        application=application,
        by=by,
        note=_("The pairing with %(city)s was withdrawn by NetZeroCities.")
        % {"city": city.display_name},
    )
    queue_email(template="pairing_unpublished", to=to_twin + to_host, context=context)


def pairing_declined(*, pairing: Pairing, side: str, by) -> None:
    """One side declined: the pairing is closed for the other side too, the application goes
    back under review (and is never proposed to that Mission City again), the other side is
    told (without the reason, which is for staff)."""
    application, city = pairing.application, pairing.mission_city
    application_unpair(
        application=application,
        by=by,
        note=_(
            "The pairing with %(city)s was declined, so it is closed. NetZeroCities will "
            "look at the next steps with you."
        )
        % {"city": city.display_name},
    )
    constraint_set(
        application=application,
        mission_city=city,
        kind=PairConstraint.Kind.FORBID,
        by=by,
        reason=_("The pairing was declined by the %(side)s.")
        % {"side": _("Mission City") if side == "host" else _("Twin City")},
    )
    other = application_recipients(application) if side == "host" else _host_recipients(city)
    queue_email(
        template="pairing_closed",
        to=other,
        context={"application": application, "city": city, "declined_by": side},
    )


def pairing_confirmed_by_both(*, pairing: Pairing) -> None:
    """Both sides confirmed: each receives the other's contacts."""
    application, city = pairing.application, pairing.mission_city
    host_contacts = list(
        MissionCityMembership.objects.filter(
            mission_city_id=city.mission_city_id, revoked_at__isnull=True
        )
        .select_related("user")
        .order_by("user__email")
    )
    twin_contacts = list(application.representatives.order_by("position"))
    context = {
        "application": application,
        "city": city,
        "host_contacts": [
            (m.user.get_full_name() or m.user.email, m.user.email) for m in host_contacts
        ],
        "twin_contacts": [(r.name, r.email) for r in twin_contacts],
    }
    record(
        actor=None,
        action="pairing.contacts_exchanged",
        target=pairing,
        application=application,
        data={"host": [e for _n, e in context["host_contacts"]], "twin": len(twin_contacts)},
    )
    queue_email(
        template="pairing_contacts_twin", to=application_recipients(application), context=context
    )
    queue_email(template="pairing_contacts_host", to=_host_recipients(city), context=context)
