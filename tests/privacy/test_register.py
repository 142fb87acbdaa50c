"""The register cannot drift from the models: every field that can hold personal data is in it."""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from privacy.register import REGISTER, holdings_by_model

from .conftest import staff_member

# Apps whose tables hold nothing about people (reference data, permissions machinery).
OUT_OF_SCOPE_APPS = {"contenttypes", "auth"}


def _classifiable(field) -> bool:
    if isinstance(field, models.ForeignKey):
        return field.related_model is apps.get_model(settings.AUTH_USER_MODEL)
    if isinstance(field, models.CharField | models.TextField):
        return not field.choices and not isinstance(field, models.SlugField)
    return isinstance(field, models.JSONField | models.FileField | models.GenericIPAddressField)


def test_every_field_that_can_hold_personal_data_is_classified():
    register = holdings_by_model()
    missing = []
    for model in apps.get_models():
        if model._meta.app_label in OUT_OF_SCOPE_APPS:
            continue
        fields = [f.name for f in model._meta.concrete_fields if _classifiable(f)]
        if not fields:
            continue
        holding = register.get(model._meta.label)
        known = set(holding.personal) | set(holding.not_personal) if holding else set()
        missing += [f"{model._meta.label}.{name}" for name in fields if name not in known]
    assert missing == [], (
        "Add these fields to privacy/register.py (as personal data, or as not personal with the "
        "reason), and make sure erasure and export handle them"
    )


def test_every_registered_field_exists():
    unknown = []
    for holding in REGISTER:
        if holding.model not in holdings_by_model():
            continue
        names = {f.name for f in holding.model_class._meta.concrete_fields}
        unknown += [
            f"{holding.model}.{n}"
            for n in [*holding.personal, *holding.not_personal]
            if n not in names
        ]
    assert unknown == []


@pytest.mark.django_db
def test_register_page_lists_each_table_with_personal_data(client, notices):
    client.force_login(staff_member())
    url = reverse("privacy_register")
    assert client.get(url).status_code == 403

    client.force_login(staff_member("dpo2@netzerocities.example", "view_personal_data_register"))
    page = client.get(url).content.decode()

    for holding in holdings_by_model().values():
        if holding.personal:
            assert f'<code class="small">{holding.model}</code>' in page
    assert "Representatives" in page and "English level" in page
