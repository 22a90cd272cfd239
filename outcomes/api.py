from rest_framework import serializers

from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from safer_norfolk.api import PublicReadViewSet


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "name", "slug", "kind", "parent", "gss_code"]


class FrameworkSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

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
        ]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "framework", "number", "title", "level", "contributes_to", "description"]


class MeasureSerializer(serializers.ModelSerializer):
    threshold_percent = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id", "outcome", "number", "title", "unit", "direction", "direction_note", "source", "frequency",
            "threshold_percent", "target_value", "target_date",
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
    ordering = ["framework", "sort_key"]

    def public_queryset(self):
        return Outcome.objects.public().prefetch_related("contributes_to")


class MeasureViewSet(PublicReadViewSet):
    serializer_class = MeasureSerializer
    filterset_fields = ["outcome", "outcome__framework", "direction", "unit"]
    ordering_fields = ["sort_key", "id"]
    ordering = ["outcome", "sort_key"]

    def public_queryset(self):
        return Measure.objects.public()


class ObservationViewSet(PublicReadViewSet):
    serializer_class = ObservationSerializer
    filterset_fields = {
        "measure": ["exact"],
        "area": ["exact"],
        "measure__outcome__framework": ["exact"],
        "period_start": ["gte", "lte"],
        "period_end": ["gte", "lte"],
    }
    ordering_fields = ["period_start", "period_end", "id"]
    ordering = ["measure", "area", "period_start"]

    def public_queryset(self):
        return Observation.objects.public()
