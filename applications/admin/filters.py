"""List filters of the applications changelist."""

from django.contrib import admin
from django.db.models import Avg, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from cities.models import CallMissionCity, Topic

from ..models import (
    Application,
    Document,
    LearningNeed,
    Preference,
    Review,
    ReviewAssignment,
    ReviewScore,
)


class TopicFilter(admin.SimpleListFilter):
    title = _("learning-need topic")
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return list(Topic.objects.values_list("slug", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                Exists(
                    LearningNeed.objects.filter(
                        application=OuterRef("pk"), topic__slug=self.value()
                    )
                )
            )
        return queryset


class PreferredCityFilter(admin.SimpleListFilter):
    title = _("preferred Mission City")
    parameter_name = "preferred"

    def lookups(self, request, model_admin):
        call = request.GET.get("call__id__exact", "")
        cities = CallMissionCity.objects.select_related("call").order_by("call", "display_name")
        if call.isdigit():
            cities = cities.filter(call_id=int(call))
        return [(c.pk, f"{c.display_name} ({c.call.slug})") for c in cities]

    def queryset(self, request, queryset):
        if self.value() and str(self.value()).isdigit():
            return queryset.filter(
                Exists(
                    Preference.objects.filter(
                        application=OuterRef("pk"), mission_city_id=int(self.value())
                    )
                )
            )
        return queryset


class HasDocumentsFilter(admin.SimpleListFilter):
    title = _("documents")
    parameter_name = "documents"

    def lookups(self, request, model_admin):
        return [("yes", _("Has documents")), ("no", _("No documents"))]

    def queryset(self, request, queryset):
        has = Exists(Document.objects.filter(application=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has)
        if self.value() == "no":
            return queryset.filter(~has)
        return queryset


class EffectiveVerdictFilter(admin.SimpleListFilter):
    title = _("eligibility (after staff override)")
    parameter_name = "eligibility"

    def lookups(self, request, model_admin):
        return Application.Verdict.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.with_effective_verdict().filter(effective_verdict=self.value())
        return queryset


class ThresholdsFilter(admin.SimpleListFilter):
    title = _("review thresholds")
    parameter_name = "thresholds"

    def lookups(self, request, model_admin):
        return [("met", _("Met")), ("not_met", _("Not met")), ("unreviewed", _("No review yet"))]

    def queryset(self, request, queryset):
        below = Exists(
            ReviewScore.objects.filter(review__application=OuterRef("pk"))
            .values("criterion")
            .annotate(mean=Avg("score"))
            .filter(mean__lt=F("criterion__threshold"))
        )
        met = Q(review_count__gt=0) & Q(
            review_mean__gte=Coalesce(F("call__review_settings__total_threshold"), Value(12.0))
        )
        if self.value() == "met":
            return queryset.filter(met).filter(~below)
        if self.value() == "not_met":
            return queryset.filter(review_count__gt=0).filter(~met | below)
        if self.value() == "unreviewed":
            return queryset.filter(review_count=0)
        return queryset


class AssignedToMeFilter(admin.SimpleListFilter):
    title = _("my reviews")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("assigned", _("Assigned to me")), ("todo", _("Assigned to me, not reviewed"))]

    def queryset(self, request, queryset):
        mine = Exists(
            ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer=request.user)
        )
        done = Exists(Review.objects.filter(application=OuterRef("pk"), reviewer=request.user))
        if self.value() == "assigned":
            return queryset.filter(mine)
        if self.value() == "todo":
            return queryset.filter(mine).filter(~done)
        return queryset


class CountryPresentFilter(admin.SimpleListFilter):
    """Countries, listing only those of at least one application (not the 251 of ISO 3166)."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        from django_countries import countries

        present = set(
            model_admin.get_queryset(request)
            .exclude(country="")
            .order_by()  # else DISTINCT also spans the ordering column: one row per application
            .values_list("country", flat=True)
            .distinct()
        )
        return sorted(((c, countries.name(c)) for c in present), key=lambda x: str(x[1]))

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset
