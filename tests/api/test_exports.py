import csv
import io

import pytest
from django.core.cache import caches
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    ObservationFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    SectionFactory,
    area,
)

pytestmark = pytest.mark.django_db

SECRET = "EXPORTHIDDENMARKER"


def rows(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_plan_actions_csv_honours_the_plan_page_filters(client):
    plan = PlanFactory(slug="safer-norfolk-plan")
    red = ActionFactory(
        section=SectionFactory(plan=plan), number="1.14", title="=cmd|' /C calc'!A0"
    )
    ActionUpdateFactory(action=red, rag="red", distance="far_off")
    ActionFactory(section=SectionFactory(plan=plan), number="1.15")
    ActionUpdateFactory(action=red, status="draft", rag="green", text=SECRET)

    everything = rows(client, reverse("delivery_plans:actions_csv", args=["safer-norfolk-plan"]))
    only_red = rows(
        client, reverse("delivery_plans:actions_csv", args=["safer-norfolk-plan"]), rag="red"
    )

    assert [row["Number"] for row in everything] == ["1.14", "1.15"]
    assert [
        (row["Number"], row["RAG"], row["Distance to the success measure"]) for row in only_red
    ] == [("1.14", "red", "far_off")]
    assert only_red[0]["Action"] == "'=cmd|' /C calc'!A0"
    assert (
        client.get(
            reverse("delivery_plans:actions_csv", args=[PlanFactory(status="draft").slug])
        ).status_code
        == 404
    )


def test_observations_csv_can_be_imported_again_and_hides_drafts(client):
    framework = OutcomeFrameworkFactory(slug="plan-outcomes")
    measure = MeasureFactory(outcome=OutcomeFactory(framework=framework, number="5"), number="1")
    ObservationFactory(measure=measure, value=3100, note="+44 helpline figure")
    ObservationFactory(measure=measure, area=area("norwich"), value=900)
    draft = OutcomeFrameworkFactory(slug="draft-outcomes", status="draft")
    ObservationFactory(measure=MeasureFactory(outcome=OutcomeFactory(framework=draft)), note=SECRET)

    figures = rows(client, reverse("outcomes:observations_csv", args=["plan-outcomes"]))
    norwich = rows(
        client, reverse("outcomes:observations_csv", args=["plan-outcomes"]), area="norwich"
    )

    assert {
        (row["framework"], row["outcome"], row["measure"], row["area"], row["value"])
        for row in figures
    } == {
        ("plan-outcomes", "5", "1", "Norfolk", "3100"),
        ("plan-outcomes", "5", "1", "Norwich", "900"),
    }
    assert [row["area"] for row in norwich] == ["Norwich"]
    assert (
        next(row for row in figures if row["area"] == "Norfolk")["note"] == "'+44 helpline figure"
    )
    assert (
        client.get(reverse("outcomes:observations_csv", args=["draft-outcomes"])).status_code == 404
    )


def test_observations_csv_rows_come_from_one_query_in_order_and_stay_inert(
    client, django_assert_num_queries
):
    framework = OutcomeFrameworkFactory(slug="plan-outcomes")
    first = MeasureFactory(
        outcome=OutcomeFactory(framework=framework, number="1", sort_key=1),
        number="1",
        title="=HYPERLINK(x)",
    )
    second = MeasureFactory(
        outcome=OutcomeFactory(framework=framework, number="2", sort_key=2), number="1"
    )
    ObservationFactory(measure=second, value="-2.500", note="@SUM(A1)")
    ObservationFactory(measure=first, area=area("norwich"), value="12.340", is_provisional=True)
    ObservationFactory(measure=first, value=3100)

    url = reverse("outcomes:observations_csv", args=["plan-outcomes"])
    # The page cache's generation, the framework, the stored file looked for, its figures,
    # then the file's row stored (in a savepoint) and the stale versions looked for.
    with django_assert_num_queries(8):
        response = client.get(url)
    # Then, with no copy in the page cache, the stored file: the generation, the framework,
    # the stored file.
    caches["pages"].clear()
    with django_assert_num_queries(3):
        assert client.get(url).content == response.content

    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "framework,outcome,measure,measure title,area,ONS code,period,period_start,period_end,"
        "value,provisional,note"
    )
    table = list(csv.reader(lines[1:]))
    assert [(row[1], row[4], row[9], row[10]) for row in table] == [
        ("1", "Norfolk", "3100", "no"),
        ("1", "Norwich", "12.34", "yes"),
        ("2", "Norfolk", "'-2.5", "no"),
    ]
    assert {row[3] for row in table[:2]} == {"'=HYPERLINK(x)"}
    assert table[2][11] == "'@SUM(A1)"
    assert response["Content-Disposition"] == 'attachment; filename="plan-outcomes-figures.csv"'


def test_committee_action_points_csv(client):
    meeting = MeetingFactory(minutes_published=True)
    ActionPointFactory(
        meeting=meeting, committee=meeting.committee, reference="07/01", description="@SUM(A1:A9)"
    )
    ActionPointFactory(
        meeting=meeting,
        committee=meeting.committee,
        reference="07/02",
        status="closed",
        closed_on="2022-10-11",
        response="Closed: Agenda Item 10",
    )
    hidden = MeetingFactory(committee=meeting.committee, minutes_draft=True)
    ActionPointFactory(
        meeting=hidden, committee=meeting.committee, reference="08/01", description=SECRET
    )

    everything = rows(
        client, reverse("meetings:committee_action_points_csv", args=[meeting.committee.slug])
    )
    open_only = rows(
        client,
        reverse("meetings:committee_action_points_csv", args=[meeting.committee.slug]),
        status="open",
    )

    assert [row["Reference"] for row in everything] == ["07/01", "07/02"]
    assert [row["Reference"] for row in open_only] == ["07/01"]
    assert everything[0]["Action"] == "'@SUM(A1:A9)"


def test_open_civic_data_event(client):
    meeting = MeetingFactory(status="cancelled", venue="County Hall")
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    DocumentFactory(meeting=meeting, agenda_item=item, title="Plan report")
    AgendaItemFactory(meeting=meeting, number="9", title=SECRET, is_exempt=True)

    response = client.get(
        reverse("meetings:meeting_ocd", args=[meeting.committee.slug, meeting.local_date])
    )

    event = response.json()
    assert event["_type"] == "event"
    assert event["status"] == "cancelled"
    assert event["timezone"] == "Europe/London"
    assert event["location"]["name"] == "County Hall"
    assert [entry["description"] for entry in event["agenda"]] == ["5. Delivery Plan"]
    assert event["agenda"][0]["media"][0]["links"][0]["media_type"] == "application/pdf"
    assert SECRET not in response.content.decode()
    draft = MeetingFactory(draft=True)
    assert (
        client.get(
            reverse("meetings:meeting_ocd", args=[draft.committee.slug, draft.local_date])
        ).status_code
        == 404
    )


def test_openapi_schema_and_documentation_page(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/meetings/" in document["paths"]
    assert "/api/v1/plan-actions/" in document["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs
    assert "cdn." not in docs


def test_openapi_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    assert "/api/v1/action-points/{id}/close/" in text
    assert "/api/v1/observations/bulk/" in text


def test_the_schema_is_generated_once_per_process_and_served_unchanged(client, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from safer_norfolk.views import ProcessSchemaGenerator

    monkeypatch.setattr(ProcessSchemaGenerator, "schemas", {})
    runs = []
    generate = SchemaGenerator.get_schema

    def counted(self, request=None, public=False):
        runs.append(public)
        return generate(self, request=request, public=public)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    json_type = "application/vnd.oai.openapi+json"

    first = client.get("/api/schema/", HTTP_ACCEPT=json_type)
    again = client.get("/api/schema/", HTTP_ACCEPT=json_type)
    yaml = client.get("/api/schema/")

    assert runs == [True]
    assert first.content == again.content
    assert first.json() == generate(SchemaGenerator(), request=None, public=True)
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml["Content-Disposition"] == 'inline; filename="Safer Norfolk API.yaml"'
    assert "/api/v1/meetings/" in yaml.content.decode()


def test_the_schema_is_written_once_per_process_in_each_format(client, monkeypatch):
    from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer

    from safer_norfolk.views import ProcessSchemaGenerator, SchemaView

    monkeypatch.setattr(ProcessSchemaGenerator, "schemas", {})
    monkeypatch.setattr(SchemaView, "bodies", {})
    written = []
    for renderer in (OpenApiYamlRenderer, OpenApiJsonRenderer):

        def counted(self, data, *args, _render=renderer.render, **kwargs):
            written.append(type(self).__name__)
            return _render(self, data, *args, **kwargs)

        monkeypatch.setattr(renderer, "render", counted)
    json_type = "application/vnd.oai.openapi+json"

    yaml = [client.get("/api/schema/") for _ in range(3)]
    json = [client.get("/api/schema/", HTTP_ACCEPT=json_type) for _ in range(2)]
    indented = client.get("/api/schema/", HTTP_ACCEPT=f"{json_type}; indent=1")

    assert written == ["OpenApiYamlRenderer", "OpenApiJsonRenderer", "OpenApiJsonRenderer"]
    assert len({response.content for response in yaml}) == 1
    assert {response["Content-Type"] for response in yaml} == {
        "application/vnd.oai.openapi; charset=utf-8"
    }
    assert yaml[2]["Content-Disposition"] == 'inline; filename="Safer Norfolk API.yaml"'
    assert json[0].content == json[1].content
    assert json[1]["Content-Type"] == json[0]["Content-Type"]
    assert json[1]["Content-Type"].startswith(json_type)
    assert json[1].json() == yaml_module().safe_load(yaml[2].content)
    # Asked with its own parameters, the schema is written for the asker, as they asked.
    assert indented.json() == json[0].json()
    assert indented.content != json[0].content


def yaml_module():
    import yaml

    return yaml
