"""Widgets that render in Python what Django renders through one template per option.

A 250-country <select> rendered through `select_option.html` costs tens of milliseconds per
page; built here, straight from the choices, it costs well under one. The HTML is the same as
Django's (tests/test_widgets.py compares them).
"""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _escape(value) -> str:
    """conditional_escape without its lazy-string wrapper (called for every option)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class KeptChoices(BaseChoiceIterator):
    """Flat options (value, label) of plain strings, shared by the fields of many rows: a field
    given them does not normalise them again (Django walks every option of every field it is
    given otherwise), and FastSelect escapes them once for all the rows."""

    def __init__(self, choices):
        self.choices = choices
        self._escaped = None

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    def escaped(self) -> list[tuple[str, str, str]]:
        """(value, escaped value, escaped label) of every option."""
        if self._escaped is None:
            self._escaped = [(str(v), _escape(v), _escape(label)) for v, label in self.choices]
        return self._escaped


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = set(self.format_value(value))
        parts = [f'<select name="{conditional_escape(name)}"{flatatt(final_attrs)}>']
        if isinstance(self.choices, KeptChoices):
            for raw, option_value, label in self.choices.escaped():
                chosen = " selected" if raw in selected else ""
                if chosen and not self.allow_multiple_selected:
                    selected.clear()  # as Django: only the first matching option
                parts.append(f'<option value="{option_value}"{chosen}>{label}</option>')
            parts.append("</select>")
            return mark_safe("".join(parts))  # escaped by KeptChoices.escaped
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(f'<optgroup label="{conditional_escape(option_value)}">')
                parts.extend(self._option(v, label, selected) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, option_label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value and label is escaped above

    def _option(self, value, label, selected) -> str:
        value = "" if value is None else str(value)
        chosen = " selected" if value in selected else ""
        if chosen and not self.allow_multiple_selected:
            selected.clear()  # as Django: only the first matching option of a single select
        value, label = _escape(value), _escape(label)
        return f'<option value="{value}"{chosen}>{label}</option>'


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    """A <select multiple> built in Python, like FastSelect."""
