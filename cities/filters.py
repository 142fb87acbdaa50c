"""Filters of the public Mission City catalogue; every value is kept in the URL."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .models import CallMissionCity, CityItem, Topic

MAX_SEARCH_WORDS = 6


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. heat pumps")}),
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"),
        field_name="items__topics",
        to_field_name="slug",
        queryset=Topic.objects.all(),
        empty_label=_("Any topic"),
        distinct=True,
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), field_name="mission_city__country", empty_label=_("Any country")
    )

    class Meta:
        model = CallMissionCity
        fields = ["q", "topic", "country"]

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        countries = {
            p.mission_city.country.code: p.mission_city.country.name
            for p in CallMissionCity.objects.filter(call=call).select_related("mission_city")
        }
        self.filters["country"].extra["choices"] = sorted(
            countries.items(), key=lambda kv: str(kv[1])
        )

    def filter_search(self, queryset, name, value):
        """Every word must appear somewhere in the city's profile; each word is one EXISTS
        subquery, so the cost grows linearly with the words (at most MAX_SEARCH_WORDS)."""
        for term in value.split()[:MAX_SEARCH_WORDS]:
            items = CityItem.objects.filter(participation=OuterRef("pk")).filter(
                Q(title__icontains=term)
                | Q(description__icontains=term)
                | Q(topics__name__icontains=term)
            )
            queryset = queryset.filter(
                Q(display_name__icontains=term)
                | Q(mission_city__name__icontains=term)
                | Q(motivation__icontains=term)
                | Exists(items)
            )
        return queryset
