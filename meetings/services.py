"""Every write to meetings beyond a plain form save (DESIGN §6).

Each service takes keyword arguments only, runs in one transaction, validates before it
writes and raises ValidationError with a message a committee officer understands. `by` is
the user doing it: services check what only a service can know (a partnership officer may
answer only questions addressed to their organisation).
"""

from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import get_text_list
from simple_history.utils import bulk_create_with_history

from meetings.models import (
    DEFAULT_STANDARD_ITEMS,
    ActionPoint,
    AgendaItem,
    AgendaPack,
    Attendance,
    Committee,
    Meeting,
    Membership,
    Report,
    WrittenQuestion,
)
from safer_norfolk import formats, page_cache
from safer_norfolk.audit import save_as


def _day(meeting):
    return formats.date(meeting.local_date, "j F Y")


def _lock(instance):
    """Re-read a row under a lock so two officers cannot make the same change at once."""
    return type(instance).objects.select_for_update().get(pk=instance.pk)


@transaction.atomic
def create_meeting(*, committee, starts_at, by, venue=None, mode=Meeting.Mode.IN_PERSON, **details):
    """A new meeting of `committee`, built from what its meetings always have:
    - the committee's standard items, numbered in order (the four opening items of
      DEFAULT_STANDARD_ITEMS for a committee that has set none);
    - on its first "Action points: review" item, the committee's action points still open
      and its written questions still awaiting a response, brought forward;
    - its current members, substitutes and standing officers listed as expected, each
      under the heading and with the department their membership gives."""
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "Give the meeting's start time with its time zone."})
    day = timezone.localdate(starts_at)
    same_day = Meeting.objects.filter(committee=committee, starts_at__date=day)
    if same_day.exists():
        raise ValidationError(
            {"starts_at": f"{committee} already has a meeting on {formats.date(day, 'j F Y')}."}
        )
    meeting = Meeting(
        committee=committee,
        starts_at=starts_at,
        venue=committee.default_venue if venue is None else venue,
        mode=mode,
        **details,
    )
    meeting.full_clean()
    save_as(meeting, by)

    standard = [
        (item.kind, item.title, item.description)
        for item in committee.standard_items.order_by("order", "pk")
    ] or [(kind, title, "") for kind, title in DEFAULT_STANDARD_ITEMS]
    items = bulk_create_with_history(
        [
            AgendaItem(
                meeting=meeting, number=str(position), kind=kind, title=title, description=text
            )
            for position, (kind, title, text) in enumerate(standard, start=1)
        ],
        AgendaItem,
        default_user=by,
    )
    review = next((item for item in items if item.kind == AgendaItem.Kind.ACTION_REVIEW), None)
    if review is not None:
        earlier = Q(meeting__committee=committee, meeting__starts_at__lt=starts_at)
        review = AgendaItem.objects.get(meeting=meeting, number=review.number)
        review.carried_action_points.set(ActionPoint.objects.open().filter(earlier))
        review.carried_questions.set(WrittenQuestion.objects.awaiting().filter(earlier))

    attendances, seen = [], set()
    capacity = {
        Membership.Role.SUBSTITUTE: Attendance.Capacity.SUBSTITUTE,
        Membership.Role.OFFICER: Attendance.Capacity.OFFICER,
    }
    memberships = committee.memberships.select_related("person").order_by("order", "pk")
    for membership in memberships:
        if not membership.is_current(on=day) or membership.person_id in seen:
            continue
        seen.add(membership.person_id)
        attendances.append(
            Attendance(
                meeting=meeting,
                person_id=membership.person_id,
                capacity=capacity.get(membership.role, Attendance.Capacity.MEMBER),
                status=Attendance.Status.EXPECTED,
                group_id=membership.group_id,
                department=membership.department,
                order=len(attendances),
            )
        )
    bulk_create_with_history(attendances, Attendance, default_user=by)
    return meeting


def _publication_date(recorded):
    """When a publication happened: now, unless the officer entering a past meeting recorded
    the date its papers were published then (MeetingForm), which is kept as it was."""
    now = timezone.now()
    return recorded if recorded is not None and recorded <= now else now


@transaction.atomic
def publish_agenda(*, meeting, by):
    meeting = _lock(meeting)
    if meeting.agenda_status == Meeting.AgendaStatus.PUBLISHED:
        raise ValidationError(f"The agenda for {_day(meeting)} is already published.")
    if not meeting.agenda_items.exists():
        raise ValidationError(
            f"The agenda for {_day(meeting)} has no items yet: add them before publishing."
        )
    meeting.agenda_status = Meeting.AgendaStatus.PUBLISHED
    meeting.agenda_published_at = _publication_date(meeting.agenda_published_at)
    meeting.full_clean()
    save_as(meeting, by, update_fields=["agenda_status", "agenda_published_at"])
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting, by):
    """Cancel a meeting. A published meeting stays public, marked cancelled."""
    meeting = _lock(meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(f"The meeting on {_day(meeting)} is already cancelled.")
    if (
        meeting.status == Meeting.Status.HELD
        or meeting.minutes_status != Meeting.MinutesStatus.NONE
    ):
        raise ValidationError(
            f"The meeting on {_day(meeting)} has been held; it cannot be cancelled."
        )
    meeting.status = Meeting.Status.CANCELLED
    save_as(meeting, by, update_fields=["status"])
    return meeting


@transaction.atomic
def publish_minutes(*, meeting, by):
    """Publish the draft minutes: public, marked draft until a later meeting confirms them."""
    meeting = _lock(meeting)
    day = _day(meeting)
    if meeting.agenda_status != Meeting.AgendaStatus.PUBLISHED:
        raise ValidationError(f"Publish the agenda for {day} before its minutes.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(f"The meeting on {day} was cancelled, so it has no minutes.")
    if meeting.minutes_status in (Meeting.MinutesStatus.PUBLISHED, Meeting.MinutesStatus.CONFIRMED):
        raise ValidationError(f"The minutes of {day} are already published.")
    if meeting.starts_at > timezone.now():
        raise ValidationError(f"The meeting on {day} has not taken place yet.")
    if not meeting.minutes.exists():
        raise ValidationError(f"The minutes of {day} have no minutes written yet.")
    meeting.minutes_status = Meeting.MinutesStatus.PUBLISHED
    meeting.minutes_published_at = _publication_date(meeting.minutes_published_at)
    meeting.status = Meeting.Status.HELD
    save_as(meeting, by, update_fields=["minutes_status", "minutes_published_at", "status"])
    return meeting


@transaction.atomic
def confirm_minutes(*, meeting, at_meeting, by):
    """Record that `at_meeting` agreed the minutes of `meeting` as an accurate record."""
    meeting = _lock(meeting)
    day = _day(meeting)
    if meeting.minutes_status == Meeting.MinutesStatus.CONFIRMED:
        raise ValidationError(f"The minutes of {day} are already confirmed.")
    if meeting.minutes_status != Meeting.MinutesStatus.PUBLISHED:
        raise ValidationError(f"Publish the minutes of {day} before they can be confirmed.")
    if at_meeting.pk == meeting.pk or at_meeting.starts_at <= meeting.starts_at:
        raise ValidationError(
            f"Minutes of {day} can only be confirmed at a later meeting, not at the meeting of {_day(at_meeting)}."
        )
    if at_meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(
            f"The meeting of {_day(at_meeting)} was cancelled; it cannot confirm minutes."
        )
    if at_meeting.committee_id != meeting.committee_id:
        raise ValidationError("Minutes are confirmed by a later meeting of the same committee.")
    meeting.minutes_status = Meeting.MinutesStatus.CONFIRMED
    meeting.minutes_confirmed_at_meeting = at_meeting
    save_as(meeting, by, update_fields=["minutes_status", "minutes_confirmed_at_meeting"])
    return meeting


def _report_to_change(report, by, expected_version, doing):
    """The report locked for a committee officer to publish or withdraw: refused to anyone
    else, and when the officer's page showed an older version (`expected_version`)."""
    if not by.has_perm("meetings.publish_report"):
        raise PermissionDenied(f"Only a committee officer may {doing} a report.")
    report = _lock(report)
    if expected_version is not None and report.version != expected_version:
        raise ValidationError(
            f"“{report.title}” was changed since you opened it: look at it again before you "
            f"{doing} it."
        )
    return report


@transaction.atomic
def publish_report(*, report, by, expected_version=None):
    """Publish a report with its agenda: public once the agenda is (at once, if it already
    is). Only a committee officer may (`meetings.publish_report`); a report with a required
    section left empty is refused, naming the sections. `expected_version`, the version the
    officer's page showed, refuses a page opened before someone else's change."""
    report = _report_to_change(report, by, expected_version, "publish")
    if report.status == Report.Status.PUBLISHED:
        raise ValidationError(f"“{report.title}” is already published.")
    missing = report.missing_sections()
    if missing:
        raise ValidationError(
            f"“{report.title}” cannot be published: write its "
            f"{get_text_list([f'“{heading}”' for heading in missing], 'and')} "
            f"section{'s' if len(missing) > 1 else ''} first."
        )
    report.status = Report.Status.PUBLISHED
    report.published_at = timezone.now()
    save_as(report, by, update_fields=["status", "published_at"])
    return report


@transaction.atomic
def withdraw_report(*, report, by, expected_version=None):
    """Take a published report back to draft: it leaves the site, its PDF and the pack."""
    report = _report_to_change(report, by, expected_version, "withdraw")
    if report.status != Report.Status.PUBLISHED:
        raise ValidationError(f"“{report.title}” is not published.")
    report.status = Report.Status.DRAFT
    save_as(report, by, update_fields=["status"])
    return report


def next_action_reference(*, committee, meeting):
    """The next reference in the committee's scheme (Committee.reference_scheme).

    "MM/NN": the month of the meeting, then the next number used in that month's series; the
    series continues across years ("07/08" after last July's "07/07"), so a committee's
    references never repeat. "OR 3": the prefix, then the next number after the highest so
    far. "3": the next number.
    """
    scheme = committee.reference_scheme
    if scheme == Committee.ReferenceScheme.MONTH:
        prefix, template = f"{meeting.local_date:%m}/", "{prefix}{number:02d}"
    elif scheme == Committee.ReferenceScheme.PREFIXED:
        prefix, template = f"{committee.reference_prefix.strip()} ", "{prefix}{number}"
    else:
        prefix, template = "", "{prefix}{number}"
    used = committee.action_points.filter(reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [
        int(reference[len(prefix) :])
        for reference in used
        if reference[len(prefix) :].isascii() and reference[len(prefix) :].isdigit()
    ]
    return template.format(prefix=prefix, number=max(numbers, default=0) + 1)


@transaction.atomic
def raise_action_point(
    *,
    meeting,
    description,
    by,
    minute=None,
    owner_person=None,
    owner_organisation=None,
    due_date=None,
    due_meeting=None,
    reference=None,
    title="",
    owner_text="",
):
    committee = meeting.committee
    # Serialise reference numbering per committee.
    type(committee).objects.select_for_update().filter(pk=committee.pk).first()
    if minute is not None and minute.meeting_id != meeting.pk:
        raise ValidationError(
            {"minute": "The minute must belong to the meeting that raised the action."}
        )
    if not (description or "").strip():
        raise ValidationError({"description": "Say what has to be done."})
    reference = (reference or "").strip() or next_action_reference(
        committee=committee, meeting=meeting
    )
    if committee.action_points.filter(reference=reference).exists():
        raise ValidationError(
            {"reference": f"{committee} already has an action point {reference}."}
        )
    action_point = ActionPoint(
        committee=committee,
        meeting=meeting,
        minute=minute,
        reference=reference,
        title=(title or "").strip(),
        description=description.strip(),
        owner_text=(owner_text or "").strip(),
        owner_person=owner_person,
        owner_organisation=owner_organisation,
        due_date=due_date,
        due_meeting=due_meeting,
    )
    action_point.full_clean()
    save_as(action_point, by)
    return action_point


@transaction.atomic
def close_action_point(
    *, action_point, response, by, closed_on=None, closed_at_meeting=None, closed_day_given=True
):
    """Close `action_point` with `response`, on `closed_on` (today, or the day of
    `closed_at_meeting`, when not given). `closed_day_given` False: the paper shows it closed
    but gives no day, and `closed_on` is the latest day it can have been."""
    action_point = _lock(action_point)
    if action_point.status == ActionPoint.Status.CLOSED:
        when = (
            formats.date(action_point.closed_on, "j F Y") if action_point.closed_on else "earlier"
        )
        raise ValidationError(
            f"Action point {action_point.reference} is already closed (closed {when})."
        )
    if not (response or "").strip():
        raise ValidationError(
            {"response": f"Say how action point {action_point.reference} was closed."}
        )
    if (
        closed_at_meeting is not None
        and closed_at_meeting.starts_at < action_point.meeting.starts_at
    ):
        raise ValidationError(
            {
                "closed_at_meeting": "An action point cannot be closed at a meeting before the one that raised it."
            }
        )
    action_point.status = ActionPoint.Status.CLOSED
    action_point.response = response.strip()
    action_point.closed_on = closed_on or (
        closed_at_meeting.local_date if closed_at_meeting is not None else timezone.localdate()
    )
    if not closed_day_given and closed_on is None:
        raise ValidationError(
            {"closed_on": "Give the latest day it can have been closed: the paper gives none."}
        )
    action_point.closed_day_given = closed_day_given
    action_point.closed_at_meeting = closed_at_meeting
    action_point.full_clean()
    save_as(action_point, by)
    return action_point


def answers_for_any_organisation(user):
    """Committee officers record a response as whichever organisation gave it."""
    return user.is_superuser or user.has_perm("meetings.add_writtenquestion")


def can_respond(user, question):
    """Committee officers answer any question; partnership officers those addressed to their organisation."""
    if answers_for_any_organisation(user):
        return True
    if not user.has_perm("meetings.change_writtenquestion"):
        return False
    person = getattr(user, "person", None)
    return (
        person is not None
        and question.addressed_to_id is not None
        and (person.organisation_id == question.addressed_to_id)
    )


@transaction.atomic
def record_written_response(*, question, response, responded_by, by, responded_on=None):
    question = _lock(question)
    if not can_respond(by, question):
        raise PermissionDenied("You may only respond to questions addressed to your organisation.")
    if question.status == WrittenQuestion.Status.WITHDRAWN:
        raise ValidationError(
            f"Question {question.number} was withdrawn, so it cannot be answered."
        )
    if not (response or "").strip():
        raise ValidationError({"response": "Write the response before recording it."})
    if not answers_for_any_organisation(by):
        # A partnership officer answers for their own organisation, to which it is addressed.
        if responded_by is not None and responded_by.pk != question.addressed_to_id:
            raise ValidationError(
                {"responded_by": "You may record a response only as your own organisation."}
            )
        responded_by = question.addressed_to
    question.response = response.strip()
    question.responded_by = responded_by
    question.responded_on = responded_on or timezone.localdate()
    question.status = WrittenQuestion.Status.ANSWERED
    question.full_clean()
    save_as(question, by)
    return question


# --- agenda packs -------------------------------------------------------------------------


# How long a process remembers which pack is current at a content generation: the answer
# cannot go stale (a new generation is a new key), so this only bounds what is kept.
CURRENT_PACK_SECONDS = 3600


def request_pack(*, meeting, restricted=False, generation=None):
    """The pack for the meeting as it stands now: the stored one if nothing in it has
    changed, otherwise a new one queued for building (with the immediate task backend it is
    built before this returns). Returns the AgendaPack row.

    Finding whether anything changed reads everything the pack holds. Given `generation`
    (the site's content counter, read before anything else: safer_norfolk.page_cache), a
    pack found built and current is remembered for that generation, and later requests at
    the same generation take it without reading the pack's content again: no save or delete
    anywhere leaves the counter where it was.

    A pack whose build failed, or that is still not built PACK_BUILD_TIMEOUT_MINUTES after it
    was asked for (its task lost, or stuck), is queued again, at most once per timeout. Its
    `error` stays set until a build succeeds, so its address offers the papers one by one
    meanwhile instead of "being prepared" for ever."""
    from datetime import timedelta

    from django.conf import settings

    from meetings import pdf, tasks

    remembered = f"current-pack:{meeting.pk}:{int(restricted)}:{generation}"
    if generation is not None:
        known = caches[page_cache.CACHE_ALIAS].get(remembered)
        pack = known and (
            AgendaPack.objects.filter(
                pk=known, meeting=meeting, restricted=restricted, status=AgendaPack.Status.READY
            ).first()
        )
        if pack:
            return pack
    content_hash = pdf.plan_pack(meeting, restricted=restricted).content_hash()
    now = timezone.now()
    timeout = timedelta(minutes=settings.PACK_BUILD_TIMEOUT_MINUTES)
    with transaction.atomic():
        # Locked, so that of two requests for a stale pack only one queues it again.
        pack, created = AgendaPack.objects.select_for_update().get_or_create(
            meeting=meeting, restricted=restricted, content_hash=content_hash
        )
        stale = pack.status == AgendaPack.Status.BUILDING and pack.requested_at < now - timeout
        if stale:
            pack.error = (
                f"Not built within {settings.PACK_BUILD_TIMEOUT_MINUTES} minute(s) of being "
                "asked for."
            )
        retry = not created and (stale or pack.status == AgendaPack.Status.FAILED)
        if retry:
            pack.status, pack.requested_at = AgendaPack.Status.BUILDING, now
            pack.save(update_fields=["status", "error", "requested_at"])
    if created or retry:
        tasks.build_agenda_pack.enqueue(pack.pk)
        pack.refresh_from_db()
    if generation is not None and pack.status == AgendaPack.Status.READY:
        caches[page_cache.CACHE_ALIAS].set(remembered, pack.pk, CURRENT_PACK_SECONDS)
    return pack


def current_pack(meeting, items, *, packs=None):
    """The public pack whose page numbers are those of the meeting's agenda as it is now
    (`items`: its public agenda items with their `papers`), or None. A pack built before an
    item or paper was added, removed, replaced or reordered is not offered; nothing is read
    or hashed beyond the pack rows (`packs`, if already read)."""
    from meetings import pdf

    if packs is None:
        packs = list(AgendaPack.objects.filter(meeting=meeting, restricted=False))
    layout = pdf.layout_key(items)
    return next(
        (
            pack
            for pack in packs
            if pack.status == AgendaPack.Status.READY and pack.layout == layout
        ),
        None,
    )
