"""Every concrete model of our apps has a factory in `tests/factories/`, and each factory makes a
valid row (its own `full_clean()` passes)."""

from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.conf import settings

from tests import factories

pytestmark = pytest.mark.django_db


def our_models():
    root = Path(settings.BASE_DIR).resolve()
    return sorted(
        (
            model
            for config in apps.get_app_configs()
            if Path(config.path).resolve().parent == root
            for model in config.get_models()
            if not model._meta.abstract and not model._meta.proxy
        ),
        key=lambda m: m._meta.label,
    )


def all_factories():
    return {
        obj._meta.model: obj
        for obj in (getattr(factories, name) for name in factories.__all__)
        if isinstance(obj, type) and issubclass(obj, factory.django.DjangoModelFactory)
    }


def test_every_model_has_a_factory():
    missing = [m._meta.label for m in our_models() if m not in all_factories()]

    assert missing == []


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_factory_makes_a_valid_row(model):
    instance = all_factories()[model]()

    instance.full_clean()
    assert model.objects.filter(pk=instance.pk).exists()
