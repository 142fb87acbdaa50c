"""Versioned notices and the record of who accepted which version.

Reads (`current_notice`, `pending_notices`) and writes (`notice_publish`, `consent_record`) of
the notices people accept. The current version of each kind is cached and the cache is cleared
when staff publish a new version, so asking "has this person accepted?" costs one small query
per session, not one per request.
"""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record

from .models import ConsentRecord, Notice, User

CACHE_KEY = "notices:current:v1"


def current_notices() -> dict[str, int]:
    """{kind: id of the current published version} for every kind that has one."""
    ids = cache.get(CACHE_KEY)
    if ids is None:
        ids = {}
        for notice in Notice.objects.filter(published_at__isnull=False).order_by(
            "kind", "-version"
        ):
            ids.setdefault(notice.kind, notice.pk)
        cache.set(CACHE_KEY, ids, 3600)
    return ids


def current_notice(kind: str) -> Notice | None:
    pk = current_notices().get(kind)
    return Notice.objects.filter(pk=pk).first() if pk else None


def pending_notices(user: User) -> list[Notice]:
    """The current notices this person must (re)accept before going on: the privacy notice for
    everyone with an account; the data-sharing consent only for people who gave an earlier one."""
    current = current_notices()
    if not current:
        return []
    accepted = {kind: set(ids) for kind, ids in _accepted_by_kind(user).items()}
    pending_ids = []
    for kind, pk in current.items():
        done = accepted.get(kind, set())
        if pk in done:
            continue
        if kind == Notice.Kind.PRIVACY or done:
            pending_ids.append(pk)
    return list(Notice.objects.filter(pk__in=pending_ids).order_by("kind"))


def _accepted_by_kind(user: User) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {}
    for kind, notice_id in ConsentRecord.objects.filter(user=user).values_list(
        "notice__kind", "notice_id"
    ):
        result.setdefault(kind, []).append(notice_id)
    return result


def next_draft_version(kind: str) -> int:
    return (Notice.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1


def notice_publish(*, notice: Notice, by: User | None) -> Notice:
    """Publish a draft as the next version of its kind. People who accepted an earlier version are
    asked again at their next sign-in."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.is_published:
            raise ValidationError(_("This version is already published; write a new one."))
        latest = (
            Notice.objects.filter(kind=notice.kind, published_at__isnull=False).aggregate(
                v=Max("version")
            )["v"]
            or 0
        )
        # Published versions are numbered one after another; a draft holding the number moves on.
        clash = Notice.objects.filter(kind=notice.kind, version=latest + 1).exclude(pk=notice.pk)
        if clash.exists():
            top = Notice.objects.filter(kind=notice.kind).aggregate(v=Max("version"))["v"]
            clash.update(version=top + 1)
        notice.version = latest + 1
        notice.published_at = timezone.now()
        notice.full_clean()
        notice.save(update_fields=["version", "published_at"])
        record(actor=by, action="notice.publish", target=notice, data={"version": notice.version})
        transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    cache.delete(CACHE_KEY)
    return notice


def consent_record(
    *, user: User, kind: str, source: str, context: str = ""
) -> ConsentRecord | None:
    """Record that `user` accepted the current version of `kind` (nothing when no version of that
    kind is published). Accepting the same version again from the same form records nothing new."""
    notice_id = current_notices().get(kind)
    if notice_id is None:
        return None
    record, _created = ConsentRecord.objects.get_or_create(
        user=user, notice_id=notice_id, source=source, context=context[:200]
    )
    return record
