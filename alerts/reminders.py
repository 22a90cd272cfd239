"""Reminders to those who owe something, before it is due and once it is late (run by
`send_notifications`):

- an action point REMINDER_DAYS_BEFORE days before its due date, and once overdue;
- a written question's response the same way, by its `response_due`;
- a plan action's owners when its next update falls due within REMINDER_DAYS_BEFORE days (its
  plan's reporting interval after the last published update), and once it has gone without
  one past that (stale; "never updated" counts from the first run that sees it);
- the committee officer when a meeting's agenda is still unpublished on the last day that
  leaves five clear working days before the meeting (weekends and England and Wales bank
  holidays, from the `holidays` package, are not working days).

An action point goes to its owner, or else to its organisation's partnership officers, or
else to the committee officer (the committee's contact); a question to the partnership
officers of the organisation it is addressed to, or else the committee officer; a plan
action to its lead, or else its organisations' partnership officers. Only published records
are reminded of. Each reminder is written once (Reminder: kind, record, date and address);
an address can stop them from the link in each (ReminderOptOut). Each address gets one
message a run, listing all its reminders.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import holidays
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from alerts import delivery, links
from alerts.models import Message, Reminder, ReminderOptOut
from delivery_plans.models import Action
from delivery_plans.queries import FINISHED
from meetings.models import ActionPoint, Meeting, WrittenQuestion
from safer_norfolk import formats
from safer_norfolk.models import Person
from safer_norfolk.roles import PARTNERSHIP_OFFICER

Kind = Reminder.Kind
AGENDA_CLEAR_DAYS = 5
# The date a reminder of a plan action never updated is about.
NEVER = datetime.date(1900, 1, 1)
# How far ahead unpublished agendas are looked for: more than five clear working days with
# a holiday season between.
AGENDA_LOOKAHEAD_DAYS = 21


@dataclass
class Due:
    kind: str
    about: str  # "action_point:12"
    due: datetime.date
    title: str
    path: str
    to: list = field(default_factory=list)


# --- working days -------------------------------------------------------------------------


@cache
def _bank_holidays(year):
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day):
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def agenda_deadline(meeting_day):
    """The last day a meeting's agenda may be published: five clear working days lie between
    it and the meeting (neither day counted)."""
    day, counted = meeting_day, 0
    while counted < AGENDA_CLEAR_DAYS + 1:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


# --- who is reminded ----------------------------------------------------------------------


def _partnership_officers(organisations):
    """{organisation: [addresses]} of the active partnership officers of each."""
    officers = defaultdict(list)
    people = Person.objects.filter(
        organisation__in=organisations,
        user__is_active=True,
        user__groups__name=PARTNERSHIP_OFFICER,
    ).values_list("organisation_id", "email", "user__email")
    for organisation, email, user_email in people.order_by("pk"):
        if email or user_email:
            officers[organisation].append(email or user_email)
    return officers


def _committee_officer(committee):
    address = committee.contact_email or (committee.contact.email if committee.contact else "")
    return [address] if address else []


# --- what is due --------------------------------------------------------------------------


def due_items(today=None, now=None):
    """[Due] for every reminder the rules call for today, with its addresses (before
    reminders already written and addresses that opted out are left out)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    soon = today + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    items = []

    points = list(
        ActionPoint.objects.public()
        .open()
        .filter(due_date__isnull=False, due_date__lte=soon)
        .select_related("owner_person", "committee__contact", "meeting__committee")
        .order_by("due_date", "pk")
    )
    questions = list(
        WrittenQuestion.objects.public()
        .awaiting()
        .filter(response_due__isnull=False, response_due__lte=soon)
        .select_related("meeting__committee__contact", "addressed_to")
        .order_by("response_due", "pk")
    )
    actions = list(
        Action.objects.public()
        .exclude(stage__in=FINISHED)
        .select_related("plan", "lead")
        .prefetch_related("owners")
        .order_by("plan_id", "sort_key", "pk")
    )
    officers = _partnership_officers(
        {point.owner_organisation_id for point in points}
        | {question.addressed_to_id for question in questions}
        | {owner.pk for action in actions for owner in action.owners.all()}
    )

    for point in points:
        if point.owner_person and point.owner_person.email:
            to = [point.owner_person.email]
        else:
            to = officers.get(point.owner_organisation_id) or _committee_officer(point.committee)
        items.append(
            Due(
                Kind.OVERDUE if point.due_date < today else Kind.DUE_SOON,
                f"action_point:{point.pk}",
                point.due_date,
                f"Action point {point.reference or point.pk}: {formats.words(point.description, 20)}",
                point.get_absolute_url(),
                to,
            )
        )
    for question in questions:
        to = officers.get(question.addressed_to_id) or _committee_officer(
            question.meeting.committee
        )
        items.append(
            Due(
                Kind.OVERDUE if question.response_due < today else Kind.DUE_SOON,
                f"question:{question.pk}",
                question.response_due,
                f"Written question {question.number}: {formats.words(question.question, 20)}",
                question.get_absolute_url(),
                to,
            )
        )
    for action in actions:
        interval = datetime.timedelta(days=action.plan.reporting_interval_days)
        if action.last_update_on is None:
            kind, due = Kind.STALE, NEVER
        else:
            due = action.last_update_on + interval
            if due > soon:
                continue
            kind = Kind.STALE if due < today else Kind.UPDATE_DUE
        if action.lead and action.lead.email:
            to = [action.lead.email]
        else:
            to = [
                address for owner in action.owners.all() for address in officers.get(owner.pk, ())
            ]
        items.append(
            Due(
                kind,
                f"plan_action:{action.pk}",
                due,
                f"{action.plan.title}, action {action.number}: {formats.words(action.title, 20)}",
                action.get_absolute_url(),
                to,
            )
        )

    unpublished = (
        Meeting.objects.unpublished()
        .filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=AGENDA_LOOKAHEAD_DAYS),
        )
        .select_related("committee__contact")
        .order_by("starts_at", "pk")
    )
    for meeting in unpublished:
        day = meeting.local_date
        deadline = agenda_deadline(day)
        if today < deadline:
            continue
        items.append(
            Due(
                Kind.AGENDA_LATE,
                f"meeting:{meeting.pk}",
                day,
                f"{meeting.committee.name}, {formats.date(day, 'j F Y')}: publish the agenda by "
                f"{formats.date(deadline, 'j F Y')} (five clear working days before)",
                reverse("admin:meetings_meeting_change", args=[meeting.pk]),
                _committee_officer(meeting.committee),
            )
        )
    return items


# --- writing them -------------------------------------------------------------------------


def write_reminders(today=None, now=None):
    """Write today's reminders not written before, one message to each address; returns how
    many reminders were written."""
    items = due_items(today, now)
    if not items:
        return 0
    stopped = set(ReminderOptOut.objects.values_list("email", flat=True))
    written_before = set(
        Reminder.objects.filter(about__in={item.about for item in items}).values_list(
            "kind", "about", "due", "to"
        )
    )
    by_address = defaultdict(list)
    for item in items:
        for address in dict.fromkeys(item.to):
            if address in stopped or (item.kind, item.about, item.due, address) in written_before:
                continue
            by_address[address].append(item)
    if not by_address:
        return 0
    with transaction.atomic():
        messages = [_message(address, owed) for address, owed in by_address.items()]
        delivery.queue(messages)
        reminders = [
            Reminder(kind=item.kind, about=item.about, due=item.due, to=message.to, message=message)
            for message, owed in zip(messages, by_address.values(), strict=True)
            for item in owed
        ]
        Reminder.objects.bulk_create(reminders)
    return len(reminders)


def _message(address, owed):
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "owed": owed,
        "kinds": dict(Kind.choices),
        "stop_url": links.reminders_off_url(address),
    }
    late = sum(item.kind in (Kind.OVERDUE, Kind.STALE, Kind.AGENDA_LATE) for item in owed)
    subject = f"Reminder: {len(owed)} thing{'s' if len(owed) > 1 else ''} due"
    if late:
        subject += f", {late} late"
    return Message(
        to=address,
        subject=subject,
        text=render_to_string("alerts/email/reminders.txt", context),
        html=render_to_string("alerts/email/reminders.html", context),
        reason="reminder",
    )
