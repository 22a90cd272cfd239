import datetime

import factory
from django.contrib.auth import get_user_model

from safer_norfolk.models import Organisation, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"officer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("officer-password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.COUNCIL


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    honorific = "Cllr"
    name = factory.Faker("name", locale="en_GB")
    job_title = ""
    organisation = factory.SubFactory(OrganisationFactory)


# --- meetings ---------------------------------------------------------------------------


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Committee"

    name = factory.Sequence(lambda n: f"Community Safety Scrutiny Panel {n}")
    short_name = factory.Sequence(lambda n: f"Panel {n}")
    slug = factory.Sequence(lambda n: f"panel-{n}")
    default_venue = "Council Chamber, County Hall, Norwich"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Membership"

    committee = factory.SubFactory(CommitteeFactory)
    person = factory.SubFactory(PersonFactory)
    role = "member"
    representing = factory.SelfAttribute("person.organisation")


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting in the past with its agenda published; traits for other states."""

    class Meta:
        model = "meetings.Meeting"

    committee = factory.SubFactory(CommitteeFactory)
    starts_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2022, 2, 24, 10, 0, tzinfo=datetime.UTC)
            - datetime.timedelta(days=7 * n)
        )
    )
    venue = "Council Chamber, County Hall, Norwich"
    agenda_status = "published"
    agenda_published_at = factory.LazyAttribute(
        lambda meeting: meeting.starts_at - datetime.timedelta(days=7)
    )

    class Params:
        draft = factory.Trait(agenda_status="draft", agenda_published_at=None)
        minutes_published = factory.Trait(
            status="held",
            minutes_status="published",
            minutes_published_at=factory.LazyAttribute(
                lambda m: m.starts_at + datetime.timedelta(days=14)
            ),
        )
        minutes_draft = factory.Trait(status="held", minutes_status="draft")


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Report {n}")
    kind = "report"


class MinuteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Minute"

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    heading = factory.Sequence(lambda n: f"Minute heading {n}")
    body = "The panel received the report.\n\nMembers discussed it."


class ResolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Resolution"

    minute = factory.SubFactory(MinuteFactory)
    order = factory.Sequence(lambda n: n + 1)
    verb = "noted"
    text = "the report."


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    status = "present"


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Declaration"

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    text = "A member of a partner organisation's board."


class ActionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.ActionPoint"

    meeting = factory.SubFactory(MeetingFactory, minutes_published=True)
    committee = factory.SelfAttribute("meeting.committee")
    reference = factory.Sequence(lambda n: f"07/{n + 1:02d}")
    description = factory.Sequence(lambda n: f"Circulate briefing note {n}")


class WrittenQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.WrittenQuestion"

    meeting = factory.SubFactory(MeetingFactory, minutes_published=True)
    number = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"How many referrals were made in quarter {n}?")
    addressed_to = factory.SubFactory(OrganisationFactory)


class WorkProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.WorkProgrammeItem"

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"Annual report {n}")
    target_text = "May/June 2022 (to be confirmed)"
    status = "scheduled"


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.Document"

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Report paper {n}")
    file = factory.django.FileField(filename="report.pdf", data=b"%PDF-1.4\n%%EOF\n")
    page_count = 1
    size_bytes = 16


# --- outcomes ---------------------------------------------------------------------------


def area(slug):
    """An area from the reference list the migration loads (Norfolk, its districts, …)."""
    from outcomes.models import Area

    return Area.objects.get(slug=slug)


class OutcomeFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.OutcomeFramework"

    title = factory.Sequence(lambda n: f"Safer Norfolk Plan outcomes {n}")
    slug = factory.Sequence(lambda n: f"plan-outcomes-{n}")
    organisation = factory.SubFactory(OrganisationFactory, kind="partnership_group")
    area = factory.LazyFunction(lambda: area("norfolk"))
    status = "published"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.Outcome"

    framework = factory.SubFactory(OutcomeFrameworkFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Reduce neighbourhood crime {n}")
    level = "long_term"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.Measure"

    outcome = factory.SubFactory(OutcomeFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Number of reported burglaries {n}")
    direction = "down"
    source = "Norfolk Constabulary"


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "outcomes.Observation"

    measure = factory.SubFactory(MeasureFactory)
    area = factory.LazyFunction(lambda: area("norfolk"))
    period_start = datetime.date(2021, 4, 1)
    period_end = datetime.date(2022, 3, 31)
    value = 100


# --- delivery plans ---------------------------------------------------------------------


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "delivery_plans.Plan"

    title = factory.Sequence(lambda n: f"Safer Norfolk delivery plan {n}")
    slug = factory.Sequence(lambda n: f"delivery-plan-{n}")
    organisation = factory.SubFactory(OrganisationFactory, kind="partnership_group")
    period_start = datetime.date(2021, 4, 1)
    period_end = datetime.date(2024, 3, 31)
    status = "published"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "delivery_plans.Section"

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Priority {n}")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "delivery_plans.Action"
        skip_postgeneration_save = True

    section = factory.SubFactory(SectionFactory)
    plan = factory.SelfAttribute("section.plan")
    number = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Deliver awareness campaign {n}")
    success_measure = "Campaign reaches every district"
    due_text = "Ongoing"
    due_precision = "ongoing"
    stage = "in_progress"

    @factory.post_generation
    def owners(self, create, extracted, **kwargs):
        if create and extracted:
            self.owners.set(extracted)


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "delivery_plans.ActionUpdate"

    action = factory.SubFactory(ActionFactory)
    reported_on = factory.LazyFunction(datetime.date.today)
    text = "Progress made this quarter."
    rag = "green"
    distance = "nearly_met"
    status = "published"
