"""Who on the staff side may open a pair space and write in it. Staff read the pair spaces and
the cohort pages with `pairs.view_pair`, and write (milestones done, messages, feedback…) with
`pairs.change_pair` as well; a declared conflict of interest on the pair's application hides
the pair from that staff member (404, as for anyone outside the pair)."""

import rules

from applications.rules import has_declared_conflict, has_permission, is_staff

from .models import Pair


@rules.predicate
def has_conflict_on_pair(user, pair) -> bool:
    return isinstance(pair, Pair) and has_declared_conflict(user, pair.pairing.application)


rules.add_rule("pairs.staff_list", is_staff & has_permission("pairs.view_pair"))
rules.add_rule(
    "pairs.staff_view", is_staff & has_permission("pairs.view_pair") & ~has_conflict_on_pair
)
rules.add_rule(
    "pairs.staff_write",
    is_staff
    & has_permission("pairs.view_pair")
    & has_permission("pairs.change_pair")
    & ~has_conflict_on_pair,
)
