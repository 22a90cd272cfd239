from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from delivery_plans import queries, services
from delivery_plans.filters import ActionFilter
from delivery_plans.models import Action, ActionUpdate, Plan, Section
from delivery_plans.queries import with_status
from safer_norfolk.api import (
    AbsoluteUrlField,
    KeysField,
    PublicKeyField,
    PublicReadViewSet,
    model_permission,
    service_errors,
)
from safer_norfolk.query_params import record_id


class PlanSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()
    framework = PublicKeyField(source="public_framework")
    extra_fields = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Headings of the plan's own fields, in the order of its file.",
    )

    class Meta:
        model = Plan
        fields = [
            "id", "title", "slug", "organisation", "framework", "period_start", "period_end", "status", "summary",
            "version_label", "reporting_interval_days", "extra_fields", "url", "created", "modified",
        ]  # fmt: skip


class SectionSerializer(serializers.ModelSerializer):
    outcomes = KeysField(source="outcome_list")

    class Meta:
        model = Section
        fields = [
            "id",
            "plan",
            "parent",
            "number",
            "title",
            "outcomes",
            "order",
            "created",
            "modified",
        ]


class ActionSerializer(serializers.ModelSerializer):
    """A plan action with its status as the plan page shows it (derived, never stored)."""

    current_rag = serializers.CharField(read_only=True, allow_null=True)
    current_distance = serializers.CharField(read_only=True, allow_null=True)
    last_update_on = serializers.DateField(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(read_only=True)
    url = AbsoluteUrlField()
    outcomes = KeysField(source="outcome_list")
    related_actions = KeysField(source="related_action_list")
    extra = serializers.DictField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The plan's own fields for this action, as written: {heading: text}.",
    )

    class Meta:
        model = Action
        fields = [
            "id", "plan", "section", "number", "title", "success_measure", "success_measure_unreadable", "owners", "owner_note", "due_text",
            "due_date", "due_precision", "method", "indicators", "cost_text", "cost_amount", "funding_source",
            "outcomes", "related_actions", "external_ref", "stage", "extra", "current_rag", "current_distance",
            "last_update_on", "last_update_day_given", "is_overdue", "is_stale", "url", "created", "modified",
        ]  # fmt: skip


class ActionUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionUpdate
        fields = [
            "id",
            "action",
            "reported_on",
            "day_given",
            "period_label",
            "kind",
            "text",
            "rag",
            "distance",
            "created",
            "modified",
        ]


class PlanViewSet(PublicReadViewSet):
    serializer_class = PlanSerializer
    filterset_fields = ["organisation", "framework"]
    ordering_fields = ["title", "period_start", "id"]
    ordering = ["title"]

    def public_queryset(self):
        return queries.api_plans()


class SectionViewSet(PublicReadViewSet):
    serializer_class = SectionSerializer
    filterset_fields = ["plan", "parent"]
    ordering_fields = ["order", "sort_key", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_sections()


class ActionViewSet(PublicReadViewSet):
    """Filters are the plan page's (section, owner, RAG, distance, stage, overdue, dates) plus plan."""

    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    ordering_fields = ["sort_key", "id"]
    ordering = ["id"]

    def schema_queryset(self):
        # The status columns the filters name; with_status reads no table for an empty queryset.
        return with_status(Action.objects.none())

    def public_queryset(self):
        return queries.api_actions(plan=record_id(self.request.query_params.get("plan", "")))


class ActionUpdateViewSet(PublicReadViewSet):
    """Published progress updates. An action's owner records one with POST (a draft unless
    `publish` is true); partnership officers only for actions their organisation owns."""

    serializer_class = ActionUpdateSerializer
    filterset_fields = {
        "action": ["exact"],
        "action__plan": ["exact"],
        "rag": ["exact"],
        "reported_on": ["gte", "lte"],
    }
    ordering_fields = ["reported_on", "id"]
    ordering = ["-reported_on", "-id"]

    def public_queryset(self):
        return ActionUpdate.objects.public()

    def get_permissions(self):
        if self.action == "create":
            return [model_permission("delivery_plans.add_actionupdate")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return RecordUpdateSerializer if self.action == "create" else ActionUpdateSerializer

    def create(self, request):
        incoming = RecordUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            update = services.record_update(by=request.user, **incoming.validated_data)
        except DjangoValidationError as error:
            raise service_errors(error) from error
        except DjangoPermissionDenied as error:
            raise exceptions.PermissionDenied(str(error)) from error
        return Response(ActionUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class RecordUpdateSerializer(serializers.Serializer):
    action = serializers.PrimaryKeyRelatedField(queryset=Action.objects.all())
    text = serializers.CharField()
    rag = serializers.ChoiceField(
        choices=ActionUpdate.Rag.choices, default=ActionUpdate.Rag.NOT_ASSESSED
    )
    distance = serializers.ChoiceField(
        choices=ActionUpdate.Distance.choices, default=ActionUpdate.Distance.NOT_ASSESSED
    )
    reported_on = serializers.DateField(required=False, allow_null=True)
    period_label = serializers.CharField(
        required=False, allow_blank=True, max_length=60, default=""
    )
    kind = serializers.ChoiceField(
        choices=ActionUpdate.Kind.choices, default=ActionUpdate.Kind.PROGRESS
    )
    publish = serializers.BooleanField(default=False)
