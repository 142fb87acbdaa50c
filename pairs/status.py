"""The lifecycle of a milestone: its statuses, the transitions and who may make them.

    planned ──(due date passes; reminder job or any read)──▶ late
    planned ──(owner side or staff records evidence)──────▶ done
    late ─────(owner side or staff records evidence)──────▶ done
    done ─────(staff reopen)──────────────────────────────▶ planned, or late if overdue
    late ─────(staff moves the due date to today or later)─▶ planned

"Late" is derived from the date (`effective_status`) so a page never shows a stale "planned";
the daily reminder job also stores it, so the cohort view can count it in the database.
"""

import datetime as dt

from django.utils import timezone

from .models import Milestone, Side

Status = Milestone.Status

TRANSITIONS = {
    (Status.PLANNED, Status.LATE): "system",
    (Status.PLANNED, Status.DONE): "owner",
    (Status.LATE, Status.DONE): "owner",
    (Status.DONE, Status.PLANNED): "staff",
    (Status.DONE, Status.LATE): "staff",
    (Status.LATE, Status.PLANNED): "staff",
}


def is_overdue(milestone: Milestone, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return milestone.status != Status.DONE and milestone.due_date < today


def effective_status(milestone: Milestone, today: dt.date | None = None) -> str:
    return Status.LATE if is_overdue(milestone, today) else milestone.status


def can_transition(milestone: Milestone, to: str) -> bool:
    return (milestone.status, to) in TRANSITIONS


def may_complete(milestone: Milestone, *, side: str | None) -> bool:
    """The owner side (either side when owned by both) or staff may mark it done."""
    if milestone.status == Status.DONE or side is None:
        return False
    return side == Side.STAFF or milestone.owner_side in (Side.BOTH, side)
