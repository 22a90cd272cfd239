"""Form widgets for the public filter forms."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class GovukSelect(forms.Select):
    """A GOV.UK select whose options are written in Python.

    Django renders each option through a template of its own; a filter listing two thousand
    owners spent most of its page's time there. The markup is the same as Django's.
    """

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "govuk-select", **(attrs or {})}, choices)

    def render(self, name, value, attrs=None, renderer=None):
        # Straight from the choices: Django's get_context() builds a dictionary of attributes
        # per option, which for two thousand owners cost more than the rest of the page.
        chosen = set(self.format_value(value))

        def options(choices):
            rows = []
            for option_value, label in choices:
                text = "" if option_value is None else str(option_value)
                selected = text in chosen
                if selected and not self.allow_multiple_selected:
                    chosen.clear()  # as Django does, only the first option with the value
                rows.append((text, mark_safe(" selected") if selected else "", label))
            return format_html_join("", '<option value="{}"{}>{}</option>', rows)

        groups, ungrouped = [], []
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                if ungrouped:
                    groups.append(options(ungrouped))
                    ungrouped = []
                groups.append(
                    format_html('<optgroup label="{}">{}</optgroup>', option_value, options(label))
                )
            else:
                ungrouped.append((option_value, label))
        if ungrouped:
            groups.append(options(ungrouped))
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", "{}", ((group,) for group in groups)),
        )
