"""`{{ choices|filter_choices }}`: an admin list filter's choices as the admin's filter template
writes them (a list item and link each), in one pass instead of a template loop per choice.
`{% quick_result_list cl %}`: Django's `{% result_list cl %}` with the rows written in Python."""

import datetime
from types import SimpleNamespace

from django import template
from django.contrib.admin.templatetags.admin_list import (
    ResultList,
    _coerce_field_name,
    result_headers,
    result_list,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.template.defaultfilters import iriencode
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def filter_choices(choices) -> str:
    return format_html_join(
        "\n",
        '<li{}><a href="{}">{}</a></li>',
        (
            (
                mark_safe(' class="selected"') if choice["selected"] else "",
                iriencode(choice["query_string"]),
                choice["display"],
            )
            for choice in choices
        ),
    )


# Stands for a row's primary key in its change URL, made once for the whole list.
_PK = "0quickpk0"
_KEPT_TYPES = {str, int, bool, type(None)}


def _shown(shown, index, value, display, *args):
    """`display(value, *args)`, once per column and distinct value of a plain type (its
    formatting in the request's language and time zone depends on nothing else)."""
    if type(value) not in _KEPT_TYPES:
        return display(value, *args)
    key = (index, type(value), value)
    try:
        return shown[key]
    except KeyError:
        text = shown[key] = display(value, *args)
        return text


def _for_field(value, field, empty, is_link):
    return display_for_field(value, field, empty, avoid_link=is_link)


def _columns(cl):
    """What is the same for every row of a column: its field or admin method, class, tag, link."""
    model_admin = cl.model_admin
    link_names = cl.list_display_links
    change_url = None
    first = True
    columns = []
    for index, name in enumerate(cl.list_display):
        field = method = None
        try:
            field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                method = name
            elif hasattr(model_admin, name) and name != "__str__":
                method = getattr(model_admin, name)
        is_link = link_names is not None and ((first and not link_names) or name in link_names)
        tag = "td"
        if is_link:
            tag = "th" if first else "td"
            first = False
            if change_url is None:
                change_url = add_preserved_filters(
                    {"preserved_filters": cl.preserved_filters, "opts": cl.opts},
                    cl.url_for_result(SimpleNamespace(**{cl.pk_attname: _PK})),
                )
        columns.append((name, _coerce_field_name(name, index), field, method, is_link, tag))
    return columns, change_url


def _quick_rows(cl):
    """The cells of each row of a changelist as Django's items_for_result writes them (same
    classes, link, empty value and formatting), with what is the same for every row (the
    column's field or admin method, class, tag, the link's URL with its preserved filters)
    found once per column instead of once per cell, and each distinct value of a column
    formatted once instead of once per cell."""
    model_admin = cl.model_admin
    default_empty = model_admin.get_empty_value_display()
    columns, change_url = _columns(cl)
    pk_attname = cl.pk_attname
    shown = {}
    rows = []
    for result in cl.result_list:
        cells = []
        for index, (name, class_name, field, method, is_link, tag) in enumerate(columns):
            classes = "field-" + class_name
            empty = default_empty
            f = field
            try:
                if field is not None:
                    attr, value = None, getattr(result, name)
                elif method is not None:
                    attr, value = method, method(result)
                else:
                    f, attr, value = lookup_field(name, result, model_admin)
            except ObjectDoesNotExist:
                text = empty
            else:
                empty = getattr(attr, "empty_value_display", empty)
                if isinstance(value, str) and value.strip() == "":
                    value = ""
                if f is None or f.auto_created:
                    if name == "action_checkbox":
                        classes = "action-checkbox"
                    boolean = getattr(attr, "boolean", False)
                    if isinstance(attr, property) and hasattr(attr, "fget"):
                        boolean = getattr(attr.fget, "boolean", False)
                    text = _shown(shown, index, value, display_for_value, empty, boolean)
                    if isinstance(value, (datetime.date, datetime.time)):
                        classes += " nowrap"
                else:
                    if isinstance(f.remote_field, models.ManyToOneRel):
                        text = getattr(result, f.name)
                        if text is None:
                            text = empty
                    else:
                        text = _shown(shown, index, value, _for_field, f, empty, is_link)
                    if isinstance(f, (models.DateField, models.TimeField, models.ForeignKey)):
                        classes += " nowrap"
            if is_link:
                url = change_url.replace(_PK, str(quote(getattr(result, pk_attname))), 1)
                text = format_html('<a href="{}">{}</a>', url, text)
            cells.append(f'<{tag} class="{classes}">{conditional_escape(text)}</{tag}>')
        rows.append(ResultList(None, [mark_safe("".join(cells))]))
    return rows


def quick_result_list(cl):
    """Django's result_list (headers and rows of a changelist), the rows written by
    _quick_rows; a popup, editable or to-field list is left to Django."""
    if cl.formset or cl.is_popup or cl.to_field:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": _quick_rows(cl),
    }


@register.tag(name="quick_result_list")
def quick_result_list_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=quick_result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )
