"""Practices read from a need's wording (matching/engine/practices.py), with exact values."""

from matching.engine import Applicant, Host, Need, Offer, Weights
from matching.engine.practices import need_topics, practices_named
from matching.engine.scoring import PARENT_CREDIT, Scorer

PARENT = {
    "district-heating-waste-heat": "energy-systems",
    "heat-pumps": "energy-systems",
    "participatory-design": "democracy-participation",
    "biobased-construction": "built-environment",
}
AXIS = {
    "energy-systems": "field",
    "built-environment": "field",
    "democracy-participation": "lever",
    "governance-policy": "lever",
    **dict.fromkeys(PARENT, "field"),
}
AXIS["participatory-design"] = "lever"
NAMES = {
    "energy-systems": "Energy systems",
    "district-heating-waste-heat": "District heating & waste heat",
    "built-environment": "Built environment",
    "biobased-construction": "Biobased construction",
}


def test_a_named_practice_replaces_its_broad_topic():
    text = "We want to feed industrial waste heat into our district heating network."

    assert need_topics(frozenset({"energy-systems"}), text, PARENT) == {
        "district-heating-waste-heat"
    }
    # Other broad topics of the need stay.
    assert need_topics(frozenset({"energy-systems", "governance-policy"}), text, PARENT) == {
        "district-heating-waste-heat",
        "governance-policy",
    }


def test_a_practice_is_read_only_under_a_broad_topic_the_need_carries():
    text = "We want to feed waste heat into our district heating network."

    assert need_topics(frozenset({"governance-policy"}), text, PARENT) == {"governance-policy"}
    assert need_topics(frozenset({"energy-systems"}), "", PARENT) == {"energy-systems"}
    # A practice the vocabulary does not know (no parent given) is not read.
    assert need_topics(frozenset({"energy-systems"}), text, {}) == {"energy-systems"}


def test_wording_is_folded_and_several_practices_can_be_read():
    assert {"participatory-design"} <= practices_named("Une CO-CRÉATION des places")
    assert {"heat-pumps", "district-heating-waste-heat"} <= practices_named(
        "Heat pumps or district heating?"
    )
    assert need_topics(
        frozenset({"energy-systems"}), "Heat pumps or district heating?", PARENT
    ) == {"heat-pumps", "district-heating-waste-heat"}
    assert practices_named("We grow flax and hemp for timber-frame houses") >= {
        "biobased-construction"
    }


def test_need_offer_credits_the_action_that_carries_the_named_practice():
    heat = Offer("Heat network", frozenset({"district-heating-waste-heat"}))
    broad = Offer("Energy plan", frozenset({"energy-systems"}))
    hosts = [Host(10, "Vaasa", 1, actions=(heat,)), Host(20, "Lyon", 1, actions=(broad,))]
    need = Need(frozenset({"energy-systems"}), "Waste heat from industry for homes")
    scorer = Scorer(
        [Applicant(1, "A", needs=(need,))],
        hosts,
        Weights(),
        AXIS,
        topic_names=NAMES,
        topic_parent=PARENT,
    )

    assert scorer.need_topics == ((frozenset({"district-heating-waste-heat"}),),)
    assert scorer.need_offer[0].tolist() == [1.0, PARENT_CREDIT]
    [coverage] = scorer.coverage(0, 0)
    assert coverage.action == "Heat network"
    assert coverage.topics == ("District heating & waste heat",)
    # Without the wording both hosts offer the broad topic in full.
    plain = Scorer(
        [Applicant(1, "A", needs=(Need(frozenset({"energy-systems"})),))],
        hosts,
        Weights(),
        AXIS,
        topic_parent=PARENT,
    )
    assert plain.need_offer[0].tolist() == [1.0, 1.0]
