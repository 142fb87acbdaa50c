"""The tokenizer and TF-IDF of the matching engine, with values worked out by hand."""

import math

import pytest

from matching.engine.text import fold, tfidf, tokenize


def test_fold_lowercases_and_strips_accents_of_latin_letters():
    assert fold("Łódź Straße Café Øresund") == "lodz strasse cafe oresund"


def test_fold_keeps_other_scripts():
    assert fold("София Αθήνα") == "софия αθηνα"


def test_tokenize_drops_stop_words_short_tokens_digits_and_folds_plurals():
    text = "The Renewable Energy Communities (RECs) of Torino's 12 districts, buses and bus."

    assert tokenize(text) == [
        "renewable",
        "energy",
        "community",
        "recs",
        "torino",
        "district",
        "buse",
        "bus",
    ]


def test_tokenize_folds_accents_inside_words():
    assert tokenize("Rénovation énergétique") == ["renovation", "energetique"]


def test_tfidf_cosine_of_two_documents_sharing_one_term():
    # Two documents: "solar" is in both (idf 1), "heat" and "tram" in one each (idf 1 + ln 1.5).
    result = tfidf(["solar heat"], ["solar tram"])
    x = 1 + math.log(1.5)

    assert result.cosine()[0, 0] == pytest.approx(1 / (1 + x * x), abs=1e-15)
    assert result.shared_terms(0, 0) == ["solar"]


def test_tfidf_term_frequency_is_sublinear():
    # Left: solar ×2, heat ×1; right: solar ×1; three documents in all (the third has neither).
    result = tfidf(["solar solar heat"], ["solar", "tram"])
    idf_solar = math.log(4 / 3) + 1
    idf_heat = math.log(4 / 2) + 1
    left = ((1 + math.log(2)) * idf_solar, idf_heat)

    expected = left[0] / math.hypot(*left)
    assert result.cosine()[0].tolist() == pytest.approx([expected, 0.0], abs=1e-15)


def test_tfidf_of_empty_documents_is_zero():
    result = tfidf(["", "the and of"], ["solar"])

    assert result.cosine().tolist() == [[0.0], [0.0]]
    assert result.shared_terms(0, 0) == []
