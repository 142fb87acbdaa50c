"""The PyPI ``matching`` library's resident-optimal stable matching, as a separate program.

    .venv-reference/bin/python benchmarks/stable_reference.py < problem.json > answer.json

The library has the same top-level name as our Django app ``matching``, so it never enters the
project's environment: `make bench` installs it (requirements/reference.txt) into a venv of its
own, and ``benchmarks.references.library_stable`` runs this file with that venv's Python. Here
``import matching`` is the library. This file imports nothing of the project.

Input: ``{"residents": {r: [h, ...]}, "hospitals": {h: [r, ...]}, "capacities": {h: k},
"repeats": n}`` (keys are strings in JSON). Output: ``{"pairs": {r: h}, "seconds": [...]}``,
the solve time of each repeat, measured here so that starting this process does not count.
"""

import json
import sys
import threading
import time

from matching.games import HospitalResident  # the PyPI library, not our app


def solve(residents, hospitals, capacities):
    game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
    matching = game.solve(optimal="resident")
    return {r.name: h.name for h, matched in matching.items() for r in matched}


def with_deep_recursion(fn):
    """Run ``fn`` in a thread with a large stack and recursion limit.

    The library deep-copies its players, which refer to each other: the copy recurses once
    per player reached, beyond Python's default limit from about a thousand players.
    """
    out = {}

    def target():
        try:
            out["value"] = fn()
        except BaseException as error:  # handed back to the caller's thread
            out["error"] = error

    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def main():
    problem = json.load(sys.stdin)
    residents = {int(r): p for r, p in problem["residents"].items()}
    hospitals = {int(h): p for h, p in problem["hospitals"].items()}
    capacities = {int(h): k for h, k in problem["capacities"].items()}
    seconds, pairs = [], {}
    for _ in range(max(1, problem.get("repeats", 1))):
        started = time.perf_counter()
        pairs = with_deep_recursion(lambda: solve(residents, hospitals, capacities))
        seconds.append(time.perf_counter() - started)
    json.dump({"pairs": pairs, "seconds": seconds}, sys.stdout)


if __name__ == "__main__":
    main()
