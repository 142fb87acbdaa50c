"""The matching engine against the gold set (issue 9): precision@3 of its top candidates.

Imports `benchmarks/gold/applications.json` into a fresh test database (the 2025 call, with the
same command staff use), asks the engine (`matching.engine.run`, the call's weights, minimum
score 0 so that every pair is a candidate) for each applicant's candidates, takes the 3 best
scored Mission Cities and compares them with each judge's top 3:

    precision@3 = |engine's top 3 ∩ judge's top 3| / 3, averaged over the applications.

Columns: one pair per judge (A and B on `applications.json`; C on the held-out set
`heldout_c/`, other applications imported beside them).
Rows: the engine with the call's weights; without preferences (preference weight 0); each score
component alone (weight 1, the others 0); the applicants' own choices; judge B against judge A.
Ties at the third place are broken by Mission City id (the call page's order) in "ties by id",
and shared out evenly in "ties shared" (the expected precision when ties fall at random).

    .venv/bin/python benchmarks/gold_eval.py            # print the table
    .venv/bin/python benchmarks/gold_eval.py --write    # and update RESULTS.md (make gold)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "benchmarks" / "gold"
# Held-out set C: other applications and their own judge; nobody tunes the engine on it.
HELD_OUT = GOLD / "heldout_c"
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
START, END = "<!-- gold:start -->", "<!-- gold:end -->"
COMMAND = ".venv/bin/python benchmarks/gold_eval.py --write"
TOP = 3


def _fold(name: str) -> str:
    from cities.text import fold

    return fold(name)


def load_judges(
    gold: Path = GOLD, held_out: Path | None = HELD_OUT
) -> dict[str, dict[str, list[str]]]:
    """Judge letter → organisation → its top 3 Mission Cities (folded names), for every
    `expert_*.json` present (the held-out set's judge judges its own applications only)."""
    judges = {}
    paths = sorted(gold.glob("expert_*.json"))
    if held_out is not None:
        paths += sorted(held_out.glob("expert_*.json"))
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        letter = path.stem.removeprefix("expert_").upper()
        judges[letter] = {
            j["organisation"]: [_fold(c) for c in j["top3"]] for j in data["judgements"]
        }
    return judges


def precision(chosen: list[str], truth: list[str]) -> float:
    return len(set(chosen[:TOP]) & set(truth)) / TOP


def shared_precision(scores: dict[str, float], truth: list[str]) -> float:
    """Expected precision@3 when the hosts tied at the third place are drawn at random."""
    ordered = sorted(scores.values(), reverse=True)
    if len(ordered) <= TOP:
        return precision(list(scores), truth)
    cut = ordered[TOP - 1]
    above = [h for h, s in scores.items() if s > cut]
    tied = [h for h, s in scores.items() if s == cut]
    slots = TOP - len(above)
    hits = len(set(above) & set(truth)) + slots * len(set(tied) & set(truth)) / len(tied)
    return hits / TOP


@dataclass
class Row:
    label: str
    note: str = ""
    by_id: dict[str, float] = field(default_factory=dict)  # judge → precision, ties by id
    shared: dict[str, float] = field(default_factory=dict)  # judge → precision, ties shared
    count: dict[str, int] = field(default_factory=dict)


def import_gold(call, held_out: bool = True) -> None:
    """Import the gold set (and the held-out set C: other organisations, judged by C only;
    the engine scores each applicant on its own, so adding them changes no value of A or B)."""
    from django.core.management import call_command

    files = [GOLD / "applications.json"]
    if held_out and (HELD_OUT / "applications.json").exists():
        files.append(HELD_OUT / "applications.json")
    for path in files:
        call_command("import_applications", str(path), "--call", call.slug, stdout=io.StringIO())


def engine_scores(call, weights) -> dict[str, dict[str, float]]:
    """Organisation → folded Mission City name → score, in the order of the hosts' ids (the
    call's context bonuses and preference step; minimum score 0)."""
    from matching import engine, selectors
    from matching.engine.types import Context, Params
    from matching.services import settings_for

    settings = settings_for(call)
    applicants = selectors.engine_applicants(call=call)
    hosts = selectors.engine_hosts(call=call)
    params = Params(
        weights=weights,
        min_score=0.0,
        max_preferences=call.max_preferences,
        context=Context(**settings.context()),
        preference_step=settings.preference_step,
    )
    result = engine.run(applicants, hosts, params, **selectors.engine_topics())
    app_name = {a.id: a.name for a in applicants}
    host_name = {h.id: _fold(h.name) for h in hosts}
    scores: dict[str, dict[str, float]] = {a.name: {} for a in applicants}
    app_ids, host_ids, values = result.candidates.arrays()
    for app_id, host_id, value in sorted(zip(app_ids, host_ids, values, strict=True)):
        scores[app_name[int(app_id)]][host_name[int(host_id)]] = float(value)
    return scores


def topics_seen(call) -> tuple[int, int]:
    """(topics of needs and shares the engine sees, topics of needs and shares in the file)."""
    from matching import selectors

    rows = json.loads((GOLD / "applications.json").read_text(encoding="utf-8"))
    if (HELD_OUT / "applications.json").exists():
        rows += json.loads((HELD_OUT / "applications.json").read_text(encoding="utf-8"))
    given = sum(
        len(set(item["topics"])) for row in rows for item in (*row["needs"], *row["shares"])
    )
    seen = sum(
        len(item.topics)
        for a in selectors.engine_applicants(call=call)
        for item in (*a.needs, *a.shares)
    )
    return seen, given


def top_by_id(scores: dict[str, float]) -> list[str]:
    """The 3 best scored, ties by host id (the dict is in host id order; sort is stable)."""
    return sorted(scores, key=lambda h: -scores[h])[:TOP]


def _score_row(label, note, scores, judges, only=None) -> Row:
    row = Row(label, note)
    for letter, truth in judges.items():
        orgs = [o for o in truth if o in scores and (only is None or o in only)]
        row.by_id[letter] = sum(precision(top_by_id(scores[o]), truth[o]) for o in orgs) / len(orgs)
        row.shared[letter] = sum(shared_precision(scores[o], truth[o]) for o in orgs) / len(orgs)
        row.count[letter] = len(orgs)
    return row


def evaluate(call) -> list[Row]:
    """Every row of the table, on the gold set already imported into `call`."""
    from applications.models import Preference
    from matching.engine.types import COMPONENTS, Weights
    from matching.services import settings_for

    judges = load_judges()
    settings = settings_for(call)
    configured = settings.weights()
    full = engine_scores(call, Weights(**configured))
    ranking = set(
        Preference.objects.filter(application__call=call).values_list(
            "application__official_name", flat=True
        )
    )
    rows = [
        _score_row(
            "engine, the call's weights",
            ", ".join(f"{k} {v:g}" for k, v in configured.items())
            + f"; preference step {settings.preference_step:g}",
            full,
            judges,
        ),
        _score_row("— of which applications that rank cities", "", full, judges, only=ranking),
        _score_row(
            "— of which applications that rank none",
            "",
            full,
            judges,
            only=set(full) - ranking,
        ),
        _score_row(
            "engine without preferences",
            "preference weight 0, the others as above",
            engine_scores(call, Weights(**{**configured, "preference": 0.0})),
            judges,
        ),
    ]
    for component in COMPONENTS:
        alone = {name: 1.0 if name == component else 0.0 for name in COMPONENTS}
        rows.append(
            _score_row(
                f"{component} alone",
                "weight 1, others 0",
                engine_scores(call, Weights(**alone)),
                judges,
            )
        )
    own: dict[str, list[str]] = {}
    for name, city in (
        Preference.objects.filter(application__call=call)
        .order_by("application_id", "rank")
        .values_list("application__official_name", "mission_city__display_name")
    ):
        own.setdefault(name, []).append(_fold(city))
    row = Row("the applicants' own choices", "only the applications that rank cities")
    for letter, truth in judges.items():
        orgs = [o for o in truth if o in own]
        row.by_id[letter] = row.shared[letter] = sum(
            precision(own[o], truth[o]) for o in orgs
        ) / len(orgs)
        row.count[letter] = len(orgs)
    rows.append(row)
    if "A" in judges and "B" in judges:
        a, b = judges["A"], judges["B"]
        orgs = [o for o in a if o in b]
        agreement = sum(precision(b[o], a[o]) for o in orgs) / len(orgs)
        rows.append(
            Row(
                "judge B against judge A",
                "the ceiling that means something",
                {"A": agreement},
                {"A": agreement},
                {"A": len(orgs)},
            )
        )
    return rows


def markdown(rows: list[Row], judges: list[str]) -> str:
    head = (
        "| what | "
        + " | ".join(f"vs {j}, ties by id | vs {j}, ties shared" for j in judges)
        + " | applications | note |"
    )
    lines = [head, "| --- | " + " | ".join("---: | ---:" for _ in judges) + " | ---: | --- |"]
    for row in rows:
        cells = []
        for j in judges:
            if j in row.by_id:
                cells += [f"{row.by_id[j]:.3f}", f"{row.shared[j]:.3f}"]
            else:
                cells += ["—", "—"]
        count = " / ".join(str(row.count[j]) for j in judges if j in row.count) or "0"
        lines.append(f"| {row.label} | " + " | ".join(cells) + f" | {count} | {row.note} |")
    return "\n".join(lines)


def section(table: str, judges: list[str], topics: tuple[int, int]) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    second = (
        "Judge B's file is there: its rows compare with it, and the last row is the agreement of "
        "the two judges."
        if "B" in judges
        else "Judge B (`expert_b.json`, a second judge reading only the call page) has not "
        "judged yet: its columns and the agreement row appear when the file is there."
    )
    return f"""{START}
## Gold set: precision@3 of the engine against the experts (issue 9)

- Command: `{COMMAND}` (`make gold`)
- Date: {now}
- Set: `benchmarks/gold/applications.json` (34 hand-written applications to the 2025 call,
  imported with `import_applications`), judged by A in `benchmarks/gold/expert_a.json` before
  any engine run (see `benchmarks/gold/README.md`). {second}
- Held out: set C, `benchmarks/gold/heldout_c/` (15 other applications, judged by C in
  `expert_c.json`, committed before any engine run on them; see its README). Its columns are the
  check of generalisation: the engine is tuned on judge A only, never on B or C.
  "applications" counts them per judge (A / B / C).
- precision@3 = |engine's top 3 ∩ judge's top 3| / 3, mean over the applications. The engine's
  top 3 are the 3 best scored of the 16 Mission Cities (`matching.engine.run`, minimum score 0).
  "Ties by id" breaks ties at the third place by Mission City id (the call page's order); "ties
  shared" is the expected value when tied cities are drawn at random.
- The engine saw {topics[0]} of the {topics[1]} topics that the files give the needs and shares.
- A floor is held by `tests/matching_django/test_gold.py`.

{table}
{END}
"""


def write_results(text: str, path: Path = RESULTS) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        updated = before + text + ("\n" + after if after else "")
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS.name}")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twinning.settings.test")
    os.environ.pop("DATABASE_URL", None)  # a fresh SQLite test database, never a real one
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_call_data", stdout=io.StringIO())
        from cities.models import Call

        call = Call.objects.get(slug="2025")
        import_gold(call)
        rows = evaluate(call)
        topics = topics_seen(call)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    judges = list(load_judges())
    table = markdown(rows, judges)
    print(table)
    if args.write:
        write_results(section(table, judges, topics))
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
