"""Who may apply to a call: the eligibility rules, as pure functions over plain data.

`judge(candidate, call, registry)` returns a `Verdict`: `eligible`, `ineligible` or `needs_review`,
with one `Reason` per rule. Nothing here touches the database; `cities.selectors` builds the
`CallFacts` and the `Registry` from it. The same rules serve the public self-check, the submission
of an application and the `check_eligibility` command.

A name that only *resembles* a Mission City (a district of it, another town sharing a word of its
name, a spelling variant) is never rejected: the rule passes, the Mission City is named in
`Verdict.resembles` and the verdict is `needs_review`, so staff decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from .text import fold

RULES_VERSION = "2025.1"

ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
NEEDS_REVIEW = "needs_review"

RULE_AUTHORITY_TYPE = "authority_type"
RULE_TARGET_YEAR = "target_year"
RULE_COUNTRY = "country"
RULE_NOT_MISSION_CITY = "not_mission_city"
RULE_NOT_FORMER_PARTICIPANT = "not_former_participant"

# (value, label) pairs, usable as form choices.
AUTHORITY_TYPES: tuple[tuple[str, str], ...] = (
    ("municipality", gettext_lazy("Municipality")),
    ("metropolitan_area", gettext_lazy("Metropolitan area")),
    ("district", gettext_lazy("District")),
    ("other_public_administration", gettext_lazy("Other public administration linked to a city")),
)

# A target year outside these bounds is a typing mistake, not a commitment.
MIN_TARGET_YEAR = 2000
MAX_TARGET_YEAR = 2100

# Name matching. Similarity is difflib's ratio on folded text (0..1).
SIMILARITY_THRESHOLD = 0.85
# A significant word has at least this many letters and is not a stop word. Two significant words
# as similar as the threshold count as shared ("muenchen" and "munchen", "lunds" and "lund").
SIGNIFICANT_WORD_MIN_LENGTH = 4
# Words that say what kind of place it is, not which one, in folded form. Includes the
# geographic qualifiers in the registry's names ("am Main", "Loire", "Alpes", "Wörthersee") which
# neighbouring towns share.
STOP_WORDS = frozenset(
    """
    a an and the of on in at by upon city town village municipality municipal borough council
    county district region regional area greater metropolitan metropolis capital community urban
    province sector sectorul de del della delle dei di da do dos das du des la le les l d s y e et
    en sur sous am an im der die das und van den het von bei zu
    ville cite commune communaute urbaine metropole agglomeration agglo capitale
    stad stadt gemeente kommune kommun hansestadt landeshauptstadt kreis landkreis bezirk
    comune citta provincia municipio municipiul municipiu comuna oras orasul judet
    ayuntamiento ajuntament concello ciudad cidade camara
    miasto gmina mesto obec obcina opcina grad kaupunki δημος
    main loire alpes worthersee
    """.split()  # noqa: SIM905 (a word list reads best as words, not 120 quoted lines)
)


@dataclass(frozen=True)
class Candidate:
    """Who applies: the authority's name, its country (ISO 3166 alpha-2), type and target year."""

    name: str
    country: str
    authority_type: str
    target_year: int | None


@dataclass(frozen=True)
class CallFacts:
    """What the rules need to know about a call; dates are in the call's own time zone."""

    slug: str
    closes_on: dt.date
    opens_on: dt.date
    target_year_limit: int = 2050
    excludes_former_participants: bool = False

    @property
    def year(self) -> int:
        return self.opens_on.year


@dataclass(frozen=True)
class Reason:
    rule: str
    passed: bool
    message: str


@dataclass(frozen=True)
class Verdict:
    verdict: str
    reasons: tuple[Reason, ...]
    resembles: tuple[str, ...] = ()
    rules_version: str = RULES_VERSION

    def as_dict(self) -> dict:
        """The verdict as JSON-ready data (without the rules' version)."""
        return {
            "verdict": self.verdict,
            "reasons": [
                {"rule": r.rule, "passed": r.passed, "message": str(r.message)}
                for r in self.reasons
            ],
            "resembles": list(self.resembles),
        }


@dataclass(frozen=True)
class _Entry:
    """One registered place with its folded names (name first, then aliases)."""

    name: str
    keys: tuple[str, ...]
    key_words: tuple[frozenset[str], ...]
    significant: frozenset[str]


@dataclass(frozen=True)
class _Match:
    exact: tuple[str, ...] = ()
    near: tuple[str, ...] = ()


def _words(folded: str) -> frozenset[str]:
    return frozenset(folded.split())


def _significant(words: Iterable[str]) -> frozenset[str]:
    return frozenset(
        w
        for w in words
        if len(w) >= SIGNIFICANT_WORD_MIN_LENGTH and not w.isdigit() and w not in STOP_WORDS
    )


def _similar(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a, b)
    return (
        matcher.real_quick_ratio() >= SIMILARITY_THRESHOLD
        and matcher.quick_ratio() >= SIMILARITY_THRESHOLD
        and matcher.ratio() >= SIMILARITY_THRESHOLD
    )


def _contained(small: frozenset[str], large: frozenset[str]) -> bool:
    """Every word of `small` is in `large`, and `small` names something (not only stop words)."""
    return bool(small) and small <= large and bool(small - STOP_WORDS)


class _NameIndex:
    """Folded names indexed by country: an exact lookup, and per country the entries to scan
    for near misses (a dozen at most)."""

    def __init__(self, places: Iterable[tuple[str, str, Iterable[str]]]):
        self._exact: dict[tuple[str, str], list[str]] = {}
        self._by_country: dict[str, list[_Entry]] = {}
        for name, country, aliases in places:
            keys = tuple(dict.fromkeys(k for k in map(fold, [name, *aliases]) if k))
            if not keys:
                continue
            key_words = tuple(_words(k) for k in keys)
            entry = _Entry(
                name=name,
                keys=keys,
                key_words=key_words,
                significant=_significant(w for words in key_words for w in words),
            )
            self._by_country.setdefault(country, []).append(entry)
            for key in keys:
                names = self._exact.setdefault((country, key.replace(" ", "")), [])
                if name not in names:
                    names.append(name)

    def match(self, name: str, country: str) -> _Match:
        folded = fold(name)
        if not folded:
            return _Match()
        exact = self._exact.get((country, folded.replace(" ", "")))
        if exact:
            return _Match(exact=tuple(exact))
        words = _words(folded)
        significant = _significant(words)
        near = [
            entry.name
            for entry in self._by_country.get(country, ())
            if _resembles(folded, words, significant, entry)
        ]
        return _Match(near=tuple(near))


def _resembles(
    folded: str, words: frozenset[str], significant: frozenset[str], entry: _Entry
) -> bool:
    """A near miss: a similar spelling, one name's words all inside the other's, or a shared
    (or closely similar) significant word."""
    for key, key_words in zip(entry.keys, entry.key_words, strict=True):
        if _similar(folded, key):
            return True
        if _contained(key_words, words) or _contained(words, key_words):
            return True
    if significant & entry.significant:
        return True
    return any(_similar(word, other) for word in significant for other in entry.significant)


def normalise_country(code: str) -> str:
    """'de ' -> 'DE'; the EU's own codes for Greece (EL) and the United Kingdom (UK) are mapped."""
    code = (code or "").strip().upper()
    return {"EL": "GR", "UK": "GB"}.get(code, code)


@dataclass(frozen=True)
class Registry:
    """The reference data, as plain data: eligible countries (ISO code → eligible from), the
    Mission Cities (name, country, aliases) and former Twin or Pilot Cities (name, country).

    Folded names are computed once, when the registry is built; keep one registry for many
    judgements where possible.
    """

    eligible_countries: Mapping[str, dt.date]
    mission_cities: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    former_participants: tuple[tuple[str, str], ...] = ()
    _mission_index: _NameIndex = field(init=False, repr=False, compare=False)
    _former_index: _NameIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        countries_ = {normalise_country(c): d for c, d in dict(self.eligible_countries).items()}
        cities = tuple(
            (name, normalise_country(country), tuple(aliases or ()))
            for name, country, aliases in self.mission_cities
        )
        former = tuple(
            (name, normalise_country(country)) for name, country in self.former_participants
        )
        object.__setattr__(self, "eligible_countries", countries_)
        object.__setattr__(self, "mission_cities", cities)
        object.__setattr__(self, "former_participants", former)
        object.__setattr__(self, "_mission_index", _NameIndex(cities))
        object.__setattr__(self, "_former_index", _NameIndex((n, c, ()) for n, c in former))

    @classmethod
    def build(
        cls,
        *,
        eligible_countries: Mapping[str, dt.date] | Iterable[tuple[str, dt.date]],
        mission_cities: Iterable[tuple[str, str, Iterable[str]]],
        former_participants: Iterable[tuple[str, str]] = (),
    ) -> Registry:
        return cls(
            eligible_countries=dict(eligible_countries),
            mission_cities=tuple(mission_cities),
            former_participants=tuple(former_participants),
        )

    def match_mission_city(self, name: str, country: str) -> _Match:
        return self._mission_index.match(name, normalise_country(country))

    def match_former_participant(self, name: str, country: str) -> _Match:
        return self._former_index.match(name, normalise_country(country))


def validate_target_year(year: int | None, call: CallFacts) -> str | None:
    """The error to show for an implausible climate-neutrality target year, or None.

    A year before the call's own year, or outside 2000 to 2100, is a mistake to correct. A year
    after the call's limit (2051) is plausible: it can be saved, and is judged ineligible.
    """
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int):
        return _("Enter the target year as a number, such as 2040.")
    lowest = max(MIN_TARGET_YEAR, call.year)
    if not lowest <= year <= MAX_TARGET_YEAR:
        return _(
            "%(year)s is not a plausible target year: enter a year between %(lowest)s and "
            "%(highest)s."
        ) % {"year": year, "lowest": lowest, "highest": MAX_TARGET_YEAR}
    return None


def _country_name(code: str) -> str:
    """'TR' -> 'Türkiye'; an unknown code is shown as given."""
    return str(countries.name(code)) or code


def _long_date(value: dt.date) -> str:
    return dateformat.format(value, "j F Y")


def _and(names: Iterable[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _authority_reason(authority_type: str) -> Reason:
    labels = dict(AUTHORITY_TYPES)
    value = (authority_type or "").strip()
    if value in labels:
        return Reason(
            RULE_AUTHORITY_TYPE,
            True,
            _("%(type)s: this type of authority may apply.") % {"type": labels[value]},
        )
    choices = _(
        "municipality, metropolitan area, district or other public administration linked to a city"
    )
    if not value:
        message = _("No type of authority was given: choose %(choices)s.") % {"choices": choices}
    else:
        message = _("“%(type)s” is not an accepted type of authority: choose %(choices)s.") % {
            "type": value[:60],
            "choices": choices,
        }
    return Reason(RULE_AUTHORITY_TYPE, False, message)


def _target_year_reason(year: int | None, call: CallFacts) -> Reason:
    limit = call.target_year_limit
    if year is None:
        return Reason(RULE_TARGET_YEAR, False, _("No climate-neutrality target year was given."))
    problem = validate_target_year(year, call)
    if problem:
        return Reason(RULE_TARGET_YEAR, False, problem)
    if year > limit:
        return Reason(
            RULE_TARGET_YEAR,
            False,
            _(
                "The target year %(year)s is later than %(limit)s: the call is open to "
                "authorities aiming for climate neutrality by %(limit)s or earlier."
            )
            % {"year": year, "limit": limit},
        )
    return Reason(
        RULE_TARGET_YEAR,
        True,
        _("Climate neutrality by %(year)s meets the call's limit of %(limit)s or earlier.")
        % {"year": year, "limit": limit},
    )


def _country_reason(code: str, call: CallFacts, registry: Registry) -> Reason:
    if not code:
        return Reason(RULE_COUNTRY, False, _("No country was given."))
    name = _country_name(code)
    effective_from = registry.eligible_countries.get(code)
    if effective_from is None:
        return Reason(
            RULE_COUNTRY,
            False,
            _("%(country)s is neither an EU Member State nor a Horizon Europe associated country.")
            % {"country": name},
        )
    if effective_from > call.closes_on:
        return Reason(
            RULE_COUNTRY,
            False,
            _("%(country)s is eligible only from %(from)s, after this call closes on %(closes)s.")
            % {
                "country": name,
                "from": _long_date(effective_from),
                "closes": _long_date(call.closes_on),
            },
        )
    return Reason(
        RULE_COUNTRY,
        True,
        _("%(country)s is an EU Member State or a Horizon Europe associated country.")
        % {"country": name},
    )


def _mission_city_reason(
    name: str, code: str, registry: Registry
) -> tuple[Reason, tuple[str, ...]]:
    shown = (name or "").strip()
    if not fold(shown):
        return Reason(RULE_NOT_MISSION_CITY, False, _("No name of the authority was given.")), ()
    match = registry.match_mission_city(shown, code)
    if match.exact:
        return (
            Reason(
                RULE_NOT_MISSION_CITY,
                False,
                _("%(city)s is one of the 112 EU Mission Cities.") % {"city": match.exact[0]},
            ),
            (),
        )
    if match.near:
        if len(match.near) == 1:
            message = _(
                "%(name)s resembles %(city)s, one of the 112 EU Mission Cities: staff will "
                "check it."
            ) % {"name": shown, "city": match.near[0]}
        else:
            message = _(
                "%(name)s resembles %(cities)s, which are among the 112 EU Mission Cities: "
                "staff will check it."
            ) % {"name": shown, "cities": _and(match.near)}
        return Reason(RULE_NOT_MISSION_CITY, True, message), match.near
    return (
        Reason(
            RULE_NOT_MISSION_CITY,
            True,
            _("%(name)s is not one of the 112 EU Mission Cities.") % {"name": shown},
        ),
        (),
    )


def _former_participant_reason(
    name: str, code: str, registry: Registry
) -> tuple[Reason, tuple[str, ...]]:
    shown = (name or "").strip()
    if not fold(shown):
        return Reason(
            RULE_NOT_FORMER_PARTICIPANT, False, _("No name of the authority was given.")
        ), ()
    if not registry.former_participants:
        # An empty registry proves nothing: say the check was not made, and let staff check.
        return (
            Reason(
                RULE_NOT_FORMER_PARTICIPANT,
                True,
                _(
                    "Whether %(name)s took part before as a Twin or Pilot City was not checked: "
                    "the list of former participants is empty. Staff will check it."
                )
                % {"name": shown},
            ),
            (),
        )
    match = registry.match_former_participant(shown, code)
    if match.exact:
        return (
            Reason(
                RULE_NOT_FORMER_PARTICIPANT,
                False,
                _(
                    "%(city)s took part before as a Twin or Pilot City, and this call is not open "
                    "to former participants."
                )
                % {"city": match.exact[0]},
            ),
            (),
        )
    if match.near:
        return (
            Reason(
                RULE_NOT_FORMER_PARTICIPANT,
                True,
                _(
                    "%(name)s resembles %(cities)s, a former Twin or Pilot City: staff will "
                    "check it."
                )
                % {"name": shown, "cities": _and(match.near)},
            ),
            match.near,
        )
    return (
        Reason(
            RULE_NOT_FORMER_PARTICIPANT,
            True,
            _("%(name)s is not among the former Twin and Pilot Cities.") % {"name": shown},
        ),
        (),
    )


def judge(candidate: Candidate, call: CallFacts, registry: Registry) -> Verdict:
    """Judge a candidate against a call: ineligible if any rule fails, needs review if the name
    resembles a Mission City (or a former participant, when the call excludes them), else eligible.
    """
    code = normalise_country(candidate.country)
    reasons = [
        _authority_reason(candidate.authority_type),
        _target_year_reason(candidate.target_year, call),
        _country_reason(code, call, registry),
    ]
    mission_reason, resembles = _mission_city_reason(candidate.name, code, registry)
    reasons.append(mission_reason)
    unchecked = False
    if call.excludes_former_participants:
        former_reason, former_near = _former_participant_reason(candidate.name, code, registry)
        reasons.append(former_reason)
        resembles += tuple(n for n in former_near if n not in resembles)
        unchecked = not registry.former_participants and bool(fold(candidate.name or ""))
    if not all(r.passed for r in reasons):
        verdict = INELIGIBLE
    elif resembles or unchecked:
        verdict = NEEDS_REVIEW
    else:
        verdict = ELIGIBLE
    return Verdict(verdict=verdict, reasons=tuple(reasons), resembles=resembles)
