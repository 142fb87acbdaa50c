"""Deterministic synthetic instances for tests and benchmarks (pure Python and numpy).

``generate_instance(n_applicants, n_hosts, seed, topics)`` draws, from ``numpy``'s PCG64 seeded
with ``seed`` (same arguments → same instance, on any machine):

- hosts: capacity 1–3 (uniform), 2–4 offered actions and 1–3 challenges, each with one field
  of action and 0–2 levers/themes; ~40 % of hosts shortlist up to 3 of the applicants who
  ranked them; texts made of words tied to their topics plus common words;
- applicants: 3 ranked hosts (distinct; popular hosts are drawn more often, so some are
  oversubscribed), 1–3 learning needs (60 % copy the topics of an action of one of their
  ranked hosts, the others are random) and 1–2 things to share, with texts; ~8 % are not
  eligible and ~3 % have withdrawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .types import Applicant, Host, Need, Offer, Share

_COMMON_TEXT = """
climate neutrality plan transition local authority citizens stakeholders pilot project
programme strategy investment funding partnership municipal network experience knowledge
exchange capacity roadmap targets emissions reduction monitoring implementation support
collaboration innovation community neighbourhood district region scaling replication
"""
_TOPIC_TEXT = """
solar photovoltaic heating cooling district grid storage renewable heat pumps retrofit
renovation insulation buildings housing efficiency cycling walking buses tram rail
logistics parking charging electric vehicles sharing waste recycling reuse circular
materials compost biomass trees parks green blue rainwater flooding drought biodiversity
soil food farming forestry industry hydrogen port harbour data dashboard sensors digital
twin procurement tender budget bonds loans subsidies participation assembly awareness
campaign schools youth behaviour poverty inclusion jobs skills training governance policy
regulation advocacy national consumption footprint lifestyle
"""
_COMMON_WORDS = tuple(_COMMON_TEXT.split())
_TOPIC_WORDS = tuple(_TOPIC_TEXT.split())


@dataclass(frozen=True)
class Instance:
    """A generated instance: what :func:`matching.engine.run` takes, and the topic names."""

    applicants: tuple[Applicant, ...]
    hosts: tuple[Host, ...]
    topic_axis: dict[str, str]
    topic_names: dict[str, str]


def generate_instance(
    n_applicants: int,
    n_hosts: int,
    seed: int,
    topics: Sequence[tuple[str, str]],
    *,
    host_names: Sequence[str] | None = None,
    preferences: int = 3,
) -> Instance:
    """A synthetic instance; see the module docstring. ``topics`` are ``(slug, axis)`` pairs.

    ``host_names`` (optional, at least ``n_hosts`` of them) name the hosts, e.g. the Mission
    Cities of the registry; otherwise they are "City 001", ….
    """
    fields = [slug for slug, axis in topics if axis == "field"]
    hows = [slug for slug, axis in topics if axis != "field"]
    if not fields or not hows:
        raise ValueError("topics need at least one field and one lever or theme")
    rng = np.random.Generator(np.random.PCG64(seed))
    all_topics = [slug for slug, _ in topics]
    topic_words = {
        slug: [_TOPIC_WORDS[k] for k in rng.choice(len(_TOPIC_WORDS), size=6, replace=False)]
        for slug in all_topics
    }

    def topic_set() -> frozenset[str]:
        chosen = {fields[rng.integers(len(fields))]}
        for k in rng.choice(len(hows), size=int(rng.integers(0, 3)), replace=False):
            chosen.add(hows[k])
        return frozenset(chosen)

    def words_for(chosen: frozenset[str], count: int) -> str:
        pool = [w for slug in sorted(chosen) for w in topic_words[slug]]
        picked = [pool[k] for k in rng.integers(len(pool), size=count)]
        picked += [_COMMON_WORDS[k] for k in rng.integers(len(_COMMON_WORDS), size=count // 2)]
        return " ".join(picked)

    names = list(host_names[:n_hosts]) if host_names else []
    names += [f"City {k + 1:03d}" for k in range(len(names), n_hosts)]
    host_actions, host_challenges, host_texts = [], [], []
    for j in range(n_hosts):
        actions = []
        for k in range(int(rng.integers(2, 5))):
            chosen = topic_set()
            actions.append(Offer(f"{names[j]} action {k + 1}", chosen, words_for(chosen, 8)))
        challenges = []
        for k in range(int(rng.integers(1, 4))):
            chosen = topic_set()
            challenges.append(Offer(f"{names[j]} challenge {k + 1}", chosen, words_for(chosen, 6)))
        host_actions.append(tuple(actions))
        host_challenges.append(tuple(challenges))
        host_texts.append(" ".join(o.text for o in actions[:1]))
    capacities = rng.integers(1, 4, size=n_hosts)

    # Ranked hosts: Gumbel top-k over skewed popularity = sampling without replacement.
    k_pref = min(preferences, n_hosts)
    popularity = np.log(1.0 / (1.0 + rng.permutation(n_hosts)) ** 0.7)
    keys = popularity[None, :] + rng.gumbel(size=(n_applicants, n_hosts))
    top = np.argsort(-keys, axis=1, kind="stable")[:, :k_pref]
    eligible = rng.random(n_applicants) >= 0.08
    withdrawn = rng.random(n_applicants) < 0.03

    applicants = []
    for i in range(n_applicants):
        ranked = top[i].tolist()
        needs = []
        for _ in range(int(rng.integers(1, 4))):
            if rng.random() < 0.6:
                host_actions_i = host_actions[ranked[int(rng.integers(len(ranked)))]]
                chosen = host_actions_i[int(rng.integers(len(host_actions_i)))].topics
            else:
                chosen = topic_set()
            needs.append(Need(chosen, words_for(chosen, 4)))
        shares = []
        for _ in range(int(rng.integers(1, 3))):
            chosen = topic_set()
            shares.append(Share(chosen, words_for(chosen, 4)))
        applicants.append(
            Applicant(
                id=i + 1,
                name=f"Applicant {i + 1:05d}",
                eligible=bool(eligible[i]),
                withdrawn=bool(withdrawn[i]),
                needs=tuple(needs),
                shares=tuple(shares),
                preferences=tuple(j + 1 for j in ranked),
                texts=words_for(needs[0].topics, 10),
            )
        )

    rankers: list[list[int]] = [[] for _ in range(n_hosts)]
    for i in range(n_applicants):
        for j in top[i].tolist():
            rankers[j].append(i + 1)
    hosts = []
    for j in range(n_hosts):
        shortlist: tuple[int, ...] = ()
        if rankers[j] and rng.random() < 0.4:
            size = min(len(rankers[j]), int(rng.integers(1, 4)))
            picks = rng.choice(len(rankers[j]), size=size, replace=False)
            shortlist = tuple(rankers[j][k] for k in picks)
        hosts.append(
            Host(
                id=j + 1,
                name=names[j],
                capacity=int(capacities[j]),
                actions=host_actions[j],
                challenges=host_challenges[j],
                shortlist=shortlist,
                texts=host_texts[j],
            )
        )
    return Instance(
        applicants=tuple(applicants),
        hosts=tuple(hosts),
        topic_axis=dict(topics),
        topic_names={slug: slug.replace("-", " ").capitalize() for slug in all_topics},
    )
