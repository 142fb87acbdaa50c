"""Form fields rendered in Python as crispy-forms' Bootstrap 5 templates render them.

`{{ form|crispy }}` and `{{ field|as_crispy_field }}` render every field through
`bootstrap5/field.html`, its nested includes and Django's widget templates: one to two
milliseconds a field, tens of milliseconds for an application step. `render_field` builds the
same HTML straight from the bound field (the same label, `for`, `aria-describedby`,
`aria-invalid`, `required`, error and help-text elements and ids; tests/test_fastforms.py compares
the two on every step's forms, with and without errors). It covers what crispy's template does
when no FormHelper changes the layout (no horizontal form, no label or field class); a field it
does not cover (a file input, an unknown widget) is rendered by crispy's own template.

In templates: `{% load fast_forms %}` then `{{ form|fast_crispy }}`,
`{{ field|fast_crispy_field }}` or `{{ formset.management_form|fast_hidden_form }}` (registered in
settings TEMPLATES as the `fast_forms` library).
"""

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.widgets import Input
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Django's widget templates that are `input.html` (type, name, value, attrs) and nothing else.
_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "checkbox", "tel", "search", "hidden")
}
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
_CRISPY_CONTEXT = {
    "form_show_errors": True,
    "form_show_labels": True,
    "label_class": "",
    "field_class": "",
}


def _e(value) -> str:
    return conditional_escape(value)


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: True is a bare name, False is left out."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {name}" if value is True else f' {name}="{_e(str(value))}"')
    return "".join(out)


def _crispy_classes(widget, classes: str) -> None:
    """As crispy's `{% crispy_field field 'class' classes %}`: the widget's class name, then
    `classes`, added to the widget's own class attribute (crispy changes the widget too)."""
    class_name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css:
        if css.find(class_name) == -1:
            css += f" {class_name}"
    else:
        css = class_name
    for token in classes.split():
        if token not in css.split():
            css += f" {token}"
    widget.attrs["class"] = css


def _widget_html(bf: BoundField) -> str:
    """`str(bf)`, built here for input, textarea and the fast selects."""
    widget = bf.field.widget
    name = widget.template_name if hasattr(widget, "template_name") else ""
    if name not in _INPUT_TEMPLATES and name != _TEXTAREA_TEMPLATE:
        return str(bf)  # FastSelect renders itself in Python; anything else as Django does
    if bf.field.localize:
        widget.is_localized = True
    attrs = bf.build_widget_attrs({}, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    context = widget.get_context(bf.html_name, bf.value(), attrs)["widget"]
    if name == _TEXTAREA_TEMPLATE:
        value = context["value"]
        text = _e(value) if value else ""
        name = _e(context["name"])
        return f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    value = context["value"]
    value_attr = "" if value is None else f' value="{_e(str(value))}"'
    return (
        f'<input type="{_e(context["type"])}" name="{_e(context["name"])}"{value_attr}'
        f"{_attrs(context['attrs'])}>"
    )


def _errors_block(bf: BoundField) -> str:
    """bootstrap5/layout/field_errors_block.html"""
    errors = bf.errors
    if not errors:
        return ""
    items = "".join(
        f'<p id="error_{n}_{_e(bf.auto_id)}"><strong>{_e(error)}</strong></p>'
        for n, error in enumerate(errors, start=1)
    )
    field_id = _e(getattr(errors, "field_id", "") or "")
    return f'<div id="{field_id}_error" class="invalid-feedback">{items}</div>'


def _help_text(bf: BoundField) -> str:
    """bootstrap5/layout/help_text.html (not inline)."""
    if not bf.help_text:
        return ""
    id_attr = f'id="{_e(bf.auto_id)}_helptext" ' if bf.auto_id else ""
    return f'<div {id_attr}class="form-text">{bf.help_text}</div>'


def _choices(bf: BoundField) -> str:
    """bootstrap5/layout/radio_checkbox_select.html (not inline)."""
    widget = bf.field.widget
    id_ = widget.attrs.get("id") or bf.auto_id
    attrs = bf.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(bf.html_name, widget.format_value(bf.value()), attrs)
    invalid = " is-invalid" if bf.errors else ""
    name = _e(bf.html_name)
    parts = ["<div>"]
    for g, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(f"<strong>{_e(group)}</strong>")
        for n, option in enumerate(options, start=1):
            parts.append(
                f'<div class="form-check"><input type="{_e(option["type"])}" '
                f'class="form-check-input{invalid}" name="{name}" '
                f'value="{_e(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f'<label for="{_e(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{_e(str(option['label']))}</label>"
            )
            if n == len(options) and g == len(groups):
                parts.append(_errors_block(bf))
            parts.append("</div>")
    parts.append("</div>")
    parts.append(_help_text(bf))
    return "".join(parts)


def _label(bf: BoundField, tag: str) -> str:
    required = bf.field.required
    for_attr = f' for="{_e(bf.id_for_label)}"' if bf.id_for_label else ""
    classes = "form-label" + (" requiredField" if required else "")
    classes += " fs-6" if tag == "legend" else ""
    marker = '<span class="asteriskField">*</span>' if required else ""
    return f'<{tag}{for_attr} class="{classes}">{_e(bf.label)}{marker}</{tag}>'


def render_field(bf: BoundField) -> SafeString:
    """The HTML of bootstrap5/field.html for `bf` (crispy's own template for a file input or a
    widget this module does not build)."""
    widget = bf.field.widget
    if bf.is_hidden:
        return mark_safe(_widget_html(bf))
    if isinstance(widget, forms.FileInput) or not isinstance(
        widget, Input | forms.Textarea | forms.Select | forms.RadioSelect
    ):
        context = {"field": bf, **_CRISPY_CONTEXT}
        return get_template("bootstrap5/field.html").render(context)
    checkbox = isinstance(widget, forms.CheckboxInput)
    css = bf.css_classes()
    wrapper = ("form-check" if checkbox else "mb-3") + (f" {css}" if css else "")
    parts = ['<div class="mb-3">'] if checkbox else []
    parts.append(f'<div id="div_{_e(bf.auto_id)}" class="{_e(wrapper)}">')
    fieldset = bf.use_fieldset and bf.label
    if bf.label and not checkbox:
        if bf.use_fieldset:
            described = bf.aria_describedby
            described = f' aria-describedby="{_e(described)}"' if described else ""
            parts.append(f"<fieldset{described}>")
        parts.append(_label(bf, "legend" if bf.use_fieldset else "label"))
    invalid = " is-invalid" if bf.errors else ""
    if isinstance(widget, forms.RadioSelect):  # CheckboxSelectMultiple too
        parts.append(_choices(bf))
    elif checkbox:
        _crispy_classes(widget, "form-check-input" + invalid)
        required = " requiredField" if bf.field.required else ""
        marker = '<span class="asteriskField">*</span>' if bf.field.required else ""
        parts.append(_widget_html(bf))
        parts.append(
            f'<label for="{_e(bf.id_for_label)}" class="form-check-label{required}">'
            f"{_e(bf.label)}{marker}</label>"
        )
        parts += [_errors_block(bf), _help_text(bf)]
    else:
        select = isinstance(widget, forms.Select)
        _crispy_classes(widget, ("form-select" if select else "form-control") + invalid)
        parts += [_widget_html(bf), _errors_block(bf), _help_text(bf)]
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    if checkbox:
        parts.append("</div>")
    return mark_safe("".join(parts))  # every value above is escaped or already safe


def render_form(form) -> SafeString:
    """`{{ form|crispy }}`: the form's own errors, then every field."""
    parts = []
    if form.non_field_errors():
        parts.append(get_template("bootstrap5/errors.html").render({"form": form}))
    parts += [render_field(bf) for bf in form]
    return mark_safe("".join(parts))


def render_hidden_form(form) -> SafeString:
    """`{{ formset.management_form }}`: a form of hidden fields (Django's template when it has
    errors)."""
    if form.errors or any(not bf.is_hidden for bf in form):
        return mark_safe(str(form))
    return mark_safe("".join(_widget_html(bf) for bf in form))


@register.filter
def fast_hidden_form(form):
    return render_hidden_form(form)


@register.filter
def fast_crispy(form):
    return render_form(form)


@register.filter
def fast_crispy_field(bf):
    return render_field(bf)
