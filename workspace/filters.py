"""Filters of the workspace's applicant lists; every value is kept in the URL."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries as countries_registry

from applications.models import Application, LearningNeed
from cities.models import Topic
from twinning.widgets import FastSelect

from .selectors import visible_countries

MAX_NAME_WORDS = 5

POPULATION_BANDS = {
    "lt50k": (_("Under 50,000"), Q(population__lt=50_000)),
    "50k-250k": (_("50,000 to 250,000"), Q(population__gte=50_000, population__lt=250_000)),
    "250k-1m": (_("250,000 to 1 million"), Q(population__gte=250_000, population__lt=1_000_000)),
    "gt1m": (_("Over 1 million"), Q(population__gte=1_000_000)),
}


class ApplicantFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text=_("Part of the local authority's name; accents and case do not matter."),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Learning-need topic"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topic",
        empty_label=_("Any topic"),
        widget=FastSelect,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="country", empty_label=_("Any country"), widget=FastSelect
    )
    population = django_filters.ChoiceFilter(
        label=_("Population"),
        choices=[(key, label) for key, (label, _q) in POPULATION_BANDS.items()],
        method="filter_population",
        empty_label=_("Any size"),
        widget=FastSelect,
    )
    rank = django_filters.ChoiceFilter(
        label=_("Rank they gave you"),
        field_name="rank_given",
        empty_label=_("Any rank"),
        widget=FastSelect,
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Eligibility"),
        field_name="verdict_shown",
        choices=[
            (Application.Verdict.ELIGIBLE.value, Application.Verdict.ELIGIBLE.label),
            (Application.Verdict.NEEDS_REVIEW.value, Application.Verdict.NEEDS_REVIEW.label),
        ],
        empty_label=_("Any verdict"),
        widget=FastSelect,
    )

    class Meta:
        model = Application
        fields = ["q", "topic", "country", "population", "rank", "verdict"]

    def __init__(self, *args, call, countries=None, **kwargs):
        """``countries``: the visible applications' country codes, when already known."""
        super().__init__(*args, **kwargs)
        if countries is None:
            countries = visible_countries(call=call)
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries_registry.name(code)) for code in countries),
            key=lambda kv: str(kv[1]),
        )
        self.filters["rank"].extra["choices"] = [
            (str(n), str(n)) for n in range(1, call.max_preferences + 1)
        ]

    def filter_name(self, queryset, name, value):
        """Every word in the official name (icontains folds accents: twinning.search)."""
        for word in value.split()[:MAX_NAME_WORDS]:
            queryset = queryset.filter(official_name__icontains=word)
        return queryset

    def filter_topic(self, queryset, name, value):
        return queryset.filter(
            Exists(LearningNeed.objects.filter(application=OuterRef("pk"), topic=value))
        )

    def filter_population(self, queryset, name, value):
        return queryset.filter(POPULATION_BANDS[value][1])
