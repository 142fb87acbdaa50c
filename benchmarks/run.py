"""Benchmark of the matching engine against reference solvers; writes benchmarks/RESULTS.md.

    .venv/bin/python -m benchmarks.run [--sizes 1000,10000] [--repeats 5] [--output PATH]

For each size: a generated instance (``matching.engine.generate``) of N applicants × the 112
Mission Cities of the registry (capacities 1–3, 3 ranked preferences each, topics from
``cities/data/topics.json``). On that instance, side by side:

- our engine: scoring, the optimal assignment, the stable assignment, and the whole ``run``
  (scoring + assignment + explanations), each the median of ``--repeats`` runs;
- on exactly the same allowed-pair graph and fixed-point scores: OR-tools ``SimpleMinCostFlow``,
  ``scipy.optimize.linear_sum_assignment`` on capacity-expanded slots (dense),
  ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` on slots (sparse), and
  ``scipy.optimize.milp`` (HiGHS);
- for the stable mode, the ``matching`` library's hospital–resident solver.

Each solver's objective is recomputed the same way (exact sum of fixed-point scores) and
compared with ours (agreement within 1e-9). Reference solvers slower than ``--budget`` seconds
per size are run fewer times (the table says how many).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import numpy as np

from benchmarks import references
from matching.engine import Params, run
from matching.engine.assign import (
    build_problem,
    host_key,
    preference_lists,
    solve_optimal,
    solve_stable,
)
from matching.engine.generate import generate_instance
from matching.engine.scoring import Scorer

ROOT = Path(__file__).resolve().parent.parent

N_HOSTS = 112
SEED = 2025


def load_topics() -> list[tuple[str, str]]:
    """(slug, axis) of the vocabulary; a practice counts on its broader topic's axis."""
    data = json.loads((ROOT / "cities/data/topics.json").read_text(encoding="utf-8"))
    axis = {t["slug"]: t["axis"] for t in data}
    return [(t["slug"], axis[t["parent"]] if t.get("parent") else t["axis"]) for t in data]


def load_vocabulary() -> dict[str, dict[str, str]]:
    """The practices' broader topics and glossary, as a real run passes them
    (``matching.selectors.topic_parents`` / ``topic_glossary``): the engine then reads the
    practices a need names and adds each practice's definition to the actions' wording."""
    data = json.loads((ROOT / "cities/data/topics.json").read_text(encoding="utf-8"))
    practices = [t for t in data if t.get("parent")]
    return {
        "topic_parent": {t["slug"]: t["parent"] for t in practices},
        "topic_glossary": {t["slug"]: f"{t['name']}. {t['description']}" for t in practices},
    }


def load_city_names() -> list[str]:
    with (ROOT / "cities/data/mission_cities.csv").open(encoding="utf-8") as f:
        return [row["name"] for row in csv.DictReader(f)]


def measure(fn, repeats: int, budget: float):
    """(median seconds, number of runs, last result); fewer runs when one is slow."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
        if sum(times) * repeats / len(times) > budget:
            break
    return statistics.median(times), len(times), result


def bench_size(n: int, args, topics, names) -> dict:
    instance = generate_instance(n, N_HOSTS, SEED, topics, host_names=names)
    params = Params()
    stable_params = Params(mode="stable")
    apps, hosts, axis = instance.applicants, instance.hosts, instance.topic_axis
    rows_out: list[dict] = []

    def scorer():
        return Scorer(
            apps, hosts, params.weights, axis, topic_names=instance.topic_names, **load_vocabulary()
        )

    t_score, k_score, sc = measure(scorer, args.repeats, args.budget)
    problem = build_problem(sc, params)
    rows, cols = np.nonzero(problem.allowed)
    score_q = sc.score_q[rows, cols]
    score_of = dict(
        zip(zip(rows.tolist(), cols.tolist(), strict=True), score_q.tolist(), strict=True)
    )
    capacity = problem.capacity

    def ours_optimal():
        assigned = solve_optimal(build_problem(sc, params))
        return {i: int(j) for i, j in enumerate(assigned) if j >= 0}

    t_opt, k_opt, ours = measure(ours_optimal, args.repeats, args.budget)
    ours_obj = references.objective(ours, score_of)
    t_run, k_run, result = measure(
        lambda: run(
            apps, hosts, params, axis, topic_names=instance.topic_names, **load_vocabulary()
        ),
        args.repeats,
        args.budget,
    )
    assert abs(result.objective - ours_obj) <= 1e-9

    def row(solver, mode, seconds, runs, pairs, note=""):
        obj = references.objective(pairs, score_of) if pairs is not None else None
        rows_out.append(
            {
                "solver": solver,
                "mode": mode,
                "seconds": seconds,
                "runs": runs,
                "objective": obj,
                "matched": len(pairs) if pairs is not None else None,
                "agrees": None if obj is None else abs(obj - ours_obj) <= 1e-9,
                "note": note,
            }
        )

    row("ours: scoring (all N × 112 pairs)", "—", t_score, k_score, None)
    row(
        "ours: optimal assignment (allowed pairs + solve)",
        "optimal",
        t_opt,
        k_opt,
        ours,
        "exact int64, lexicographic: minimum capacities, score, tie-break",
    )
    row("ours: whole run (score + assign + explain)", "optimal", t_run, k_run, ours)

    references_to_run = [
        ("OR-tools SimpleMinCostFlow", references.ortools_min_cost_flow, "int64 costs"),
        ("scipy linear_sum_assignment (dense slots)", references.scipy_lsa_dense, ""),
        (
            "scipy min_weight_full_bipartite_matching (sparse slots)",
            references.scipy_sparse_matching,
            "",
        ),
        ("scipy milp (HiGHS)", references.scipy_milp, ""),
    ]
    slots = int(capacity.sum())
    dense_cells = len(np.unique(rows)) * slots
    for name, solver, default_note in references_to_run:
        note = default_note
        if name.startswith("scipy linear_sum") and dense_cells * 8 > args.dense_limit_mb * 2**20:
            row(name, "optimal", None, 0, None, f"skipped: {dense_cells * 8 / 2**20:.0f} MB dense")
            continue
        if name.startswith("scipy milp") and "milp" in args.skip:
            row(name, "optimal", None, 0, None, "skipped (--skip milp)")
            continue
        call = solver
        if solver is references.scipy_milp:
            call = functools.partial(solver, time_limit=args.milp_time_limit)
        started = time.perf_counter()
        try:
            seconds, runs, pairs = measure(
                lambda call=call: call(rows, cols, score_q, capacity), args.repeats, args.budget
            )
        except ImportError as error:
            row(name, "optimal", None, 0, None, f"not installed ({error.name})")
            continue
        except RuntimeError as error:  # e.g. milp's time limit
            elapsed = time.perf_counter() - started
            limit = f" (time limit {args.milp_time_limit:g} s)" if call is not solver else ""
            row(name, "optimal", elapsed, 1, None, f"stopped without a solution{limit}: {error}")
            continue
        if name.startswith("scipy linear_sum"):
            note = (
                f"{len(np.unique(rows))} × {slots} float matrix, {dense_cells * 8 / 2**20:.0f} MB; "
                "no tie-break rule, no minimum capacities"
            )
        row(name, "optimal", seconds, runs, pairs, note)

    # Stable mode: ours (lists + deferred acceptance) vs the `matching` library.
    stable_problem = build_problem(sc, stable_params)

    def ours_stable():
        assigned = solve_stable(stable_problem, preference_lists(stable_problem))
        return {i: int(j) for i, j in enumerate(assigned) if j >= 0}

    t_st, k_st, ours_st = measure(ours_stable, args.repeats, args.budget)
    stable_obj = references.objective(ours_st, score_of)
    lists = preference_lists(stable_problem)
    resident = {i: cs for i, cs in enumerate(lists) if cs}
    hospital: dict[int, list[int]] = {j: [] for j in range(len(hosts))}
    for i, cs in resident.items():
        for j in cs:
            hospital[j].append(i)
    for j, members in hospital.items():
        members.sort(key=lambda i, j=j: host_key(sc, i, j))
    caps = {j: int(c) for j, c in enumerate(capacity)}
    lib_pairs, lib_seconds = references.library_stable(
        resident, hospital, caps, python=args.reference_python, repeats=args.repeats
    )
    t_lib, k_lib = statistics.median(lib_seconds), len(lib_seconds)
    t_run_st, k_run_st, result_st = measure(
        lambda: run(
            apps, hosts, stable_params, axis, topic_names=instance.topic_names, **load_vocabulary()
        ),
        args.repeats,
        args.budget,
    )
    for name, seconds, runs, pairs, note in (
        ("ours: deferred acceptance (lists + solve)", t_st, k_st, ours_st, ""),
        ("ours: whole run (score + assign + explain)", t_run_st, k_run_st, ours_st, ""),
        (
            "matching library HospitalResident",
            t_lib,
            k_lib,
            lib_pairs,
            "same matching" if lib_pairs == ours_st else "DIFFERENT matching",
        ),
    ):
        obj = references.objective(pairs, score_of)
        rows_out.append(
            {
                "solver": name,
                "mode": "stable",
                "seconds": seconds,
                "runs": runs,
                "objective": obj,
                "matched": len(pairs),
                "agrees": abs(obj - stable_obj) <= 1e-9,
                "note": note,
            }
        )
    return {
        "n": n,
        "hosts": len(hosts),
        "places": slots,
        "considered": int(problem.active.sum()),
        "allowed_pairs": len(rows),
        "allowed_per_applicant": len(rows) / max(int(problem.active.sum()), 1),
        "optimal_blocking_pairs": result.blocking_pairs,
        "stable_blocking_pairs": result_st.blocking_pairs,
        "timings_run": dict(result.timings),
        "rows": rows_out,
    }


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for package in ("numpy", "scipy", "ortools"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = "not installed"
    return out


def reference_version(python: str) -> str:
    """The version of the `matching` library in the reference venv."""
    code = "from importlib import metadata; print(metadata.version('matching'))"
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def fmt_seconds(value) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def markdown(
    results: list[dict], command: str, started: dt.datetime, loads: tuple, reference: str
) -> str:
    v = versions()
    lines = [
        "# Matching engine benchmark",
        "",
        f"- Command: `{command}`",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Machine: `nproc` = {os.cpu_count()}, {cpu_model()}; load average {loads[0]} at the "
        f"start and {loads[1]} at the end (the machine is shared: other jobs ran meanwhile)",
        f"- Python {v['python']}, numpy {v['numpy']}, scipy {v['scipy']}, "
        f"OR-tools {v['ortools']}, matching {reference} (in its own venv)",
        f"- Instances: `generate_instance(N, 112, seed={SEED}, topics=cities/data/topics.json, "
        "host_names=cities/data/mission_cities.csv)`: capacities 1–3, 3 ranked preferences "
        "each; default weights, minimum score 0.2, no pins or forbids.",
        "- Times are medians over the runs shown; every solver gets the same allowed-pair graph "
        "and the same fixed-point scores; an objective is the exact sum of the chosen pairs' "
        "scores, and “agrees” means within 1e-9 of ours (the engine's own optimum for optimal "
        "rows, our stable matching for stable rows).",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['n']:,} applicants × {r['hosts']} hosts",
            "",
            f"{r['places']} places; {r['considered']:,} eligible applicants; "
            f"{r['allowed_pairs']:,} allowed pairs (score ≥ 0.2), "
            f"{r['allowed_per_applicant']:.1f} per eligible applicant. "
            f"Blocking pairs: optimal {r['optimal_blocking_pairs']}, stable "
            f"{r['stable_blocking_pairs']}.",
            "",
            "| solver | mode | time (median) | runs | objective | matched | agrees | note |",
            "| --- | --- | ---: | ---: | ---: | ---: | :---: | --- |",
        ]
        for row in r["rows"]:
            obj = "—" if row["objective"] is None else f"{row['objective']:.6f}"
            agrees = {None: "—", True: "yes", False: "**no**"}[row["agrees"]]
            matched = "—" if row["matched"] is None else str(row["matched"])
            lines.append(
                f"| {row['solver']} | {row['mode']} | {fmt_seconds(row['seconds'])} | "
                f"{row['runs']} | {obj} | {matched} | {agrees} | {row['note']} |"
            )
        t = r["timings_run"]
        lines += [
            "",
            "Inside one whole optimal run: "
            + ", ".join(f"{k} {fmt_seconds(s)}" for k, s in t.items())
            + ".",
            "",
        ]
    lines += [
        "## What the rows measure",
        "",
        "- *ours: scoring*: `Scorer(...)`, the five components and the fixed-point score of "
        "every applicant × host pair (numpy; BM25 item evidence with scipy.sparse).",
        "- *ours: optimal assignment*: `build_problem` (pins, forbids, minimum score) and "
        "`solve_optimal`: successive shortest augmenting paths over the hosts, in exact int64 "
        "arithmetic (see `matching/engine/assign.py`).",
        "- *ours: whole run*: `matching.engine.run(...)`: scoring, assignment, blocking pairs, "
        "explanations of every pair and every unmatched applicant, statistics.",
        "- The reference solvers get the allowed pairs and fixed-point scores already computed "
        "(their time excludes scoring); each includes building its own input.",
        "- *ours: deferred acceptance* and the `matching` library get the same preference lists; "
        "the library's time includes building its players (it deep-copies them).",
        "",
    ]
    return "\n".join(lines)


END_TO_END = "## End-to-end (Celery task on PostgreSQL)"


def keep_end_to_end(text: str, output: Path) -> str:
    """Keep the end-to-end sections (measured by benchmarks/django_bench.py) of the file."""
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    if END_TO_END in previous:
        return text + previous[previous.index(END_TO_END) :]
    return text + END_TO_END + "\n\nNot measured yet: run `benchmarks/django_bench.py`.\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per solver and size")
    parser.add_argument("--dense-limit-mb", type=int, default=2048)
    parser.add_argument("--milp-time-limit", type=float, default=120.0)
    parser.add_argument("--skip", default="", help="comma-separated: milp")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "RESULTS.md"))
    parser.add_argument(
        "--reference-python",
        default=str(ROOT / ".venv-reference" / "bin" / "python"),
        help="the Python of the venv that holds the PyPI `matching` library (`make bench`)",
    )
    args = parser.parse_args(argv)
    args.skip = {s for s in args.skip.split(",") if s}
    command = ".venv/bin/python -m benchmarks.run " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    started = dt.datetime.now(dt.UTC)
    load_start = os.getloadavg()[0]
    topics, names = load_topics(), load_city_names()
    results = []
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"size {n} …", flush=True)
        results.append(bench_size(n, args, topics, names))
        for row in results[-1]["rows"]:
            seconds = fmt_seconds(row["seconds"])
            print(f"  {row['solver']:60} {seconds:>9} {row['objective']} {row['agrees']}")
    text = markdown(
        results,
        command.strip(),
        started,
        (f"{load_start:.2f}", f"{os.getloadavg()[0]:.2f}"),
        reference_version(args.reference_python).strip(),
    )
    output = Path(args.output)
    output.write_text(keep_end_to_end(text, output), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
