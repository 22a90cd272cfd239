from decimal import Decimal

from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from outcomes import queries
from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.services import ImportReport, save_observations
from safer_norfolk.api import (
    AbsoluteUrlField,
    KeysField,
    PublicReadViewSet,
    model_permission,
)


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "name", "slug", "kind", "parent", "gss_code", "created", "modified"]


class FrameworkSerializer(serializers.ModelSerializer):
    url = AbsoluteUrlField()

    class Meta:
        model = OutcomeFramework
        fields = [
            "id",
            "title",
            "slug",
            "organisation",
            "area",
            "summary",
            "period_start",
            "period_end",
            "url",
            "created",
            "modified",
        ]


class OutcomeSerializer(serializers.ModelSerializer):
    contributes_to = KeysField(source="contribution_list")

    class Meta:
        model = Outcome
        fields = [
            "id",
            "framework",
            "number",
            "title",
            "level",
            "contributes_to",
            "description",
            "created",
            "modified",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    threshold_percent = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id", "outcome", "number", "title", "unit", "direction", "direction_note", "source", "frequency",
            "threshold_percent", "target_value", "target_date", "created", "modified",
        ]  # fmt: skip


class ObservationSerializer(serializers.ModelSerializer):
    period_label = serializers.CharField(read_only=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "measure",
            "area",
            "period_start",
            "period_end",
            "period_label",
            "value",
            "is_provisional",
            "note",
            "created",
            "modified",
        ]


class AreaViewSet(PublicReadViewSet):
    serializer_class = AreaSerializer
    filterset_fields = ["kind", "parent"]
    ordering_fields = ["name", "order", "id"]
    ordering = ["order", "name"]

    def public_queryset(self):
        return Area.objects.all()


class FrameworkViewSet(PublicReadViewSet):
    serializer_class = FrameworkSerializer
    filterset_fields = ["organisation"]
    ordering_fields = ["title", "id"]
    ordering = ["title"]

    def public_queryset(self):
        return OutcomeFramework.objects.public()


class OutcomeViewSet(PublicReadViewSet):
    serializer_class = OutcomeSerializer
    filterset_fields = ["framework", "level"]
    ordering_fields = ["sort_key", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return queries.api_outcomes()


class MeasureViewSet(PublicReadViewSet):
    serializer_class = MeasureSerializer
    filterset_fields = ["outcome", "outcome__framework", "direction", "unit"]
    ordering_fields = ["sort_key", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return Measure.objects.public()


class ObservationViewSet(PublicReadViewSet):
    """Published figures. Data officers add or correct figures in bulk with POST to …/bulk/:
    every figure is checked first, and either all are saved or none."""

    serializer_class = ObservationSerializer
    filterset_fields = {
        "measure": ["exact"],
        "area": ["exact"],
        "measure__outcome__framework": ["exact"],
        "period_start": ["gte", "lte"],
        "period_end": ["gte", "lte"],
    }
    ordering_fields = ["period_start", "period_end", "id"]
    ordering = ["id"]

    def public_queryset(self):
        return Observation.objects.public()

    def get_permissions(self):
        if self.action == "bulk":
            return [model_permission("outcomes.add_observation")()]
        return super().get_permissions()

    def get_serializer_class(self):
        return ObservationBulkSerializer if self.action == "bulk" else ObservationSerializer

    @action(detail=False, methods=["post"])
    def bulk(self, request):
        incoming = ObservationBulkSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rows = [
            {
                "measure_id": row["measure"].pk,
                "area_id": row["area"].pk,
                "period_start": row["period_start"],
                "period_end": row["period_end"],
                "value": row["value"].quantize(Decimal("0.001")),
                "is_provisional": row.get("is_provisional", False),
                "note": row.get("note", ""),
            }
            for row in incoming.validated_data["observations"]
        ]
        report = ImportReport(rows=len(rows))
        save_observations(rows, report, by=request.user)
        return Response(
            {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "summary": report.summary(),
            },
            status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK,
        )


class ObservationWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Observation
        fields = [
            "measure",
            "area",
            "period_start",
            "period_end",
            "value",
            "is_provisional",
            "note",
        ]
        validators = []  # a figure already held is corrected, not refused

    def validate(self, data):
        if data["period_end"] < data["period_start"]:
            raise serializers.ValidationError({"period_end": "The period ends before it starts."})
        return data


class ObservationBulkSerializer(serializers.Serializer):
    observations = ObservationWriteSerializer(many=True, allow_empty=False)

    def validate_observations(self, rows):
        seen = {}
        for position, row in enumerate(rows):
            key = (row["measure"].pk, row["area"].pk, row["period_start"], row["period_end"])
            if key in seen:
                raise serializers.ValidationError(
                    f"Figure {position + 1} repeats figure {seen[key] + 1}: same measure, area and period."
                )
            seen[key] = position
        return rows
