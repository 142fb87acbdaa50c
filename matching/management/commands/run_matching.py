import json

from django.core.management.base import BaseCommand, CommandError

from cities.models import Call
from matching import services
from matching.models import MatchingRun, Proposal, UnmatchedApplication


class Command(BaseCommand):
    help = "Run the matching of a call synchronously and print the result."

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, help="slug of the call")
        parser.add_argument(
            "--mode",
            choices=MatchingRun.Mode.values,
            default=MatchingRun.Mode.CHOICES,
            help="choices (default: choices respected, then the maximum total score), "
            "optimal (pure maximum total score) or stable (deferred acceptance)",
        )
        parser.add_argument("--candidates", action="store_true", help="also every scored pair")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, call, mode, candidates, json: bool, **options):
        try:
            call_obj = Call.objects.get(slug=call)
        except Call.DoesNotExist as exc:
            known = ", ".join(Call.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No call {call!r}; known calls: {known}") from exc
        run = services.run_start(call=call_obj, mode=mode, by=None, enqueue=False)
        run = services.run_execute(run_id=run.pk, keep_candidates=candidates)
        if run.status != MatchingRun.Status.SUCCEEDED:
            raise CommandError(f"Run {run.pk} failed: {run.error}")
        payload = _payload(run, candidates)
        if json:
            self.stdout.write(_dumps(payload))
        else:
            self.stdout.write(
                f"Run {run.pk} ({mode}): {len(payload['proposals'])} pairs, "
                f"{len(payload['unmatched'])} unmatched, total score {run.objective}"
            )
            for p in payload["proposals"]:
                self.stdout.write(f"  {p['applicant']} → {p['mission_city']} ({p['score']:.3f})")


def _payload(run, with_candidates):
    names = dict(run.call.mission_cities.values_list("pk", "display_name"))
    payload = {
        "run": run.pk,
        "mode": run.mode,
        "capacity": {names[int(k)]: v for k, v in run.parameters["capacity"].items()},
        "proposals": [
            {
                "application": p.application_id,
                "applicant": p.application.official_name,
                "mission_city": p.mission_city.display_name,
                "score": p.score,
                "components": p.components,
                "explanation": p.explanation,
            }
            for p in Proposal.objects.filter(run=run)
            .select_related("application", "mission_city")
            .order_by("application_id")
        ],
        "unmatched": [
            {
                "application": u.application_id,
                "applicant": u.application.official_name,
                "reasons": u.reasons,
            }
            for u in UnmatchedApplication.objects.filter(run=run)
            .select_related("application")
            .order_by("application_id")
        ],
        "stats": run.stats,
    }
    if with_candidates:
        payload["candidates"] = [
            {"application": c.applicant_id, "mission_city": names[c.host_id], "score": c.score}
            for c in run.candidates
        ]
    return payload


def _dumps(payload):
    return json.dumps(payload, ensure_ascii=False, indent=None)
