"""The read API's shared parts, and the partnership directory's endpoints (DESIGN §9).

Every app's api.py defines read-only viewsets over its models' public() rows; the
composition root (safer_norfolk/urls.py) registers them on one router under /api/v1/.
"""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import AllowAny

from safer_norfolk.models import Organisation, Person


class PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Published records, open to everyone: 50 to a page, filterable by the parameters listed,
    sortable with `ordering`."""

    # Subclasses define public_queryset(): the public() rows with the joins their serializer needs.

    permission_classes = [AllowAny]
    filter_backends = [DjangoFilterBackend, OrderingFilter]

    def public_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.public_queryset()


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "website"]


class PersonSerializer(serializers.ModelSerializer):
    """Public fields only: contact details are never published through the API."""

    class Meta:
        model = Person
        fields = ["id", "honorific", "name", "job_title", "organisation"]


class OrganisationViewSet(PublicReadViewSet):
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def public_queryset(self):
        return Organisation.objects.all()


class PersonViewSet(PublicReadViewSet):
    serializer_class = PersonSerializer
    filterset_fields = ["organisation"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def public_queryset(self):
        return Person.objects.all()
