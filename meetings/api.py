from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from meetings import filters, queries, services
from meetings.models import (
    ActionPoint,
    ActionPointNote,
    AgendaItem,
    Committee,
    Document,
    Meeting,
    Membership,
    Minute,
    Report,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from safer_norfolk.api import (
    AbsoluteUrlField,
    KeysField,
    PublicKeyField,
    PublicReadViewSet,
    WithETag,
    absolute_url,
    model_permission,
    service_errors,
)
from safer_norfolk.models import Organisation, Person
from safer_norfolk.pagination import NestedListPagination


class CommitteeSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()

    class Meta:
        model = Committee
        fields = [
            "id", "name", "short_name", "slug", "parent", "partnership", "description", "terms_of_reference",
            "contact_email", "contact_phone", "default_venue", "url", "created", "modified",
        ]  # fmt: skip


class MembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Membership
        fields = [
            "id",
            "committee",
            "person",
            "role",
            "representing",
            "substitute_for",
            "start_date",
            "end_date",
            "created",
            "modified",
        ]


class DocumentSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()

    class Meta:
        model = Document
        fields = ["id", "title", "kind", "page_count", "size_bytes", "url"]


class AgendaItemSerializer(serializers.ModelSerializer):
    documents = DocumentSerializer(source="papers", many=True, read_only=True)
    plan = PublicKeyField(source="public_plan")
    plan_actions = KeysField(source="plan_action_list")
    outcomes = KeysField(source="outcome_list")

    class Meta:
        model = AgendaItem
        fields = [
            "id", "meeting", "number", "title", "description", "kind", "lead_text", "duration_minutes", "plan",
            "plan_actions", "outcomes", "documents", "created", "modified",
        ]  # fmt: skip


class MeetingSerializer(serializers.ModelSerializer):
    agenda_items = AgendaItemSerializer(source="public_items", many=True, read_only=True)
    minutes_confirmed_at_meeting = PublicKeyField(source="public_confirming_meeting")
    url = AbsoluteUrlField()

    class Meta:
        model = Meeting
        fields = [
            "id", "committee", "starts_at", "start_time_known", "ends_at", "venue", "mode", "livestream_url", "public_notice",
            "public_questions_deadline", "status", "agenda_published_at", "minutes_status", "minutes_published_at",
            "minutes_confirmed_at_meeting", "url", "agenda_items", "created", "modified",
        ]  # fmt: skip


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["id", "minute", "order", "verb", "text", "created", "modified"]


class MinuteSerializer(serializers.ModelSerializer):
    resolutions = ResolutionSerializer(many=True, read_only=True)

    class Meta:
        model = Minute
        fields = [
            "id",
            "meeting",
            "agenda_item",
            "number",
            "heading",
            "body",
            "resolutions",
            "created",
            "modified",
        ]


class ActionPointNoteSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = ActionPointNote
        fields = ["noted_on", "text", "author"]


class ActionPointSerializer(serializers.ModelSerializer):
    notes = ActionPointNoteSerializer(many=True, read_only=True)
    due_meeting = PublicKeyField(source="public_due_meeting")
    closed_at_meeting = PublicKeyField(source="public_closing_meeting")
    plan_actions = KeysField(source="plan_action_list")

    class Meta:
        model = ActionPoint
        fields = [
            "id", "committee", "meeting", "minute", "reference", "title", "description",
            "owner_text", "owner_person", "owner_organisation", "due_date", "due_meeting",
            "status", "response", "closed_on", "closed_day_given", "closed_at_meeting", "plan_actions", "notes",
            "created", "modified",
        ]  # fmt: skip


class WrittenQuestionSerializer(serializers.ModelSerializer):
    response = serializers.SerializerMethodField()
    plan_actions = KeysField(source="plan_action_list")

    class Meta:
        model = WrittenQuestion
        fields = [
            "id", "meeting", "agenda_item", "number", "question", "asked_by", "addressed_to", "plan_actions",
            "status", "response_due", "response", "responded_by", "responded_on", "created", "modified",
        ]  # fmt: skip

    def get_response(self, question) -> str:
        """The response is published only once the question is answered."""
        return question.response if question.status == WrittenQuestion.Status.ANSWERED else ""


class WorkProgrammeItemSerializer(serializers.ModelSerializer):
    meeting = PublicKeyField(source="public_meeting")

    class Meta:
        model = WorkProgrammeItem
        fields = [
            "id",
            "committee",
            "meeting",
            "target_text",
            "title",
            "issues",
            "invited",
            "status",
            "created",
            "modified",
        ]


class CommitteeViewSet(PublicReadViewSet):
    serializer_class = CommitteeSerializer
    filterset_class = filters.CommitteeApiFilter
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def public_queryset(self):
        return Committee.objects.all()


class MembershipViewSet(PublicReadViewSet):
    serializer_class = MembershipSerializer
    filterset_class = filters.MembershipApiFilter
    ordering_fields = ["order", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return Membership.objects.all()


class MeetingViewSet(PublicReadViewSet):
    """Published meetings. Committee officers create a meeting with POST: the committee's
    standard items and expected attendees are added."""

    # A meeting carries its agenda and each item its papers.
    modified_with = ("agenda_items", "documents")
    serializer_class = MeetingSerializer
    pagination_class = NestedListPagination
    filterset_class = filters.MeetingApiFilter
    ordering_fields = ["starts_at", "id"]
    ordering = ["-starts_at"]

    def public_queryset(self):
        return queries.api_meetings()

    def get_permissions(self):
        if self.action == "create":
            return [model_permission("meetings.add_meeting")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return CreateMeetingSerializer if self.action == "create" else MeetingSerializer

    def create(self, request):
        incoming = CreateMeetingSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        if "venue" in data and not data["venue"]:
            data.pop("venue")
        meeting = _run(services.create_meeting, by=request.user, **data)
        return Response(
            {"id": meeting.pk, "url": absolute_url(request, meeting.get_absolute_url())},
            status=status.HTTP_201_CREATED,
        )


class AgendaItemViewSet(PublicReadViewSet):
    """Public agenda items. Committee officers add items with POST."""

    serializer_class = AgendaItemSerializer
    filterset_class = filters.AgendaItemApiFilter
    ordering_fields = ["sort_key", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_agenda_items()

    def get_permissions(self):
        if self.action == "create":
            return [model_permission("meetings.add_agendaitem")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return AgendaItemWriteSerializer if self.action == "create" else AgendaItemSerializer

    def create(self, request):
        incoming = AgendaItemWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        item = incoming.save()
        return Response(AgendaItemWriteSerializer(item).data, status=status.HTTP_201_CREATED)


class MinuteViewSet(PublicReadViewSet):
    modified_with = ("resolutions",)
    serializer_class = MinuteSerializer
    filterset_class = filters.MinuteApiFilter
    ordering_fields = ["sort_key", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_minutes()


class ResolutionViewSet(PublicReadViewSet):
    serializer_class = ResolutionSerializer
    filterset_class = filters.ResolutionApiFilter
    ordering_fields = ["order", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return Resolution.objects.public()


class ActionPointViewSet(WithETag, PublicReadViewSet):
    """Action points raised at meetings whose minutes are published. Committee officers raise
    one with POST (its reference is assigned) and close one with POST to …/close/."""

    modified_with = ("notes",)
    serializer_class = ActionPointSerializer
    filterset_class = filters.ActionPointApiFilter
    ordering_fields = ["sort_key", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_action_points()

    def get_permissions(self):
        if self.action == "create":
            return [model_permission("meetings.add_actionpoint")()]
        if self.action == "close":
            return [model_permission("meetings.change_actionpoint")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return {"create": RaiseActionPointSerializer, "close": CloseActionPointSerializer}.get(
            self.action, ActionPointSerializer
        )

    def create(self, request):
        incoming = RaiseActionPointSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        point = _run(services.raise_action_point, by=request.user, **incoming.validated_data)
        point = queries.api_action_point_as_written(point.pk)
        return Response(ActionPointSerializer(point).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        point = queries.api_action_point_as_written(pk)
        self.check_if_match(request, point)
        incoming = CloseActionPointSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        point = _run(
            services.close_action_point,
            action_point=point,
            by=request.user,
            **incoming.validated_data,
        )
        point = queries.api_action_point_as_written(point.pk)
        return Response(ActionPointSerializer(point).data)


class WrittenQuestionViewSet(WithETag, PublicReadViewSet):
    """Published written questions. Partnership officers record the response to a question
    addressed to their organisation with POST to …/respond/."""

    serializer_class = WrittenQuestionSerializer
    filterset_class = filters.WrittenQuestionApiFilter
    ordering_fields = ["number", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_written_questions()

    def get_permissions(self):
        if self.action == "respond":
            return [model_permission("meetings.change_writtenquestion")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return WrittenResponseSerializer if self.action == "respond" else WrittenQuestionSerializer

    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        question = queries.api_written_question_as_written(pk)
        self.check_if_match(request, question)
        incoming = WrittenResponseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.setdefault("responded_by", question.addressed_to)
        if data["responded_by"] is None:
            data["responded_by"] = question.addressed_to
        question = _run(
            services.record_written_response, question=question, by=request.user, **data
        )
        question = queries.api_written_question_as_written(question.pk)
        return Response(WrittenQuestionSerializer(question).data)


class WorkProgrammeItemViewSet(PublicReadViewSet):
    serializer_class = WorkProgrammeItemSerializer
    filterset_class = filters.WorkProgrammeItemApiFilter
    ordering_fields = ["order", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_work_programme()


class ReportSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField()
    number = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(help_text="Markdown, as written.")


class ReportSerializer(serializers.ModelSerializer):
    """A published committee report: its sections as written (Markdown), in its template's
    order and numbered as its page numbers them; never its clearance."""

    meeting = serializers.IntegerField(source="agenda_item.meeting_id", read_only=True)
    responsible_officer = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    plans = KeysField(source="plan_list")
    plan_actions = KeysField(source="plan_action_list")
    outcomes = KeysField(source="outcome_list")
    url = AbsoluteUrlField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "meeting", "agenda_item", "title", "responsible_officer", "sections", "plans",
            "plan_actions", "outcomes", "published_at", "url", "pdf", "created", "modified",
        ]  # fmt: skip

    def get_responsible_officer(self, report) -> str:
        return report.responsible_officer_line()

    @extend_schema_field(ReportSectionSerializer(many=True))
    def get_sections(self, report):
        return [
            {"key": section["key"], "heading": section["heading"], "number": number, "text": text}
            for section, number, text in report.written_sections()
        ]

    def get_pdf(self, report) -> str:
        return absolute_url(self.context.get("request"), report.get_pdf_url())


class ReportViewSet(PublicReadViewSet):
    """Published committee reports written here, with their sections."""

    serializer_class = ReportSerializer
    filterset_fields = ["agenda_item"]
    ordering_fields = ["published_at", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_reports()


# --- writes (officers) --------------------------------------------------------------------


class RaiseActionPointSerializer(serializers.Serializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    description = serializers.CharField()
    minute = serializers.PrimaryKeyRelatedField(
        queryset=Minute.objects.all(), required=False, allow_null=True
    )
    owner_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True
    )
    owner_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    due_date = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=20)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    owner_text = serializers.CharField(required=False, allow_blank=True, max_length=200)


class CloseActionPointSerializer(serializers.Serializer):
    response = serializers.CharField()
    closed_on = serializers.DateField(required=False, allow_null=True)
    closed_at_meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.all(), required=False, allow_null=True
    )
    closed_day_given = serializers.BooleanField(required=False, default=True)


class WrittenResponseSerializer(serializers.Serializer):
    response = serializers.CharField()
    responded_by = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    responded_on = serializers.DateField(required=False, allow_null=True)


class CreateMeetingSerializer(serializers.Serializer):
    committee = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all())
    starts_at = serializers.DateTimeField()
    venue = serializers.CharField(required=False, allow_blank=True, max_length=300)
    mode = serializers.ChoiceField(choices=Meeting.Mode.choices, required=False)


class AgendaItemWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "number",
            "title",
            "description",
            "kind",
            "lead_text",
            "duration_minutes",
            "is_exempt",
        ]


def _run(service, **arguments):
    try:
        return service(**arguments)
    except DjangoValidationError as error:
        raise service_errors(error) from error
