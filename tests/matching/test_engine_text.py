"""The text folding of the matching engine (BM25 item evidence: test_engine_scoring.py)."""

from matching.engine.text import fold


def test_fold_lowercases_and_strips_accents_of_latin_letters():
    assert fold("Łódź Straße Café Øresund") == "lodz strasse cafe oresund"


def test_fold_keeps_other_scripts():
    assert fold("София Αθήνα") == "софия αθηνα"
