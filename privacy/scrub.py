"""Remove a person's strings (names, e-mail addresses) from every text column of the portal.

Erasure and retention clear the fields the register names; this pass is the safety net for free
texts that mention the person anywhere else (a note, an e-mail kept in the outbox, the admin's
change history). It walks every installed model, so a table added later is covered too.
"""

import json
import re

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

REMOVED = "[removed]"
MIN_NAME_LENGTH = 4  # shorter names would scrub ordinary words

_TEXT_FIELDS = (models.CharField, models.TextField)  # EmailField, SlugField, URLField… included


def needles(strings) -> list[str]:
    """The strings worth scrubbing, longest first (so a full name goes before a part of it)."""
    cleaned = {" ".join(s.split()) for s in strings if s and len(s.strip()) >= MIN_NAME_LENGTH}
    return sorted(cleaned, key=len, reverse=True)


def replace_all(text: str, strings: list[str]) -> str:
    for needle in strings:
        text = re.sub(re.escape(needle), REMOVED, text, flags=re.IGNORECASE)
    return text


def _replace_json(value, strings):
    if isinstance(value, str):
        return replace_all(value, strings)
    if isinstance(value, list):
        return [_replace_json(v, strings) for v in value]
    if isinstance(value, dict):
        return {replace_all(k, strings): _replace_json(v, strings) for k, v in value.items()}
    return value


def scrub_everywhere(strings, *, skip: tuple = ()) -> int:
    """Replace every occurrence of `strings` in every text and JSON column of every model.
    Returns the number of rows changed. `skip`: model classes left alone (handled by the caller)."""
    strings = needles(strings)
    if not strings:
        return 0
    changed = 0
    for model in apps.get_models():
        if model in skip or model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, _TEXT_FIELDS) and not field.choices:
                changed += _scrub_text_field(model, field, strings)
            elif isinstance(field, models.JSONField):
                changed += _scrub_json_field(model, field, strings)
    return changed


def _scrub_text_field(model, field, strings) -> int:
    query = models.Q()
    for needle in strings:
        query |= models.Q(**{f"{field.attname}__icontains": needle})
    changed = 0
    for pk, value in model._base_manager.filter(query).values_list("pk", field.attname):
        new = replace_all(value, strings)[: field.max_length or None]
        if new != value:
            model._base_manager.filter(pk=pk).update(**{field.attname: new})
            changed += 1
    return changed


def _scrub_json_field(model, field, strings) -> int:
    query = models.Q()
    for needle in strings:
        query |= models.Q(_as_text__icontains=needle)
    rows = (
        model._base_manager.annotate(_as_text=Cast(field.attname, models.TextField()))
        .filter(query)
        .values_list("pk", field.attname)
    )
    changed = 0
    for pk, value in rows:
        new = _replace_json(value, strings)
        if json.dumps(new, sort_keys=True) != json.dumps(value, sort_keys=True):
            model._base_manager.filter(pk=pk).update(**{field.attname: new})
            changed += 1
    return changed
