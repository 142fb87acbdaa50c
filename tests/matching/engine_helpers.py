"""Independent reference implementations and hypothesis strategies for the engine's tests.

Everything here is written from the documented definitions, pair by pair in plain Python,
without the engine's vectorised code: the brute-force optimum, the stable-mode lists, the
blocking pairs, the score components.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from itertools import product

from hypothesis import strategies as st

from matching.engine import Applicant, Context, Host, Need, Offer, Params, Share, Weights
from matching.engine.context import COUNTRY_LANGUAGES, NEIGHBOURS
from matching.engine.practices import PRACTICE_WORDS
from matching.engine.text import fold, item_terms

TOPIC_AXIS = {
    "energy": "field",
    "mobility": "field",
    "buildings": "field",
    "governance": "lever",
    "finance": "lever",
    "data": "theme",
    # practices: counted on their parent's axis
    "heatnet": "field",
    "solar-renewable-generation": "field",  # read from the word "solar" (practices.py)
    "assembly": "lever",
}
TOPIC_PARENT = {
    "heatnet": "energy",
    "solar-renewable-generation": "energy",
    "assembly": "governance",
}
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
countries = st.sampled_from(["", "IT", "FR", "DE", "AT", "BE"])
populations = st.sampled_from([None, 30_000, 120_000, 400_000])


@st.composite
def instances(draw, max_applicants: int = 6, max_hosts: int = 4, minimums=None):
    """Small random instances with frequent ties (few topics, few words)."""
    minimums = st.sampled_from([0, 0, 0, 1, 2]) if minimums is None else minimums
    host_ids = draw(st.lists(st.integers(1, 40), min_size=1, max_size=max_hosts, unique=True))
    app_ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=max_applicants, unique=True))
    known_or_not = st.one_of(st.sampled_from(host_ids), st.just(99))
    action_ids = st.sampled_from([h * 10 + k for h in host_ids for k in range(3)] + [7])
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
            interests=frozenset(draw(st.lists(action_ids, max_size=2))),
            english_level=draw(st.sampled_from(["", "A2", "B1", "B2", "C2"])),
            site_visits=draw(st.sampled_from(["", "yes", "travel", "no"])),
            country=draw(countries),
            population=draw(populations),
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
                country=draw(countries),
                population=draw(populations),
                benefits=tuple(
                    Offer(f"benefit {k}", t, x)
                    for k, (t, x) in enumerate(
                        draw(st.lists(st.tuples(topic_sets, texts), max_size=2))
                    )
                ),
                actions=tuple(
                    Offer(f"action {k}", t, x, id=h * 10 + k)
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
        Weights(
            need_offer=0,
            share_challenge=0,
            preference=1,
            host_interest=0,
            text=0,
            action_interest=0,
            context=0,
        ),
        Weights(
            need_offer=0.5,
            share_challenge=0,
            preference=0.5,
            host_interest=0,
            text=0,
            action_interest=0,
            context=0,
        ),
        Weights(
            need_offer=0.2,
            share_challenge=0.2,
            preference=0.2,
            host_interest=0.2,
            text=0.2,
            action_interest=0.2,
            context=1,
        ),
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


def rarity(host_items):
    """Topic → w(t) = ln(1 + (N − df + 0.5) / (df + 0.5)), ``df`` the hosts with an item that
    carries the topic or a practice under it; ``host_items`` lists each host's items."""
    n = len(host_items)
    df = Counter()
    for items in host_items:
        df.update({t for o in items for t in TOPIC_AXIS if credit(t, o.topics) == 1.0})
    return {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in TOPIC_AXIS}


def overlap(item_topics, offer_topics, weight=None):
    weight = weight or dict.fromkeys(TOPIC_AXIS, 1.0)
    fields = {t for t in item_topics if TOPIC_AXIS[t] == "field"}
    hows = set(item_topics) - fields

    def share(topics):
        if not topics:
            return 0.0
        total = sum(weight[t] for t in sorted(topics))
        return sum(weight[t] * credit(t, offer_topics) for t in sorted(topics)) / total

    f, lv = share(fields), share(hows)
    if fields and hows:
        return 0.5 * f + 0.3 * lv + 0.2 * f * lv
    return f if fields else lv


def read_need(need):
    """The need with each broad topic replaced by the practices its folded wording names
    under it (each phrase of PRACTICE_WORDS searched on its own, from a word start)."""
    folded = fold(need.text)
    named = {
        practice
        for practice, phrases in PRACTICE_WORDS.items()
        if TOPIC_PARENT.get(practice) in need.topics
        and any(re.search(rf"\b(?:{phrase})", folded) for phrase in phrases)
    }
    topics = (set(need.topics) - {TOPIC_PARENT[p] for p in named}) | named
    return Need(frozenset(topics), need.text)


def mean_best(items, offers, weight=None):
    values = [
        max((overlap(i.topics, o.topics, weight) for o in offers), default=0.0)
        for i in items
        if i.topics
    ]
    return sum(values) / len(values) if values else 0.0


def naive_bm25_evidence(queries, documents, dropped):
    """Item-to-item BM25 evidence from the documented formula, pair by pair."""
    k1, b, floor = 1.2, 0.75, 4.0
    docs = [item_terms(d, dropped) for d in documents]
    n = len(docs)
    avgdl = (sum(len(d) for d in docs) / n) if n else 1.0
    avgdl = avgdl or 1.0
    df = Counter(t for d in docs for t in set(d))
    out = []
    for q in queries:
        terms = set(item_terms(q, dropped))
        raw = []
        for d in docs:
            tf = Counter(d)
            value = 0.0
            for t in terms:
                if tf[t]:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    value += idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(d) / avgdl))
            raw.append(value)
        best = max(raw, default=0.0)
        out.append([r / max(best, floor) for r in raw])
    return out


def mutual_items(h):
    motivation = (Offer("motivation", frozenset(), h.texts),) if h.texts else ()
    return (*h.challenges, *h.benefits, *motivation)


def naive_components(applicants, hosts, max_preferences=3, context=None):
    context = context or Context()
    dropped = frozenset(
        w for h in hosts for w in re.findall(r"[^\W_]+", fold(h.name)) if len(w) > 2
    )
    need_docs = [(h.id, o) for h in hosts for o in h.actions]
    needs = [(a.id, n) for a in applicants for n in a.needs]
    need_ev = naive_bm25_evidence(
        [n.text for _, n in needs], [f"{o.title}\n{o.text}" for _, o in need_docs], dropped
    )
    share_docs = [(h.id, o) for h in hosts for o in mutual_items(h)]
    shares = [(a.id, x) for a in applicants for x in a.shares]
    share_ev = naive_bm25_evidence(
        [x.text for _, x in shares], [f"{o.title}\n{o.text}" for _, o in share_docs], dropped
    )
    need_weight = rarity([h.actions for h in hosts])
    share_weight = rarity([mutual_items(h) for h in hosts])
    out = {}
    for a in applicants:
        prefs = first_positions(a.preferences)
        named = Counter()
        for h in hosts:
            named[h.id] = sum(1 for o in h.actions if o.id is not None and o.id in a.interests)
        top = max(named.values(), default=0)
        for h in hosts:
            shortlist = first_positions(h.shortlist)
            text_values = [
                max(
                    (need_ev[q][d] for d, (hid, _) in enumerate(need_docs) if hid == h.id),
                    default=0.0,
                )
                for q, (aid, n) in enumerate(needs)
                if aid == a.id and n.text.strip()
            ]
            share_values = []
            for q, (aid, x) in enumerate(shares):
                if aid != a.id or not (x.topics or x.text.strip()):
                    continue
                by_text = (
                    max(
                        (share_ev[q][d] for d, (hid, _) in enumerate(share_docs) if hid == h.id),
                        default=0.0,
                    )
                    if x.text.strip()
                    else 0.0
                )
                by_topics = (
                    max(
                        (overlap(x.topics, o.topics, share_weight) for o in mutual_items(h)),
                        default=0.0,
                    )
                    if x.topics
                    else 0.0
                )
                share_values.append(max(by_text, by_topics))
            out[(a.id, h.id)] = {
                "action_interest": named[h.id] / top if top else 0.0,
                "need_offer": mean_best([read_need(n) for n in a.needs], h.actions, need_weight),
                "text": sum(text_values) / len(text_values) if text_values else 0.0,
                "share_challenge": sum(share_values) / len(share_values) if share_values else 0.0,
                "preference": rank_value(prefs.get(h.id), max_preferences),
                "host_interest": rank_value(shortlist.get(a.id), len(shortlist)),
                "context": naive_context(a, h, context),
            }
    return out


def naive_context(a, h, context):
    langs = a.languages or COUNTRY_LANGUAGES.get(a.country, frozenset())
    host_langs = h.languages or COUNTRY_LANGUAGES.get(h.country, frozenset())
    value = 0.0
    if langs & host_langs:
        value += context.language
    else:
        if a.english_level in ("B2", "C1", "C2"):
            value += context.english
        if a.country and (h.country == a.country or h.country in NEIGHBOURS.get(a.country, ())):
            value += context.neighbour
    if a.site_visits in ("yes", "travel"):
        value += context.site_visits

    def size(p):
        if not p:
            return None
        return (p > 50_000) + (p > 250_000) + (p > 1_000_000)

    if size(a.population) is not None and size(a.population) == size(h.population):
        value += context.size
    return value


def tie_value(a_pos, h_pos, n_applicants, n_hosts):
    """The documented tie-break value ``(N − i)·(H − j)`` of one pair."""
    return (n_applicants - a_pos) * (n_hosts - h_pos)


def naive_score_q(applicants, hosts, params: Params):
    """Every pair's fixed-point score from the pair-by-pair definitions (not the engine's)."""
    components = naive_components(applicants, hosts, params.max_preferences, context=params.context)
    weights = params.weights.as_dict()
    return {
        pair: round(sum(weights[k] * v for k, v in values.items()) * SCALE)
        for pair, values in components.items()
    }


def naive_allowed(applicants, hosts, params: Params, score_q):
    """Each applicant's allowed hosts, from the documented rules (pins forced)."""
    min_q = round(params.min_score * SCALE)
    options: dict[int, list[int | None]] = {}
    for a in applicants:
        options[a.id] = [None]
        if not a.eligible or a.withdrawn:
            continue
        for h in hosts:
            pair = (a.id, h.id)
            if h.capacity > 0 and pair not in params.forbids and score_q[pair] >= min_q:
                options[a.id].append(h.id)
    for a, h in params.pins:
        options[a] = [h]
    return options


def choice_bonus(applicant, host_id, max_preferences):
    rank = first_positions(applicant.preferences).get(host_id)
    return max_preferences + 1 - rank if rank is not None and rank <= max_preferences else 0


def brute_force(applicants, hosts, result, params: Params):
    """The best assignment by enumerating ALL feasible assignments built from the documented
    rules (scores and allowed pairs computed here, never from the engine's candidates), pins
    forced: (key, {applicant: host}).

    Optimal mode: (minimum places filled, Σ fixed-point score, Σ tie value);
    choices mode: (Σ choice bonus, Σ fixed-point score)."""
    score_q = naive_score_q(applicants, hosts, params)
    options = naive_allowed(applicants, hosts, params, score_q)
    capacity = {h.id: h.capacity for h in hosts}
    minimum = {h.id: min(h.min_capacity, h.capacity) for h in hosts}
    a_pos, h_pos = positions(a.id for a in applicants), positions(h.id for h in hosts)
    by_id = {a.id: a for a in applicants}
    n, m = len(applicants), len(hosts)
    order = sorted(options)
    best_key, best = None, {}
    for choice in product(*(options[a] for a in order)):
        load = Counter(h for h in choice if h is not None)
        if any(load[h] > capacity[h] for h in load):
            continue
        pairs = {a: h for a, h in zip(order, choice, strict=True) if h is not None}
        if params.mode == "choices":
            key = choices_key(pairs, score_q, by_id, params.max_preferences)
        else:
            key = assignment_key(pairs, score_q, load, minimum, a_pos, h_pos, n, m)
        if best_key is None or key > best_key:
            best_key, best = key, pairs
    return best_key, best


def assignment_key(pairs, score_q, load, minimum, a_pos, h_pos, n, m):
    filled = sum(min(load[h], k) for h, k in minimum.items())
    total = sum(score_q[(a, h)] for a, h in pairs.items())
    ties = sum(tie_value(a_pos[a], h_pos[h], n, m) for a, h in pairs.items())
    return filled, total, ties


def choices_key(pairs, score_q, by_id, max_preferences):
    bonus = sum(choice_bonus(by_id[a], h, max_preferences) for a, h in pairs.items())
    return bonus, sum(score_q[(a, h)] for a, h in pairs.items())


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
