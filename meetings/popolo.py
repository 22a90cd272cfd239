"""Committees and their memberships as Popolo and Open Civic Data (OCD) records, beside the
people and partner organisations of safer_norfolk/popolo.py (whose ids, serializers and
paging they share).

A committee is an organisation of classification "committee" whose `parent_id` is the
partnership it works for (Committee.partnership), with the committee it reports to
(Committee.parent) in its extras. The organisations list gives the partner organisations,
then the committees: its `next` link leads from the last page of one to the first of the
other (`?part=committees`).
"""

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.utils.urls import remove_query_param, replace_query_param

from meetings.models import Committee, Membership
from safer_norfolk.models import Organisation
from safer_norfolk.popolo import (
    PopoloMembershipSerializer,
    PopoloOrganizationSerializer,
    PopoloViewSet,
    committee_id,
    find,
    organisation_id,
    organisations,
    public_rows,
)

PART = "part"
ORGANISATIONS, COMMITTEES = "organisations", "committees"


class PopoloCommitteeSerializer(PopoloOrganizationSerializer):
    def get_id(self, committee) -> str:
        return committee_id(committee.pk)

    def get_classification(self, committee) -> str:
        return "committee"

    def get_parent_id(self, committee) -> str | None:
        return organisation_id(committee.partnership_id)

    def get_extras(self, committee) -> dict[str, str | None]:
        """The committee it reports to, if any."""
        return {"reports_to_id": committee_id(committee.parent_id)}


def committees():
    return public_rows(Committee)


def memberships():
    return public_rows(Membership).select_related("representing")


class PartParameter(BaseFilterBackend):
    """The organisations list's `part`: which of its two parts a page is of. The view reads
    it to choose its rows; declared as a filter so that the schema documents it and the
    page cache keeps it (safer_norfolk.page_cache reads a list's parameters from its
    filters and paginator)."""

    def filter_queryset(self, request, queryset, view):
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": PART,
                "required": False,
                "in": "query",
                "description": "Which organisations: the partner organisations (the default), "
                "then, by following `next` from their last page, the committees.",
                "schema": {"type": "string", "enum": [ORGANISATIONS, COMMITTEES]},
            }
        ]


class OrganizationViewSet(PopoloViewSet):
    """The partner organisations that appear in published material, then the committees,
    as Popolo organizations; one of either at the UUID of its id."""

    serializer_class = PopoloOrganizationSerializer
    filter_backends = [PartParameter]

    def part(self):
        part = self.request.query_params.get(PART, ORGANISATIONS)
        if part not in (ORGANISATIONS, COMMITTEES):
            raise ValidationError({PART: [f"Give {ORGANISATIONS} or {COMMITTEES}."]})
        return part

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Organisation.objects.none()
        return organisations() if self.part() == ORGANISATIONS else committees()

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False) or self.action != "list":
            return self.serializer_class
        return (
            PopoloOrganizationSerializer
            if self.part() == ORGANISATIONS
            else (PopoloCommitteeSerializer)
        )

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if self.part() == ORGANISATIONS and response.data["next"] is None:
            address = remove_query_param(request.build_absolute_uri(), "cursor")
            response.data["next"] = replace_query_param(address, PART, COMMITTEES)
        return response

    def get_object(self):
        value = self.kwargs["uuid"]
        for rows, serializer in (
            (organisations(), PopoloOrganizationSerializer),
            (committees(), PopoloCommitteeSerializer),
        ):
            try:
                pk = find(rows, value)
            except Http404:
                continue
            self.serializer_class = serializer
            return rows.get(pk=pk)
        raise Http404("No published organisation has this id.")


class MembershipViewSet(PopoloViewSet):
    """Committee memberships, as Popolo memberships; one at the UUID of its id."""

    serializer_class = PopoloMembershipSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return memberships()

    def get_object(self):
        rows = memberships()
        return rows.get(pk=find(rows, self.kwargs["uuid"]))
