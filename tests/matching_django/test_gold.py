"""The engine against the gold set (issue 9): precision@3 must not fall below today's level.

Floors: the level measured with `benchmarks/gold_eval.py` when they were set, less about 0.03
(one city of one application in 34 is 0.0098; in the 15 of the held-out set C, 0.022). Raise
them when the engine gets better; never tune the engine on B or C to meet them.
"""

import pytest

from benchmarks.gold_eval import (
    END,
    START,
    evaluate,
    import_gold,
    precision,
    shared_precision,
    write_results,
)

FLOOR_WITH_PREFERENCES = 0.73  # measured 0.755 (practices read from the wording; 0.735 before)
FLOOR_WITHOUT_PREFERENCES = 0.64  # measured 0.667 (practices read from the wording; 0.647 before)
# Held-out set C (benchmarks/gold/heldout_c): measured 0.756 with and without preferences
# (0.733 before practices were read from the wording).
FLOOR_HELD_OUT = 0.73


@pytest.mark.slow
@pytest.mark.django_db
def test_gold_set_precision_at_3_holds_its_floor(call_data):
    import_gold(call_data)

    rows = {row.label: row for row in evaluate(call_data)}

    assert rows["engine, the call's weights"].count["A"] == 34
    assert rows["engine, the call's weights"].shared["A"] >= FLOOR_WITH_PREFERENCES
    assert rows["engine without preferences"].shared["A"] >= FLOOR_WITHOUT_PREFERENCES
    assert rows["engine, the call's weights"].count["C"] == 15
    assert rows["engine, the call's weights"].shared["C"] >= FLOOR_HELD_OUT
    assert rows["engine without preferences"].shared["C"] >= FLOOR_HELD_OUT


def test_precision_counts_the_top_3_and_shares_ties_at_the_third_place():
    scores = {"a": 0.9, "b": 0.5, "c": 0.1, "d": 0.1, "e": 0.0}

    assert precision(["a", "b", "c"], ["a", "c", "x"]) == pytest.approx(2 / 3)
    assert shared_precision(scores, ["a", "c", "x"]) == pytest.approx((1 + 1 / 2) / 3)
    assert shared_precision({"a": 0, "b": 0, "c": 0, "d": 0}, ["a"]) == pytest.approx(0.25)


def test_write_results_replaces_its_own_section_and_keeps_the_others(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark\n\nfigures\n", encoding="utf-8")

    write_results(f"{START}\nfirst\n{END}\n", path)
    write_results(f"{START}\nsecond\n{END}\n", path)

    assert path.read_text(encoding="utf-8") == (
        f"# Benchmark\n\nfigures\n\n{START}\nsecond\n{END}\n"
    )
