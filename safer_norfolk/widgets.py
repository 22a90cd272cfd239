"""Form widgets, and a choice field and filter they read quickly, for the public filter forms."""

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from safer_norfolk.text import escaped


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
                rows.append(
                    f'<option value="{escaped(text)}"{" selected" if selected else ""}>'
                    f"{escaped(label)}</option>"
                )
            # Each value and label went through escaped(), as format_html would put them; one
            # format_html per option cost more than the rest of a two-thousand-option select.
            return SafeString("".join(rows))

        groups, ungrouped = [], []
        for option_value, label in self._pairs():
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

    def _pairs(self):
        """(value, label) pairs. The records of a model choice field are read as Django reads
        them, without the wrapper Django makes around each value for templates."""
        if not isinstance(self.choices, ModelChoiceIterator):
            return self.choices
        field = self.choices.field
        pairs = [] if field.empty_label is None else [("", field.empty_label)]
        queryset = self.choices.queryset
        if isinstance(field, ListedModelChoiceField):
            rows = queryset.values_list(field.to_field_name or "pk", *field.label_fields)
            pairs.extend((key, field.option_label(*values)) for key, *values in rows)
            return pairs
        if not queryset._prefetch_related_lookups:
            queryset = queryset.iterator()  # read once, as ModelChoiceIterator does
        pairs.extend((field.prepare_value(obj), field.label_from_instance(obj)) for obj in queryset)
        return pairs


class ListedModelChoiceField(forms.ModelChoiceField):
    """A model choice field whose options GovukSelect reads as plain values, not records.

    `label_fields` names the columns an option's text is made of, and `option_label` makes
    the text from their values as the model's __str__ makes it from a record
    (tests/safer_norfolk/test_widgets.py compares the two for every such filter). The
    outstanding page's thousand owners took twice as long to read as records, only to be
    named. A chosen value is still checked against the queryset and cleaned to a record.
    """

    def __init__(self, queryset, *, label_fields, option_label, **kwargs):
        self.label_fields = tuple(label_fields)
        self.option_label = option_label
        super().__init__(queryset, **kwargs)


class ListedChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose field is a ListedModelChoiceField."""

    field_class = ListedModelChoiceField
