"""Independent reference implementations and hypothesis strategies for the engine's tests.

Everything here is written from the documented definitions, pair by pair in plain Python,
without the engine's vectorised code: the brute-force optimum, the stable-mode lists, the
blocking pairs, the score components.
"""

from __future__ import annotations

import math
from collections import Counter
from itertools import product

from hypothesis import strategies as st

from matching.engine import Applicant, Host, Need, Offer, Params, Share, Weights
from matching.engine.text import tokenize

TOPIC_AXIS = {
    "energy": "field",
    "mobility": "field",
    "buildings": "field",
    "governance": "lever",
    "finance": "lever",
    "data": "theme",
    # practices: counted on their parent's axis
    "heatnet": "field",
    "solarpv": "field",
    "assembly": "lever",
}
TOPIC_PARENT = {"heatnet": "energy", "solarpv": "energy", "assembly": "governance"}
PARENT_CREDIT = 0.35
TOPIC_NAMES = {
    "energy": "Energy systems",
    "mobility": "Mobility & transport",
    "buildings": "Built environment",
    "governance": "Governance & policy",
    "finance": "Finance & funding",
    "data": "Data & digital",
}
WORDS = ["solar", "heat", "tram", "retrofit", "bonds", "citizens", "sensors", "the", "and"]
SCALE = 10**6


# -- strategies ------------------------------------------------------------------------------

topic_sets = st.frozensets(st.sampled_from(sorted(TOPIC_AXIS)), max_size=3)
texts = st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)


@st.composite
def instances(draw, max_applicants: int = 6, max_hosts: int = 4, minimums=None):
    """Small random instances with frequent ties (few topics, few words)."""
    minimums = st.sampled_from([0, 0, 0, 1, 2]) if minimums is None else minimums
    host_ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=max_hosts, unique=True))
    app_ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=max_applicants, unique=True))
    known_or_not = st.one_of(st.sampled_from(host_ids), st.just(99))
    applicants = [
        Applicant(
            id=a,
            name=f"A{a}",
            eligible=draw(st.sampled_from([True, True, True, False])),
            withdrawn=draw(st.sampled_from([False, False, False, True])),
            needs=tuple(
                Need(t, x) for t, x in draw(st.lists(st.tuples(topic_sets, texts), max_size=2))
            ),
            shares=tuple(
                Share(t, x) for t, x in draw(st.lists(st.tuples(topic_sets, texts), max_size=2))
            ),
            preferences=tuple(draw(st.lists(known_or_not, max_size=4, unique=True))),
            texts=draw(texts),
        )
        for a in app_ids
    ]
    hosts = []
    for h in host_ids:
        capacity = draw(st.integers(0, 3))
        hosts.append(
            Host(
                id=h,
                name=f"H{h}",
                capacity=capacity,
                min_capacity=draw(minimums),
                actions=tuple(
                    Offer(f"action {k}", t, x)
                    for k, (t, x) in enumerate(
                        draw(st.lists(st.tuples(topic_sets, texts), max_size=3))
                    )
                ),
                challenges=tuple(
                    Offer(f"challenge {k}", t, x)
                    for k, (t, x) in enumerate(
                        draw(st.lists(st.tuples(topic_sets, texts), max_size=2))
                    )
                ),
                shortlist=tuple(draw(st.lists(st.sampled_from(app_ids), max_size=3, unique=True))),
                texts=draw(texts),
            )
        )
    return applicants, hosts


weights_strategy = st.sampled_from(
    [
        Weights(),
        Weights(need_offer=0, share_challenge=0, preference=1, host_interest=0, text=0),
        Weights(need_offer=0.5, share_challenge=0, preference=0.5, host_interest=0, text=0),
        Weights(need_offer=0.2, share_challenge=0.2, preference=0.2, host_interest=0.2, text=0.2),
    ]
)
min_scores = st.sampled_from([0.0, 0.0, 0.1, 0.2, 0.35])


def all_pairs(applicants, hosts):
    return [(a.id, h.id) for a in applicants for h in hosts]


# -- independent references ------------------------------------------------------------------


def positions(ids):
    return {x: k for k, x in enumerate(sorted(ids))}


def first_positions(ids):
    out = {}
    for k, x in enumerate(ids, start=1):
        out.setdefault(x, k)
    return out


def rank_value(rank, n):
    if rank is None or rank < 1 or rank > n:
        return 0.0
    return 1.0 - 0.9 * (rank - 1) / n


def credit(topic, offer_topics):
    offered = set(offer_topics) | {TOPIC_PARENT[t] for t in offer_topics if t in TOPIC_PARENT}
    if topic in offered:
        return 1.0
    return PARENT_CREDIT if TOPIC_PARENT.get(topic) in offered else 0.0


def overlap(item_topics, offer_topics):
    fields = {t for t in item_topics if TOPIC_AXIS[t] == "field"}
    hows = set(item_topics) - fields
    f = sum(credit(t, offer_topics) for t in sorted(fields)) / len(fields) if fields else 0.0
    lv = sum(credit(t, offer_topics) for t in sorted(hows)) / len(hows) if hows else 0.0
    if fields and hows:
        return 0.5 * f + 0.3 * lv + 0.2 * f * lv
    return f if fields else lv


def mean_best(items, offers):
    values = [
        max((overlap(i.topics, o.topics) for o in offers), default=0.0) for i in items if i.topics
    ]
    return sum(values) / len(values) if values else 0.0


def naive_tfidf_cosines(applicants, hosts):
    docs = [
        "\n".join([a.texts, *(n.text for n in a.needs), *(s.text for s in a.shares)])
        for a in applicants
    ]
    docs += [
        "\n".join([h.texts, *(p for o in (*h.actions, *h.challenges) for p in (o.title, o.text))])
        for h in hosts
    ]
    counts = [Counter(tokenize(d)) for d in docs]
    df = Counter(t for c in counts for t in c)
    idf = {t: math.log((1 + len(docs)) / (1 + k)) + 1 for t, k in df.items()}
    vectors = []
    for c in counts:
        v = {t: (1 + math.log(k)) * idf[t] for t, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    n = len(applicants)
    return {
        (a.id, h.id): min(
            1.0, max(0.0, sum(x * vectors[n + k].get(t, 0.0) for t, x in vectors[i].items()))
        )
        for i, a in enumerate(applicants)
        for k, h in enumerate(hosts)
    }


def naive_components(applicants, hosts, max_preferences=3):
    text = naive_tfidf_cosines(applicants, hosts)
    out = {}
    for a in applicants:
        prefs = first_positions(a.preferences)
        for h in hosts:
            shortlist = first_positions(h.shortlist)
            out[(a.id, h.id)] = {
                "need_offer": mean_best(a.needs, h.actions),
                "share_challenge": mean_best(a.shares, h.challenges),
                "preference": rank_value(prefs.get(h.id), max_preferences),
                "host_interest": rank_value(shortlist.get(a.id), len(shortlist)),
                "text": text[(a.id, h.id)],
            }
    return out


def tie_value(a_pos, h_pos, n_applicants, n_hosts):
    """The documented tie-break value ``(N − i)·(H − j)`` of one pair."""
    return (n_applicants - a_pos) * (n_hosts - h_pos)


def brute_force(applicants, hosts, result, params: Params):
    """The best (minimum places filled, Σ fixed-point score, Σ tie value) over all assignments
    of the result's allowed pairs, with pins forced: (key, {applicant: host})."""
    app_ids, host_ids, scores = result.candidates.arrays()
    score_q = {
        (int(a), int(h)): round(float(s) * SCALE)
        for a, h, s in zip(app_ids, host_ids, scores, strict=True)
    }
    options: dict[int, list[int | None]] = {}
    for a, h in score_q:
        options.setdefault(a, [None]).append(h)
    for a, h in params.pins:
        options[a] = [h]
    capacity = {h.id: h.capacity for h in hosts}
    minimum = {h.id: min(h.min_capacity, h.capacity) for h in hosts}
    a_pos, h_pos = positions(a.id for a in applicants), positions(h.id for h in hosts)
    n, m = len(applicants), len(hosts)
    order = sorted(options)
    best_key, best = None, {}
    for choice in product(*(options[a] for a in order)):
        load = Counter(h for h in choice if h is not None)
        if any(load[h] > capacity[h] for h in load):
            continue
        pairs = {a: h for a, h in zip(order, choice, strict=True) if h is not None}
        key = assignment_key(pairs, score_q, load, minimum, a_pos, h_pos, n, m)
        if best_key is None or key > best_key:
            best_key, best = key, pairs
    return best_key, best


def assignment_key(pairs, score_q, load, minimum, a_pos, h_pos, n, m):
    filled = sum(min(load[h], k) for h, k in minimum.items())
    total = sum(score_q[(a, h)] for a, h in pairs.items())
    ties = sum(tie_value(a_pos[a], h_pos[h], n, m) for a, h in pairs.items())
    return filled, total, ties


def stable_lists(applicants, hosts, result, params: Params):
    """The stable-mode lists, built from the documented rule and the result's candidates."""
    app_ids, host_ids, scores = result.candidates.arrays()
    score_q = {
        (int(a), int(h)): round(float(s) * SCALE)
        for a, h, s in zip(app_ids, host_ids, scores, strict=True)
    }
    known = {h.id for h in hosts}
    resident = {}
    for a in applicants:
        ranked = [
            h for h, r in first_positions(a.preferences).items() if r <= params.max_preferences
        ]
        resident[a.id] = [h for h in ranked if h in known and (a.id, h) in score_q]
    hospital = {}
    for h in hosts:
        shortlist = first_positions(h.shortlist)
        proposers = [a for a, hs in resident.items() if h.id in hs]
        hospital[h.id] = sorted(
            proposers,
            key=lambda a, h=h, s=shortlist: (0, s[a], a) if a in s else (1, -score_q[(a, h.id)], a),
        )
    return resident, hospital


def count_blocking(pairs, applicants, hosts, result, params: Params):
    """Blocking pairs of ``pairs`` by the documented definition (pinned applicants fixed)."""
    resident, hospital = stable_lists(applicants, hosts, result, params)
    pinned = {a for a, _ in params.pins}
    capacity = {h.id: h.capacity for h in hosts}
    load = Counter(pairs.values())
    count = 0
    for a, hs in resident.items():
        if a in pinned:
            continue
        current = pairs.get(a)
        better = hs[: hs.index(current)] if current in hs else hs
        for h in better:
            if load[h] < capacity[h]:
                count += 1
                continue
            rank = {x: k for k, x in enumerate(hospital[h])}
            held = [x for x, y in pairs.items() if y == h and x not in pinned]
            if any(rank.get(x, math.inf) > rank[a] for x in held):
                count += 1
    return count


def blocks(r, h, pairs, resident, hospital, capacity) -> bool:
    """Whether (r, h) blocks ``pairs``: both list each other, r prefers h to its partner (or
    has none), and h has a free place or prefers r to one of the applicants it holds."""
    if h not in resident[r] or r not in hospital[h]:
        return False
    current = pairs.get(r)
    if current is not None and resident[r].index(current) <= resident[r].index(h):
        return False
    held = [x for x, y in pairs.items() if y == h]
    if len(held) < capacity[h]:
        return True
    return any(hospital[h].index(x) > hospital[h].index(r) for x in held)


def stable_matchings(resident, hospital, capacity):
    """Every matching of the lists with no blocking pair, by exhaustive search (small
    instances only): each applicant gets one host of its list or none, within capacity."""
    order = sorted(resident)
    found = []

    def extend(k, pairs, load):
        if k == len(order):
            if not any(
                blocks(r, h, pairs, resident, hospital, capacity)
                for r in order
                for h in resident[r]
            ):
                found.append(dict(pairs))
            return
        r = order[k]
        extend(k + 1, pairs, load)
        for h in resident[r]:
            if load[h] < capacity[h]:
                pairs[r], load[h] = h, load[h] + 1
                extend(k + 1, pairs, load)
                del pairs[r]
                load[h] -= 1

    extend(0, {}, Counter())
    return found


def resident_optimal_stable(resident, hospital, capacity):
    """The stable matching every applicant likes at least as well as any other stable one,
    found among all stable matchings (it exists and is unique: Gale and Shapley, 1962)."""
    stable = stable_matchings(resident, hospital, capacity)
    assert stable, "the lists have no stable matching"

    def rank(r, pairs):
        return resident[r].index(pairs[r]) if r in pairs else len(resident[r])

    best = {r: min(rank(r, m) for m in stable) for r in resident}
    optimal = [m for m in stable if all(rank(r, m) == best[r] for r in resident)]
    assert len(optimal) == 1, "no single resident-optimal stable matching"
    return optimal[0]


def pins_problems(applicants, hosts, pins, forbids):
    """Whether a set of pins is infeasible, by the documented rules."""
    apps, hs = {a.id: a for a in applicants}, {h.id: h for h in hosts}
    valid = []
    for a, h in pins:
        if a not in apps or h not in hs:
            return True
        if not apps[a].eligible or apps[a].withdrawn or (a, h) in forbids:
            return True
        valid.append((a, h))
    by_app = Counter(a for a, _ in valid)
    by_host = Counter(h for _, h in valid)
    return any(k > 1 for k in by_app.values()) or any(
        k > hs[h].capacity for h, k in by_host.items()
    )
