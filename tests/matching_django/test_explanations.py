"""The three voices of a pairing's explanation, from the engine's evidence."""

from matching import explanations
from matching.engine import Applicant, Host, Need, Offer, Params, Weights, run

DETAILS = {
    "rank": 2,
    "pinned": False,
    "named": ["District heating"],
    "covered": [{"need": "heat networks", "action": "District heating", "topics": [], "terms": []}],
    "uncovered": ["citizen assemblies"],
    "shares": True,
    "context": ["shared language"],
    "bypassed": [
        {"city": "Torino", "rank": 1, "why": "full", "last_score": 0.81, "score": 0.64},
    ],
}


def test_applicant_voice_lists_needs_covered_and_not_and_the_bypassed_choice():
    assert explanations.for_applicant(DETAILS, "Umeå") == [
        "You ranked Umeå 2nd.",
        "You said you want to learn about “District heating”.",
        "Your need “heat networks” is covered by its action “District heating”.",
        "Your need “citizen assemblies” is not directly covered by its offered actions.",
        "What you can share answers some of Umeå's challenges or expected benefits.",
        "Also: a shared language.",
        "Torino (your 1st choice) was full: its last place went to an applicant with a score "
        "of 0.81, yours was 0.64.",
    ]


def test_city_voice_speaks_of_your_actions():
    assert explanations.for_city(DETAILS, "Växjö") == [
        "The applicant ranked you 2nd.",
        "It wants to learn about your action “District heating”.",
        "Your action “District heating” answers its need “heat networks”.",
        "One of its needs is not among your offered actions: “citizen assemblies”.",
        "What it can share meets your challenges or expected benefits.",
        "Also: a shared language.",
    ]


def test_staff_voice_is_a_readable_summary():
    assert explanations.for_staff(DETAILS, "Växjö", "Umeå") == [
        "Växjö ranked Umeå 2nd.",
        "Needs covered: 1 of 2.",
        "“heat networks” → “District heating”.",
        "Not covered: “citizen assemblies”.",
        "Named the action “District heating”.",
        "Not Torino (ranked 1st): full, its last place went at 0.81; this pair scored 0.64.",
    ]


def test_engine_details_say_why_a_higher_ranked_city_was_not_chosen():
    heat = Offer("District heating", frozenset(), "waste heat from industry", id=1)
    torino = Host(1, "Torino", 1, actions=(Offer("Energy communities", frozenset(), "", id=2),))
    umea = Host(2, "Umeå", 1, actions=(heat,))
    sofia = Host(3, "Sofia", 0)
    first = Applicant(
        1, "Aarhus", needs=(Need(frozenset(), "energy communities"),), preferences=(1,)
    )
    second = Applicant(
        2,
        "Brno",
        needs=(
            Need(frozenset(), "district heating with waste heat from industry"),
            Need(frozenset(), "citizen assemblies"),
        ),
        preferences=(3, 1, 2),
    )
    weights = Weights(
        action_interest=0,
        need_offer=0,
        text=0.5,
        share_challenge=0,
        preference=0.5,
        host_interest=0,
        context=0,
    )

    result = run([first, second], [torino, umea, sofia], Params(weights=weights, min_score=0.1), {})
    details = {p.applicant_id: p.details for p in result.proposals}
    aarhus_at_torino = {p.applicant_id: p.score for p in result.proposals}[1]

    assert details[2]["rank"] == 3
    assert details[2]["bypassed"] == [
        {"city": "Sofia", "rank": 1, "why": "no_places"},
        {"city": "Torino", "rank": 2, "why": "full", "last_score": aarhus_at_torino, "score": 0.35},
    ]
    assert [c["action"] for c in details[2]["covered"]] == ["District heating"]
    assert details[2]["uncovered"] == ["citizen assemblies"]
