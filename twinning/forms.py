"""Form helpers shared by the apps' views."""


def error_summary(*forms_and_formsets, row_label="") -> list[tuple[str, str]]:
    """(anchor id, message) for every error in page order, for `includes/error_summary.html`.

    Formset errors name their row ("Representative 2 — …") when `row_label` is given; a radio
    group is reached through its first option.
    """
    items = []
    for obj in forms_and_formsets:
        if obj is None:
            continue
        if hasattr(obj, "forms"):  # a formset
            items += [("", e) for e in obj.non_form_errors()]
            for number, form in enumerate(obj.forms, start=1):
                items += _form_errors(form, prefix=f"{row_label} {number} — " if row_label else "")
        else:
            items += _form_errors(obj)
    return items


def _form_errors(form, prefix=""):
    items = [("", f"{prefix}{e}") for e in form.non_field_errors()]
    for name, field in form.fields.items():
        for error in form.errors.get(name, []):
            bound = form[name]
            anchor = bound.id_for_label or (bound.auto_id + "_0" if bound.auto_id else "")
            label = getattr(field, "plain_label", field.label)  # without a required marker
            items.append((anchor, f"{prefix}{label}: {error}"))
    return items
