"""Each organisation's record at each meeting, kept at write time (OrganisationAttendance).

The rule. An organisation is expected at a public meeting held (not cancelled or postponed)
when one of its people was a member of the committee on the meeting's day (Membership's
start and end dates, Europe/London) or is named in the meeting's published attendance. At
each such meeting it was "represented" when one of its people was present, in any capacity;
else "apologies" when one sent them; else "absent" when one was recorded absent; else "not
recorded" (minutes not yet published, or only expected lines), which never counts against
it. Whether a meeting has yet been held (started before now) is asked when reading.

Working the rule out for a partner that sits on many committees meant joining its people's
memberships and thousands of attendance lines on every request, so `rule` states it once,
`refresh` stores its answer a meeting at a time, and the organisation pages read the stored
rows. `connect` ties `refresh` to every write the answer depends on: the saving of a meeting
(its committee, day, status, agenda and minutes), the saving and deleting of attendance
lines and memberships, and a person moving to another organisation. Code that writes those
in bulk, past the models' save(), calls `refresh` itself (the scale data).
"""

import threading
from collections import defaultdict

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from meetings.models import Attendance, Meeting, Membership, OrganisationAttendance
from safer_norfolk.models import Person

Record = OrganisationAttendance.Record
NOT_HELD = [Meeting.Status.CANCELLED, Meeting.Status.POSTPONED]
# A meeting's record from the best of the organisation's lines there, best first.
RECORD_OF_LINE = {
    Attendance.Status.PRESENT: Record.REPRESENTED,
    Attendance.Status.APOLOGIES: Record.APOLOGIES,
    Attendance.Status.ABSENT: Record.ABSENT,
}
_RANK = {status: rank for rank, status in enumerate(RECORD_OF_LINE)}
# How many meetings one pass of refresh() works out at a time.
BATCH = 1000


def rule(meeting_keys):
    """{(organisation id, meeting id): (committee id, starts_at, record)} for the meetings
    with these keys: the rule above, from what is in the database now (three queries)."""
    held = {
        pk: (committee, starts_at)
        for pk, committee, starts_at in Meeting.objects.public()
        .filter(pk__in=meeting_keys)
        .exclude(status__in=NOT_HELD)
        .values_list("pk", "committee_id", "starts_at")
    }
    by_committee = defaultdict(list)
    for pk, (committee, starts_at) in held.items():
        by_committee[committee].append((pk, timezone.localdate(starts_at)))

    best = {}  # (organisation, meeting): the best line status there, or None
    memberships = Membership.objects.filter(
        committee__in=list(by_committee), person__organisation__isnull=False
    ).values_list("committee_id", "person__organisation_id", "start_date", "end_date")
    for committee, organisation, start, end in memberships:
        for meeting, day in by_committee[committee]:
            if (start is None or start <= day) and (end is None or day <= end):
                best.setdefault((organisation, meeting), None)
    lines = (
        Attendance.objects.public()
        .filter(meeting__in=list(held), person__organisation__isnull=False)
        .values_list("person__organisation_id", "meeting_id", "status")
    )
    for organisation, meeting, status in lines:
        key = (organisation, meeting)
        found = best.get(key)
        if status in _RANK and (found is None or _RANK[status] < _RANK[found]):
            best[key] = status
        else:
            best.setdefault(key, None)
    return {
        (organisation, meeting): (
            *held[meeting],
            RECORD_OF_LINE.get(status, Record.NOT_RECORDED),
        )
        for (organisation, meeting), status in best.items()
    }


def refresh(meetings=None):
    """Store the rule's answer for `meetings` (keys or a queryset; every meeting when None),
    writing only the rows that changed, a batch of meetings at a time."""
    if meetings is None:
        keys = list(Meeting.objects.order_by("pk").values_list("pk", flat=True))
    elif hasattr(meetings, "values_list"):
        keys = list(meetings.values_list("pk", flat=True))
    else:
        keys = list(meetings)
    for start in range(0, len(keys), BATCH):
        _refresh(keys[start : start + BATCH])


def _refresh(keys):
    wanted = rule(keys)
    stored = {
        (organisation, meeting): (pk, (committee, starts_at, record))
        for pk, organisation, meeting, committee, starts_at, record in (
            OrganisationAttendance.objects.filter(meeting__in=keys).values_list(
                "pk", "organisation_id", "meeting_id", "committee_id", "starts_at", "record"
            )
        )
    }
    stale = [pk for key, (pk, row) in stored.items() if wanted.get(key) != row]
    if stale:
        OrganisationAttendance.objects.filter(pk__in=stale).delete()
    OrganisationAttendance.objects.bulk_create(
        [
            OrganisationAttendance(
                organisation_id=organisation,
                meeting_id=meeting,
                committee_id=committee,
                starts_at=starts_at,
                record=record,
            )
            for (organisation, meeting), (committee, starts_at, record) in wanted.items()
            if stored.get((organisation, meeting), (None, None))[1]
            != (committee, starts_at, record)
        ]
    )


# --- keeping it -----------------------------------------------------------------------------


def _meetings_of_committees(committees):
    return list(Meeting.objects.filter(committee__in=committees).values_list("pk", flat=True))


def _counted_at(instance):
    """The meetings whose answer reads `instance` (a line, a membership or a person) as the
    database holds it."""
    if isinstance(instance, Attendance):
        return list(Attendance.objects.filter(pk=instance.pk).values_list("meeting_id", flat=True))
    if isinstance(instance, Membership):
        return _meetings_of_committees(
            Membership.objects.filter(pk=instance.pk).values("committee_id")
        )
    return _meetings_of_committees(
        Membership.objects.filter(person=instance.pk).values("committee_id")
    ) + list(Attendance.objects.filter(person=instance.pk).values_list("meeting_id", flat=True))


# The meetings being deleted in this thread: deleting a meeting deletes its lines first, and
# their answers are not worked out again for a meeting about to go (its rows go with it).
_deleting = threading.local()


def _going():
    if not hasattr(_deleting, "meetings"):
        _deleting.meetings = set()
    return _deleting.meetings


def _meeting_saved(sender, instance, **kwargs):
    # Fixtures too (raw): whatever order their rows come in, the last save of any row the
    # rule reads stores the answer from what is then in the database.
    _going().discard(instance.pk)
    refresh([instance.pk])


def _meeting_deleting(sender, instance, **kwargs):
    _going().add(instance.pk)


def _meeting_deleted(sender, instance, **kwargs):
    _going().discard(instance.pk)


def _before(sender, instance, **kwargs):
    """Before a line or a membership changes or goes, note the meetings it counts at as it
    stands: it may move to another meeting or committee."""
    adding = instance._state.adding or instance.pk is None
    instance._attendance_record_before = [] if adding else _counted_at(instance)


def _after(sender, instance, **kwargs):
    keys = set(getattr(instance, "_attendance_record_before", []))
    if kwargs.get("signal") is not post_delete:
        keys |= set(_counted_at(instance))
    refresh(sorted(keys - _going()))


def _person_saving(sender, instance, **kwargs):
    """Note whether the person is moving to another organisation."""
    old = list(Person.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True))
    instance._attendance_record_moved = bool(old) and old[0] != instance.organisation_id


def _person_saved(sender, instance, **kwargs):
    if getattr(instance, "_attendance_record_moved", False):
        refresh(sorted(set(_counted_at(instance))))


def connect():
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="attendance-record-meeting")
    pre_delete.connect(_meeting_deleting, sender=Meeting, dispatch_uid="attendance-record-going")
    post_delete.connect(_meeting_deleted, sender=Meeting, dispatch_uid="attendance-record-gone")
    pre_save.connect(_person_saving, sender=Person, dispatch_uid="attendance-record-moving")
    post_save.connect(_person_saved, sender=Person, dispatch_uid="attendance-record-moved")
    for model in (Attendance, Membership):
        name = model._meta.model_name
        for when, signal, receiver in (
            ("saving", pre_save, _before),
            ("saved", post_save, _after),
            ("deleting", pre_delete, _before),
            ("deleted", post_delete, _after),
        ):
            signal.connect(receiver, sender=model, dispatch_uid=f"attendance-record-{when}-{name}")
