from django import forms

from safer_norfolk.widgets import GovukSelect

CHOICES = [
    ("", "Anyone"),
    ("Councils", [(1, "Norfolk County Council"), (2, 'Breckland <District> & "Council"')]),
    (3, "Norfolk Constabulary"),
]


def django_rendering(value, attrs=None):
    """What Django's own Select template writes, for comparison."""
    return forms.Select({"class": "govuk-select"}, CHOICES).render("owner", value, attrs)


def squeeze(html):
    return "".join(line.strip() for line in html.splitlines())


def test_the_select_is_written_exactly_as_djangos_template_writes_it():
    for value in ("", 2, 3, None, "not a choice"):
        ours = GovukSelect(choices=CHOICES).render("owner", value, {"id": "id_owner"})
        assert ours == squeeze(django_rendering(value, {"id": "id_owner"}))


def test_the_chosen_option_is_selected_and_text_is_escaped():
    html = GovukSelect(choices=CHOICES).render("owner", 2)
    assert (
        '<option value="2" selected>Breckland &lt;District&gt; &amp; &quot;Council&quot;</option>'
        in html
    )
    assert '<optgroup label="Councils">' in html
    assert html.startswith('<select name="owner" class="govuk-select">')
    assert html.count(" selected") == 1


def test_extra_classes_and_attributes_are_kept():
    html = GovukSelect(attrs={"aria-describedby": "owner-hint"}, choices=CHOICES).render("o", "")
    assert 'aria-describedby="owner-hint"' in html
    assert 'class="govuk-select"' in html


def test_a_select_of_records_is_written_as_djangos_template_writes_it(db):
    from safer_norfolk.models import Organisation

    first = Organisation.objects.create(name="Norfolk Constabulary")
    Organisation.objects.create(name='Breckland <District> & "Council"')
    field = forms.ModelChoiceField(Organisation.objects.order_by("name"), empty_label="Anyone")
    for value in ("", first.pk, str(first.pk), None):
        ours = GovukSelect(choices=field.choices).render("owner", value, {"id": "id_owner"})
        django = forms.Select({"class": "govuk-select"}, field.choices).render(
            "owner", value, {"id": "id_owner"}
        )
        assert ours == squeeze(django)
    assert f'<option value="{first.pk}" selected>' in GovukSelect(choices=field.choices).render(
        "owner", first.pk
    )
