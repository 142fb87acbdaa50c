"""Read-only building blocks: rows written only through the services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.forms.formsets import ManagementForm
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..reviews.selectors import without_conflicts


class QuickHiddenInput(forms.HiddenInput):
    """A hidden input written as Django's input template writes it (same attributes, same
    order), without rendering two templates per input."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            "" if value is None else format_html(' value="{}"', value),
            format_html_join(
                "",
                " {}{}",
                (
                    (key, "" if val is True else format_html('="{}"', val))
                    for key, val in widget["attrs"].items()
                    if val is not False
                ),
            ),
        )


class QuickManagementForm(ManagementForm):
    """The formset's four hidden counts, written directly unless there is an error to show."""

    def render(self, template_name=None, context=None, renderer=None):
        if template_name or context or renderer or (self.is_bound and self.errors):
            return super().render(template_name, context, renderer)
        return mark_safe("".join(str(field) for field in self.hidden_fields()))


for _name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
    QuickManagementForm.base_fields[_name].widget = QuickHiddenInput()


class QuickHiddenInlineFormSet(BaseInlineFormSet):
    """A read-only inline's formset: only hidden inputs (the counts, each row's id and parent),
    written directly; seven of them made a fifth of the application change page's time."""

    @cached_property
    def management_form(self):
        form = super().management_form
        form.__class__ = QuickManagementForm
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if type(field.widget) is forms.HiddenInput:
                field.widget.__class__ = QuickHiddenInput


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    formset = QuickHiddenInlineFormSet
    # What each row shows of its relations (a foreign key's name and link, the row's own name),
    # read with the rows instead of one query per row.
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related) if self.select_related else queryset

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list of rows that are written only through the services (and shown on their record)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QuickCheckbox:
    """Mixed into a changelist with actions: each row's checkbox written as Django writes it,
    without rendering a form widget's templates per row (a fifth of a 50-row list's time)."""

    def action_checkbox(self, obj):
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class RowActions:
    """Mixed into an admin whose actions call a service once per selected row."""

    def _each(self, request, queryset, fn, done_message):
        """`fn(row)` for each row; each refusal is said once, with the row it concerns, and the
        count of rows done after (not when every row was refused)."""
        done = refused = 0
        for row in queryset:
            try:
                fn(row)
                done += 1
            except ValidationError as exc:
                refused += 1
                self.message_user(request, f"{row}: {' '.join(exc.messages)}", messages.WARNING)
        if done or not refused:
            self.message_user(request, done_message % {"n": done})


class HidesConflicts:
    """Mixed into every admin whose rows belong to an application: the rows of applications the
    signed-in reviewer declared a conflict of interest on are hidden from the list, the change
    page (404), autocomplete, actions and exports. Set `conflict_application` to the lookup from
    a row to its application, or `conflict_organisation` to the one to its organisation."""

    conflict_application = "application"
    conflict_organisation = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.conflict_organisation:
            return without_conflicts(
                queryset, request.user, organisation=self.conflict_organisation
            )
        return without_conflicts(queryset, request.user, application=self.conflict_application)
