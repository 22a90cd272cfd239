"""Whether an action point or a written question is public is stored on it (`is_public`) and
follows every write that can change the rule's answer: its meeting's agenda and minutes, the
agenda item it was raised on (made exempt or not, deleted), its minute (moved to another
item, deleted), itself (moved to another minute or item), fixtures, and the scale data
written in bulk. After each step the stored answer is compared with the rule worked out
afresh (`publication_rule()`), for every row."""

import io
import json

import pytest
from django.core.management import call_command

from meetings import publication
from meetings.models import ActionPoint, Meeting, WrittenQuestion
from meetings.services import publish_agenda, publish_minutes
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    MeetingFactory,
    MinuteFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def public_keys(model):
    return set(model.objects.public().values_list("pk", flat=True))


def rule_keys(model):
    return set(model.objects.publication_rule().values_list("pk", flat=True))


def assert_stored_is_the_rule():
    for model in (ActionPoint, WrittenQuestion):
        assert public_keys(model) == rule_keys(model), model.__name__


@pytest.fixture
def business():
    """A meeting with published minutes, an open item and an exempt one, each with a minute,
    an action point and a question; and a second, draft meeting with the same."""
    made = {}
    for name, traits in (("held", {"minutes_published": True}), ("draft", {"draft": True})):
        meeting = MeetingFactory(**traits)
        for exempt in (False, True):
            item = AgendaItemFactory(meeting=meeting, is_exempt=exempt)
            minute = MinuteFactory(meeting=meeting, agenda_item=item)
            key = f"{name}-{'exempt' if exempt else 'open'}"
            made[key] = {
                "meeting": meeting,
                "item": item,
                "minute": minute,
                "point": ActionPointFactory(
                    meeting=meeting, committee=meeting.committee, minute=minute
                ),
                "question": WrittenQuestionFactory(meeting=meeting, agenda_item=item),
            }
    return made


def test_created_rows_store_the_rule(business):
    assert public_keys(ActionPoint) == {business["held-open"]["point"].pk}
    assert public_keys(WrittenQuestion) == {business["held-open"]["question"].pk}
    assert_stored_is_the_rule()


def test_publishing_and_withdrawing_minutes(business, officer):
    meeting = business["draft-open"]["meeting"]
    publish_agenda(meeting=meeting, by=officer)
    meeting.refresh_from_db()
    meeting.status = Meeting.Status.HELD
    meeting.save()
    assert business["draft-open"]["point"].pk not in public_keys(ActionPoint)
    publish_minutes(meeting=meeting, by=officer)
    assert business["draft-open"]["point"].pk in public_keys(ActionPoint)
    assert business["draft-open"]["question"].pk in public_keys(WrittenQuestion)
    assert business["draft-exempt"]["point"].pk not in public_keys(ActionPoint)
    assert_stored_is_the_rule()

    meeting.refresh_from_db()
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save()
    assert business["draft-open"]["point"].pk not in public_keys(ActionPoint)
    assert business["draft-open"]["question"].pk not in public_keys(WrittenQuestion)
    assert_stored_is_the_rule()


def test_an_item_made_exempt_takes_its_points_and_questions_out(business):
    item = business["held-open"]["item"]
    item.is_exempt = True
    item.save()
    assert public_keys(ActionPoint) == set()
    assert public_keys(WrittenQuestion) == set()
    assert_stored_is_the_rule()

    item.is_exempt = False
    item.save()
    assert public_keys(ActionPoint) == {business["held-open"]["point"].pk}
    assert_stored_is_the_rule()


def test_a_minute_moved_to_an_exempt_item(business):
    minute = business["held-open"]["minute"]
    minute.agenda_item = business["held-exempt"]["item"]
    minute.save()
    assert business["held-open"]["point"].pk not in public_keys(ActionPoint)
    assert_stored_is_the_rule()


def test_a_point_or_question_moved_to_an_exempt_item(business):
    point = business["held-open"]["point"]
    point.minute = business["held-exempt"]["minute"]
    point.save()
    question = business["held-open"]["question"]
    question.agenda_item = business["held-exempt"]["item"]
    question.save()
    assert public_keys(ActionPoint) == set()
    assert public_keys(WrittenQuestion) == set()
    assert_stored_is_the_rule()


def test_a_stale_instance_saved_does_not_write_back_an_old_answer(business):
    stale = ActionPoint.objects.get(pk=business["held-open"]["point"].pk)
    assert stale.is_public
    item = business["held-open"]["item"]
    item.is_exempt = True
    item.save()
    stale.description = "Edited from a page opened before the item was made exempt."
    stale.save()
    assert public_keys(ActionPoint) == set()
    assert_stored_is_the_rule()


def test_deleting_an_exempt_item_or_its_minute_follows_the_rule(business):
    # Deleting unlinks the rows (SET_NULL): the rule no longer finds them exempt.
    business["held-exempt"]["minute"].delete()
    assert business["held-exempt"]["point"].pk in public_keys(ActionPoint)
    business["held-exempt"]["item"].delete()
    assert business["held-exempt"]["question"].pk in public_keys(WrittenQuestion)
    assert_stored_is_the_rule()


def test_fixtures_store_the_rule_whatever_order_their_rows_come_in(business, tmp_path):
    rows = []
    for model in ("meetings.actionpoint", "meetings.writtenquestion", "meetings.minute"):
        out = io.StringIO()
        call_command("dumpdata", model, stdout=out)
        rows.extend(json.loads(out.getvalue()))
    out = io.StringIO()
    call_command("dumpdata", "meetings.agendaitem", "meetings.meeting", stdout=out)
    items = json.loads(out.getvalue())
    for row in rows + items:
        if "is_public" in row["fields"]:
            row["fields"]["is_public"] = not row["fields"]["is_public"]  # every answer wrong
    for row in items:
        if row["model"] == "meetings.agendaitem" and row["pk"] == business["held-open"]["item"].pk:
            row["fields"]["is_exempt"] = True
    fixture = tmp_path / "business.json"
    # The dependants first, their item and meeting last.
    fixture.write_text(json.dumps(rows + items))
    call_command("loaddata", str(fixture), verbosity=0)
    assert public_keys(ActionPoint) == set()
    assert public_keys(WrittenQuestion) == set()
    assert_stored_is_the_rule()


def test_refresh_mends_answers_written_past_save(business):
    ActionPoint.objects.update(is_public=True)
    WrittenQuestion.objects.update(is_public=True)
    publication.refresh()
    assert public_keys(ActionPoint) == {business["held-open"]["point"].pk}
    assert_stored_is_the_rule()
