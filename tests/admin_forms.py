"""Build the POST an officer's browser would send from an admin change page."""

from django import forms


def _field_value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return value


def _form_data(form, html):
    data = {}
    for bound_field in form:
        if bound_field.field.disabled or bound_field.name == "file":
            continue
        widget = bound_field.field.widget
        rendered_name = bound_field.html_name + ("_0" if hasattr(widget, "widgets") else "")
        if f'name="{rendered_name}"' not in html:
            continue  # not on the page, so a browser would not send it
        value = _field_value(bound_field)
        if value == "" and bound_field.field.widget.__class__.__name__ == "CheckboxInput":
            continue
        if value == "" and isinstance(
            bound_field.field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
        ):
            continue  # a browser sends nothing for a multiple choice with none chosen
        # Split date/time widgets post as name_0 and name_1.
        widget = bound_field.field.widget
        if hasattr(widget, "widgets") and not isinstance(value, list):
            parts = widget.decompress(bound_field.value())
            for index, part in enumerate(parts):
                data[f"{bound_field.html_name}_{index}"] = "" if part is None else str(part)
            continue
        data[bound_field.html_name] = value
    return data


def change_form_data(response):
    """The data of the main form and every inline formset, as rendered: only the fields
    that are on the page, as a browser would send them."""
    html = response.content.decode()
    data = _form_data(response.context["adminform"].form, html)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for form in formset.forms:
            data.update(_form_data(form, html))
    return data
