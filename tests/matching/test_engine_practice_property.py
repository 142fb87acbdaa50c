"""Property: an applicant whose need names a practice offered by exactly one Mission City gets
that city in its top 3, without topics and without preferences."""

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine import Applicant, Host, Need, Offer, Weights
from matching.engine.scoring import Scorer

# Practices of the vocabulary as people write them; no two share a word.
PRACTICES = [
    "district heating",
    "citizen assembly",
    "green procurement",
    "heat pumps",
    "rainwater harvesting",
    "crowdfunding",
    "cycle paths",
    "biobased construction",
    "carbon capture",
    "one-stop shop",
    "low emission zone",
    "food forests",
    "living lab",
    "schoolyards",
    "energy communities",
]
FILLER = ["we", "would", "like", "to", "learn", "about", "how", "our", "city", "can", "start"]


@st.composite
def cases(draw):
    n_hosts = draw(st.integers(4, 16))
    target = draw(st.sampled_from(PRACTICES))
    others = [p for p in PRACTICES if p != target]
    owner = draw(st.integers(0, n_hosts - 1))
    hosts = []
    for j in range(n_hosts):
        phrases = draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
        if j == owner:
            phrases[draw(st.integers(0, len(phrases) - 1))] = target
        actions = tuple(
            Offer(
                title=phrase.capitalize(),
                topics=frozenset(),
                text=" ".join([*draw(st.lists(st.sampled_from(FILLER), max_size=4)), phrase]),
                id=100 * j + k,
            )
            for k, phrase in enumerate(phrases)
        )
        hosts.append(Host(id=j + 1, name=f"City {j + 1}", capacity=2, actions=actions))
    words = draw(st.lists(st.sampled_from(FILLER), max_size=6))
    at = draw(st.integers(0, len(words)))
    text = " ".join([*words[:at], target, *words[at:]])
    noise = [
        Applicant(
            id=i,
            name=f"Other {i}",
            needs=(Need(frozenset(), draw(st.sampled_from(PRACTICES))),),
            preferences=(draw(st.integers(1, n_hosts)),),
        )
        for i in range(2, draw(st.integers(2, 6)))
    ]
    applicant = Applicant(id=1, name="Applicant", needs=(Need(frozenset(), text),))
    return [applicant, *noise], hosts, owner + 1


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_need_naming_a_practice_offered_once_puts_that_city_in_the_top_3(case):
    applicants, hosts, owner = case
    scorer = Scorer(applicants, hosts, Weights(), {})
    row = scorer.score_q[scorer.app_index[1]]
    order = sorted(range(len(scorer.hosts)), key=lambda j: (-int(row[j]), scorer.hosts[j].id))

    assert owner in [scorer.hosts[j].id for j in order[:3]]
