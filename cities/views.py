"""Public pages: the home page and the Mission City catalogue."""

from itertools import groupby

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from twinning.pagecache import cached_for_visitors

from . import selectors
from .filters import CatalogueFilter
from .models import CityItem


@cached_for_visitors
def home(request):
    call = selectors.call_current()
    return render(
        request,
        "cities/home.html",
        {
            "call": call,
            "call_is_open": bool(call and call.is_open()),
            "now": timezone.now(),
            "city_count": call.mission_cities.count() if call else 0,
        },
    )


@cached_for_visitors
@vary_on_headers("HX-Request")
def catalogue(request):
    call = selectors.call_current()
    if call is None:
        return render(request, "cities/catalogue.html", {"call": None})
    filterset = CatalogueFilter(
        request.GET, queryset=selectors.catalogue_cities(call=call), call=call
    )
    cities = list(filterset.qs)
    for city in cities:
        seen = {}
        for action in city.actions:
            for topic in action.topics.all():
                seen[topic.pk] = topic
        city.offered_topics = sorted(seen.values(), key=lambda t: (t.position, t.name))
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cities/includes/catalogue_results.html" if partial else "cities/catalogue.html"
    return render(
        request,
        template,
        {
            "call": call,
            "filter": filterset,
            "cities": cities,
            "filtered": any(request.GET.get(k) for k in filterset.filters),
        },
    )


SECTION_HEADINGS = {
    CityItem.Kind.ACTION: _("Climate actions offered"),
    CityItem.Kind.CHALLENGE: _("Challenges to work on"),
    CityItem.Kind.BENEFIT: _("Expected benefits"),
}


@cached_for_visitors
def city_detail(request, slug):
    call = selectors.call_current()
    city = selectors.catalogue_city(call=call, slug=slug) if call else None
    if city is None:
        raise Http404
    items = list(city.items.all())
    sections = []
    for kind, _label in CityItem.Kind.choices:
        of_kind = [i for i in items if i.kind == kind]
        groups = [(g, list(rows)) for g, rows in groupby(of_kind, key=lambda i: i.group)]
        sections.append(
            {"kind": kind, "label": SECTION_HEADINGS[kind], "count": len(of_kind), "groups": groups}
        )
    topics = {t.pk: t for i in items for t in i.topics.all()}
    return render(
        request,
        "cities/city_detail.html",
        {
            "call": call,
            "call_open": call.is_open(),
            "city": city,
            "sections": sections,
            "topics": sorted(topics.values(), key=lambda t: (t.position, t.name)),
            "motivation_paragraphs": [p for p in city.motivation.split("\n\n") if p.strip()],
        },
    )
