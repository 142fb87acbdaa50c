"""Explanations of a proposed pairing in three voices, from the engine's evidence
(``Proposal.details``, see :func:`matching.engine.explain.proposal_details`):

- :func:`for_applicant`: the Twin City's voice ("you"), on its pages and in its e-mails;
- :func:`for_city`: the Mission City's voice ("this applicant … your action"), in its workspace;
- :func:`for_staff`: a readable summary for the programme officers (the formula stays on the
  run page, one click away).

Each returns a list of sentences; all are translatable. Nothing here reads the database.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _ordinal(n: int) -> str:
    return {1: _("1st"), 2: _("2nd"), 3: _("3rd")}.get(n, _("%(n)dth") % {"n": n})


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _bypassed(entry: dict) -> str:
    city, rank = entry.get("city", ""), _ordinal(int(entry.get("rank", 0)))
    why = entry.get("why")
    if why == "full":
        return _(
            "%(city)s (your %(rank)s choice) was full: its last place went to an applicant "
            "with a score of %(last).2f, yours was %(score).2f."
        ) % {
            "city": city,
            "rank": rank,
            "last": float(entry.get("last_score", 0)),
            "score": float(entry.get("score", 0)),
        }
    if why == "forbidden":
        return _("%(city)s (your %(rank)s choice) was excluded by the programme team.") % {
            "city": city,
            "rank": rank,
        }
    if why == "below_minimum":
        return _(
            "%(city)s (your %(rank)s choice) offers too little of what you asked for: the score "
            "of the pair, %(score).2f, is below the minimum."
        ) % {"city": city, "rank": rank, "score": float(entry.get("score", 0))}
    if why == "no_places":
        return _("%(city)s (your %(rank)s choice) takes no Twin City in this call.") % {
            "city": city,
            "rank": rank,
        }
    if why == "pinned":
        return _("The programme team chose this pairing over %(city)s (your %(rank)s choice).") % {
            "city": city,
            "rank": rank,
        }
    return _(
        "%(city)s (your %(rank)s choice) still had a place, but the pairings as a whole fit "
        "better this way."
    ) % {"city": city, "rank": rank}


def _rank_sentence(details: dict, city: str, you: bool) -> str:
    rank = details.get("rank")
    if rank:
        if you:
            return _("You ranked %(city)s %(rank)s.") % {"city": city, "rank": _ordinal(rank)}
        return _("The applicant ranked you %(rank)s.") % {"rank": _ordinal(rank)}
    if you:
        return _("You did not rank %(city)s; it was chosen for what it offers.") % {"city": city}
    return _("The applicant did not rank you; it was proposed for what you offer.")


def for_applicant(details: dict, city: str) -> list[str]:
    """Sentences addressed to the Twin City about its pairing with ``city``."""
    if not details:
        return []
    out = [_rank_sentence(details, city, you=True)]
    for title in details.get("named", []):
        out.append(_("You said you want to learn about “%(action)s”.") % {"action": title})
    for c in details.get("covered", []):
        out.append(
            _("Your need “%(need)s” is covered by its action “%(action)s”.")
            % {"need": _short(c["need"]), "action": _short(c["action"])}
        )
    for need in details.get("uncovered", []):
        out.append(
            _("Your need “%(need)s” is not directly covered by its offered actions.")
            % {"need": _short(need)}
        )
    if details.get("shares"):
        out.append(
            _("What you can share answers some of %(city)s's challenges or expected benefits.")
            % {"city": city}
        )
    context = details.get("context", [])
    if context:
        out.append(_("Also: %(things)s.") % {"things": ", ".join(_context(c) for c in context)})
    out += [_bypassed(entry) for entry in details.get("bypassed", [])]
    return out


def for_city(details: dict, applicant: str, *, proposed: bool = True) -> list[str]:
    """Sentences addressed to a Mission City about ``applicant`` (``proposed``: the pair was
    proposed by a run; otherwise it is a recommendation and the rank is not restated)."""
    if not details:
        return []
    out = [_rank_sentence(details, "", you=False)] if proposed else []
    for title in details.get("named", []):
        out.append(_("It wants to learn about your action “%(action)s”.") % {"action": title})
    covered = {}
    for c in details.get("covered", []):
        covered.setdefault(c["action"], []).append(_short(c["need"], 70))
    for action, needs in covered.items():
        out.append(
            ngettext(
                "Your action “%(action)s” answers its need “%(needs)s”.",
                "Your action “%(action)s” answers its needs “%(needs)s”.",
                len(needs),
            )
            % {"action": _short(action), "needs": "”, “".join(needs)}
        )
    uncovered = details.get("uncovered", [])
    if uncovered:
        out.append(
            ngettext(
                "One of its needs is not among your offered actions: “%(needs)s”.",
                "%(n)d of its needs are not among your offered actions: “%(needs)s”.",
                len(uncovered),
            )
            % {"n": len(uncovered), "needs": "”, “".join(_short(n, 70) for n in uncovered)}
        )
    if details.get("shares"):
        out.append(_("What it can share meets your challenges or expected benefits."))
    context = details.get("context", [])
    if context:
        out.append(_("Also: %(things)s.") % {"things": ", ".join(_context(c) for c in context)})
    return out


def for_staff(details: dict, applicant: str, city: str) -> list[str]:
    """A readable summary for programme officers."""
    if not details:
        return []
    rank = details.get("rank")
    lead = (
        _("%(app)s ranked %(city)s %(rank)s.")
        % {"app": applicant, "city": city, "rank": _ordinal(rank)}
        if rank
        else _("%(app)s did not rank %(city)s.") % {"app": applicant, "city": city}
    )
    covered, uncovered = details.get("covered", []), details.get("uncovered", [])
    total = len(covered) + len(uncovered)
    out = [lead]
    if details.get("pinned"):
        out.append(_("Pinned by staff."))
    if total:
        out.append(
            _("Needs covered: %(covered)d of %(total)d.")
            % {"covered": len(covered), "total": total}
        )
    for c in covered:
        out.append(
            _("“%(need)s” → “%(action)s”.")
            % {"need": _short(c["need"], 70), "action": _short(c["action"], 60)}
        )
    for need in uncovered:
        out.append(_("Not covered: “%(need)s”.") % {"need": _short(need, 70)})
    for title in details.get("named", []):
        out.append(_("Named the action “%(action)s”.") % {"action": title})
    out += [_bypassed_staff(entry) for entry in details.get("bypassed", [])]
    return out


def _bypassed_staff(entry: dict) -> str:
    values = {
        "city": entry.get("city", ""),
        "rank": _ordinal(int(entry.get("rank", 0))),
        "score": float(entry.get("score", 0)),
        "last": float(entry.get("last_score", 0)),
    }
    why = entry.get("why")
    if why == "full":
        return (
            _(
                "Not %(city)s (ranked %(rank)s): full, its last place went at %(last).2f; "
                "this pair scored %(score).2f."
            )
            % values
        )
    if why == "forbidden":
        return _("Not %(city)s (ranked %(rank)s): forbidden by staff.") % values
    if why == "below_minimum":
        return _("Not %(city)s (ranked %(rank)s): score %(score).2f, below the minimum.") % values
    if why == "no_places":
        return _("Not %(city)s (ranked %(rank)s): no places.") % values
    if why == "pinned":
        return _("Not %(city)s (ranked %(rank)s): this pair is pinned.") % values
    return (
        _(
            "Not %(city)s (ranked %(rank)s): it had a place; the total score was higher this way "
            "(optimal mode)."
        )
        % values
    )


def _context(key: str) -> str:
    return {
        "shared language": _("a shared language"),
        "same or neighbouring country": _("the same or a neighbouring country"),
        "similar size": _("a similar size"),
        "works in English": _("a contact who works in English"),
        "will travel for site visits": _("it will travel for site visits"),
    }.get(key, key)
