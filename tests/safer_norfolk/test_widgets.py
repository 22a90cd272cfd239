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


def test_every_select_read_as_values_is_written_as_if_read_as_records(db):
    """A ListedChoiceFilter's options, made from plain values, are the options Django writes
    from the records (each labelled by its __str__); choosing one still gives the record."""
    from delivery_plans.filters import ActionFilter
    from meetings.filters import OutstandingFilter
    from safer_norfolk.widgets import ListedChoiceFilter
    from tests.factories import (
        ActionFactory,
        ActionPointFactory,
        CommitteeFactory,
        OrganisationFactory,
        PersonFactory,
        PlanFactory,
        SectionFactory,
    )

    committee = CommitteeFactory(name='Breckland <Community> & "Safety"')
    owners = [
        PersonFactory(honorific="", name="Jo Smith"),
        PersonFactory(honorific="Cllr", name="Ann <b>Brown</b>"),
        PersonFactory(honorific="Dr", name="Émile O'Neill"),
    ]
    for owner in owners:
        ActionPointFactory(meeting__committee=committee, committee=committee, owner_person=owner)
    OrganisationFactory(name="Norfolk & Waveney ICB")
    plan = PlanFactory(title="Plan <2024> & after")
    SectionFactory(plan=plan, number="", title="Unnumbered")
    SectionFactory(plan=plan, number="2.1", title="Fraud & scams")

    action = ActionFactory(section=SectionFactory(plan=plan, number="3", title="Theft"))
    action.owners.add(OrganisationFactory(name="Breckland <Council>"), OrganisationFactory())

    forms_and_fields = []
    for filterset, expected in (
        (
            OutstandingFilter({}),
            {"committee", "owner_organisation", "owner_person", "plan", "section"},
        ),
        (ActionFilter({}, plan=plan), {"section", "owner"}),
    ):
        listed = {
            name for name, spec in filterset.filters.items() if isinstance(spec, ListedChoiceFilter)
        }
        assert listed == expected
        forms_and_fields += [(filterset.form, name) for name in listed]
    for form, name in forms_and_fields:
        field = form.fields[name]
        records = forms.ModelChoiceField(field.queryset, empty_label=field.empty_label)
        ours = field.widget.render(name, "", {"id": f"id_{name}"})
        django = forms.Select({"class": "govuk-select"}, records.choices).render(
            name, "", {"id": f"id_{name}"}
        )
        assert ours == squeeze(django), name
        assert ours.count("<option") == field.queryset.count() + 1, name

    chosen = OutstandingFilter({"owner_person": str(owners[1].pk)}).form
    assert chosen.is_valid()
    assert chosen.cleaned_data["owner_person"] == owners[1]
    assert "Ann &lt;b&gt;Brown&lt;/b&gt;" in str(chosen["owner_person"])
