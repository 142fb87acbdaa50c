"""Filters of the public Mission City catalogue; every value is kept in the URL."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import CallMissionCity, Topic


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
        terms = value.split()
        for term in terms:
            queryset = queryset.filter(
                Q(display_name__icontains=term)
                | Q(mission_city__name__icontains=term)
                | Q(motivation__icontains=term)
                | Q(items__title__icontains=term)
                | Q(items__description__icontains=term)
                | Q(items__topics__name__icontains=term)
            )
        return queryset.distinct() if terms else queryset
