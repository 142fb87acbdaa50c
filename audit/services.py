"""The one way to write the audit log."""

from django.db import transaction

from .models import AuditEntry

LABEL_MAX = 300


def _actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    return (getattr(actor, "email", "") or str(actor))[:254]


def record(
    *,
    actor,
    action: str,
    target=None,
    application=None,
    note: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Record one state change. Call it inside the service's transaction, so the entry exists
    exactly when the change does.

    `actor`: the user who made the change, or None for the system (a worker, a command).
    `action`: "object.verb", e.g. "shortlist.add", "pairing.confirmation".
    `target`: the model instance changed (None when there is none); its label is kept.
    `application`: the application concerned, when there is one (its audit trail in the admin).
    `data`: JSON-serialisable details (ids, old and new values, counts).
    """
    if not action or "." not in action:
        raise ValueError(f'An audit action is "object.verb", not {action!r}.')
    from django.contrib.contenttypes.models import ContentType

    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must run inside the service's transaction.")
    entry = AuditEntry(
        actor=actor if _actor_label(actor) else None,
        actor_label=_actor_label(actor),
        action=action,
        application=application,
        note=note,
        data=data or {},
    )
    if target is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=True)
        entry.target_id = str(target.pk)
        entry.target_label = str(target)[:LABEL_MAX]
    entry.save()
    return entry
