"""Practices read from the wording of a learning need (issue 9).

The gold applications, like many real ones, tag their needs with the 19 broad topics only
("Energy systems"), while the Mission Cities' offered actions carry the concrete practices of
the vocabulary ("District heating & waste heat"). :func:`need_topics` reads the practices a
need names in its own words and puts them in place of the broad topic they belong to, so the
topic evidence of need → offer (:mod:`matching.engine.scoring`) credits the actions that carry
that practice fully and the others, which carry only the broad topic, with ``PARENT_CREDIT``.

Rules, exact and deterministic (no model): the text is folded (lower case, no accents, as in
:func:`matching.engine.text.fold`); each practice has a curated list of word stems and phrases
(:data:`PRACTICE_WORDS`, regular expressions that must start at a word boundary). A practice
is read only when the need is tagged with its broader topic (so the applicant's own topics
keep the last word on the field) and only when the vocabulary knows it; the broader topic is
then replaced by the practices read under it. A need without text, or whose text names no
practice, keeps its topics unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .text import fold

# Practice slug → phrases that name it (regular expressions over folded text).
PRACTICE_WORDS: dict[str, tuple[str, ...]] = {
    "district-heating-waste-heat": (
        "district heat",
        "heat(ing)? network",
        "waste heat",
        "excess heat",
        "surplus heat",
        "heat recover",
        "recover(ing)? heat",
        "low.temperature heat",
        "geotherm",
        "district cool",
    ),
    "renewable-energy-communities": (
        "energy communit",
        "energy cooperativ",
        "solar cooperativ",
        "cooperativ",
        "share the power",
        "self.consum",
        "prosumer",
    ),
    "solar-renewable-generation": (
        "solar",
        "photovolt",
        "pv",
        "wind (turbine|farm|power)",
        "renewable (generation|electricity|power)",
    ),
    "heat-pumps": ("heat.?pump",),
    "energy-management-buildings": (
        "smart met",
        "meters?\\b",
        "metering",
        "energy management",
        "automatic(ally)? control",
        "steers? heating",
        "building automation",
        "smart control",
    ),
    "renovation-one-stop-shops": (
        "one.stop.shop",
        "single point",
        "point of contact",
        "desk",
        "advice (centre|center|service)",
        "takes? (owners|households|residents) by the hand",
        "accompan",
    ),
    "public-building-renovation": (
        "public buildings?",
        "municipal buildings?",
        "school buildings?",
        "sports? halls?",
        "kindergarten",
        "hospitals?",
    ),
    "residential-retrofit": (
        "apartment blocks?",
        "housing blocks?",
        "multi.?family",
        "terraced hous",
        "owners.? associations?",
        "apartment associations?",
        "homeowner",
        "residential buildings?",
        "housing estates?",
    ),
    "nzeb-low-carbon-construction": (
        "zero.energy",
        "nzeb",
        "passive hous",
        "legal minimum",
        "low.carbon (building|construction)",
        "new buildings?",
    ),
    "biobased-construction": (
        "bio.?based",
        "timber",
        "wood",
        "hemp",
        "flax",
        "straw",
    ),
    "climate-neutral-districts": (
        "climate.neutral (district|neighbourhood|zone)",
        "new districts?",
        "showcase district",
        "positive energy district",
        "district scale",
        "neighbourhood scale",
        "housing areas?",
    ),
    "urban-regeneration": (
        "regenerat",
        "brownfield",
        "former (factory|industrial|steelworks)",
        "run.down",
        "derelict",
        "redevelop",
    ),
    "schools-schoolyards": (
        "school.?yard",
        "school courtyard",
        "school ground",
        "playground",
    ),
    "low-emission-zones-parking": (
        "low.emission zone",
        "lez",
        "parking",
        "through.traffic",
        "car.free",
        "car.light",
        "traffic calm",
        "superblock",
        "congestion charg",
    ),
    "active-mobility": (
        "cycl",
        "bikes?\\b",
        "bicycl",
        "walk",
        "pedestrian",
        "micromobil",
        "scooter",
    ),
    "public-transport-electrification": (
        "bus(es)?\\b",
        "trams?\\b",
        "public transport",
        "electric vehicle",
        "fleets?\\b",
        "charging",
        "electrif",
    ),
    "mobility-behaviour-change": (
        "travel habit",
        "mobility behaviou?r",
        "modal shift",
        "change their travel",
        "car use",
        "without a car",
        "drive even",
    ),
    "circular-construction": (
        "circular construction",
        "reus(e|ing) (building )?components",
        "demoli",
        "construction waste",
        "material passport",
    ),
    "waste-prevention-recycling": (
        "recycl",
        "waste sort",
        "sorting",
        "compost",
        "food waste",
        "zero waste",
        "repair",
    ),
    "industrial-symbiosis": (
        "industrial symbiosis",
        "industrial (zone|park|area|estate)",
        "by.products?",
        "heavy.industry",
        "clean industry",
    ),
    "water-reuse-rainwater": (
        "rain.?water",
        "gr[ae]y.?water",
        "waste.?water",
        "reclaimed water",
        "water reuse",
        "reuse (treated )?(or grey )?water",
        "treated water",
        "storm.?water",
        "drought",
    ),
    "urban-greening": (
        "trees?\\b",
        "greening",
        "green corridor",
        "canopy",
        "parks?\\b",
        "green areas?",
        "green spaces?",
        "shade",
        "greenery",
        "asphalt",
        "depav",
    ),
    "urban-food-gardens": (
        "community gardens?",
        "urban gardens?",
        "food forest",
        "edible",
        "allotment",
        "urban farm",
        "grow food",
    ),
    "carbon-removals": (
        "carbon removal",
        "negative emission",
        "captur",
        "ccs",
        "beccs",
        "residual emission",
        "remaining (fifth|emission)",
        "out of the atmosphere",
        "carbon sink",
        "sequest",
        "removes? carbon",
    ),
    "citizen-assemblies": (
        "citizens?.? assembl",
        "climate (panel|assembly|jury)",
        "citizens?.? (panel|jury)",
        "drawn by lot",
        "sortition",
        "mini.public",
        "deliberat",
    ),
    "participatory-design": (
        "co.creat",
        "co.design",
        "participatory",
        "designed together",
        "together with the (pupils|neighbours|residents|children)",
        "residents (deciding|leading)",
        "shape and own",
    ),
    "stakeholder-partnerships": (
        "climate (agreement|pact|contract)",
        "commitments?",
        "commits",
        "stakeholder",
        "civil society",
        "round table",
        "one table",
        "platform",
        "alliance",
    ),
    "living-labs": (
        "living lab",
        "test ?bed",
        "experiment",
        "test ideas",
    ),
    "climate-communication": (
        "communicat",
        "campaign",
        "messag",
        "plain.*language",
        "talk about climate",
        "awareness",
        "leaflet",
        "\\bgame",
        "\\bapp\\b",
        "storytell",
        "public support",
    ),
    "climate-education-youth": (
        "schools?\\b",
        "pupils?",
        "students?",
        "teachers?",
        "youth",
        "young people",
        "children",
        "educat",
    ),
    "green-procurement": (
        "procur",
        "tender",
        "purchas",
        "buys goods",
    ),
    "ghg-inventories-monitoring": (
        "greenhouse gas inventor",
        "ghg",
        "emissions? inventor",
        "inventory",
        "monitor",
        "indicator",
        "kpis?",
        "keep track",
        "report on",
        "calculate our emissions",
        "baseline",
    ),
    "climate-investment-funds": (
        "investment plan",
        "funds?\\b",
        "investment vehicle",
        "green bond",
        "budget",
        "anchor investor",
    ),
    "public-private-partnerships": (
        "private invest",
        "private money",
        "private partner",
        "private compan",
        "partnership with (a )?private",
        "investors?\\b",
        "esco",
        "energy service compan",
        "joint compan",
    ),
    "citizen-finance": (
        "crowdfund",
        "citizen financ",
        "investments? from (citizens|residents)",
        "from residents",
        "citizens? invest",
        "community bond",
        "modest return",
    ),
    "climate-governance": (
        "departments?",
        "internal rules",
        "organi[sz]ational change",
        "cultural change",
        "inside the administration",
        "climate budget",
        "portfolio",
        "mainstream",
        "responsibilit",
    ),
    "policy-advocacy": (
        "national rules",
        "ministr",
        "national government",
        "lobby",
        "advocacy",
        "eu policy",
        "argue for",
        "incentives",
    ),
    "energy-poverty": (
        "energy poverty",
        "fuel poverty",
        "struggle to pay",
        "bills",
        "vulnerable households",
        "low income",
        "afford",
    ),
}


def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + ")")


_PATTERNS = {slug: _pattern(phrases) for slug, phrases in PRACTICE_WORDS.items()}


def practices_named(text: str) -> frozenset[str]:
    """The practices of :data:`PRACTICE_WORDS` that ``text`` names, whatever the topics."""
    folded = fold(text)
    return frozenset(slug for slug, pattern in _PATTERNS.items() if pattern.search(folded))


class PracticeReader:
    """:func:`need_topics` for one vocabulary (``topic_parent``: practice → broader topic),
    built once per run: only the practices under the need's broad topics are searched, and
    only when one pattern of all their phrases (the broad topic's gate) matches."""

    def __init__(self, topic_parent: Mapping[str, str]):
        children: dict[str, list[str]] = {}
        for slug in PRACTICE_WORDS:
            parent = topic_parent.get(slug)
            if parent is not None:
                children.setdefault(parent, []).append(slug)
        self.parent = dict(topic_parent)
        self.children = {
            parent: tuple((slug, _PATTERNS[slug]) for slug in slugs)
            for parent, slugs in children.items()
        }
        self.gates = {
            parent: _pattern(tuple(p for slug in slugs for p in PRACTICE_WORDS[slug]))
            for parent, slugs in children.items()
        }

    def __call__(self, topics: frozenset[str], text: str) -> frozenset[str]:
        if not text or not topics:
            return topics
        parents = [t for t in topics if t in self.children]
        if not parents:
            return topics
        folded = fold(text)
        named = {
            slug
            for parent in parents
            if self.gates[parent].search(folded)
            for slug, pattern in self.children[parent]
            if pattern.search(folded)
        }
        if not named:
            return topics
        return frozenset((topics - {self.parent[p] for p in named}) | named)


def need_topics(
    topics: frozenset[str], text: str, topic_parent: Mapping[str, str]
) -> frozenset[str]:
    """A need's topics with each broad topic replaced by the practices its text names under it
    (see the module docstring)."""
    return PracticeReader(topic_parent)(topics, text)
