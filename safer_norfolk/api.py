"""The read API's shared parts, and the partnership directory's endpoints (DESIGN §9).

Every app's api.py defines read-only viewsets over its models' public() rows; the
composition root (safer_norfolk/urls.py) registers them on one router under /api/v1/.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import parse_etags, quote_etag
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.permissions import AllowAny
from rest_framework.views import exception_handler as drf_exception_handler

from safer_norfolk.audit import StaleEdit
from safer_norfolk.filters import PlausibleDatesFilterSet
from safer_norfolk.models import Organisation, Person, Removal
from safer_norfolk.queries import public_key
from safer_norfolk.validators import plausible_date


class PublicFilterBackend(DjangoFilterBackend):
    """Filtering by the documented parameters; the browsable API shows no filter form, since
    its choice lists would name every related record, published or not."""

    filterset_base = PlausibleDatesFilterSet

    def to_html(self, request, queryset, view):
        return ""


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """The record's page (its get_absolute_url) as a full address, on the host and scheme the
    request came in on, so a client can follow it as it is. (The page cache files copies by
    host for this reason: safer_norfolk.page_cache.key_for.)"""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        return absolute_url(self.context.get("request"), record.get_absolute_url())


def absolute_url(request, path):
    """`path` as a full address on the request's host; the path itself without a request."""
    return request.build_absolute_uri(path) if request is not None else path


class KeysField(serializers.ListField):
    """The keys of related records read ahead into a list (a Prefetch with to_attr). A list
    spares the queryset Django makes per record for a relation read ahead without to_attr:
    two per agenda item made up a third of the meetings list's time."""

    child = serializers.IntegerField()

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, records):
        return [record.pk for record in records]


class PublicKeyField(serializers.IntegerField):
    """The key of a related record only when that record is public (else null): read from an
    annotation made by `safer_norfolk.queries.public_key`, so an unpublished record's key
    never reaches the API."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)


class StableOrderingFilter(OrderingFilter):
    """`ordering` as asked (or the view's default), then the record's id in the same
    direction as the last field: records that tie on the fields asked for still have one
    order, which cursor pages need to give every record exactly once. A cursor marks its
    place by the value of the first field, so views offer no field a record may leave empty."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not ordering:
            return ["id"]
        if not {"id", "-id", "pk", "-pk"} & set(ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return ordering


def parse_since(name, value):
    """The moment a `…_since` parameter names: an ISO 8601 date and time (with its offset or
    Z; without one, UK time), or a date (its first moment, UK time). Anything else is refused
    with 400, naming the parameter."""
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time())
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            # As the database compares it: a moment past year 9999 in UTC is none.
            moment = moment.astimezone(datetime.UTC)
    except (ValueError, OverflowError):  # well formed, but no such date or time
        moment = None
    if moment is None:
        raise exceptions.ValidationError(
            {name: [f"Give a date and time in ISO 8601, such as {SINCE_EXAMPLE}, or a date."]}
        )
    try:
        plausible_date(moment)  # as every date filter: year 1 or 9999 is a slip or a probe
    except DjangoValidationError as error:
        raise exceptions.ValidationError({name: error.messages}) from None
    return moment


SINCE_EXAMPLE = "2026-12-01T09:30:00Z"


class ChangedSinceFilter(BaseFilterBackend):
    """`modified_since` and `created_since` on every list: the records changed (or first
    recorded) at or after a moment, for a client keeping a copy in step (docs/api.md). A record
    counts as changed when it changed or whether it is published did (services and bulk
    writes keep `modified`: safer_norfolk.audit). A list whose records carry others (a
    meeting its agenda) names them in its view's `modified_with`, relation paths whose rows'
    changes count as the record's."""

    fields = {"modified_since": "modified", "created_since": "created"}

    def filter_queryset(self, request, queryset, view):
        for name, field in self.fields.items():
            value = request.query_params.get(name)
            if value is None:
                continue
            since = parse_since(name, value)
            condition = Q(**{f"{field}__gte": since})
            if field == "modified":
                for path in getattr(view, "modified_with", ()):
                    carried = queryset.model._default_manager.filter(
                        **{f"{path}__modified__gte": since}
                    )
                    condition |= Q(pk__in=carried.values("pk"))
            queryset = queryset.filter(condition)
        return queryset

    def get_schema_operation_parameters(self, view):
        described = {
            "modified_since": (
                "Only records changed at or after this moment, including a change to whether "
                "they are published"
                + (" or to the records they carry" if getattr(view, "modified_with", ()) else "")
                + ": an ISO 8601 date and time (UK time unless an offset is given) or a date. "
                "Records withdrawn or deleted since are listed at /api/v1/changes/."
            ),
            "created_since": "Only records first recorded at or after this moment (as modified_since).",
        }
        return [
            {
                "name": name,
                "required": False,
                "in": "query",
                "description": description,
                "schema": {"type": "string", "format": "date-time", "example": SINCE_EXAMPLE},
            }
            for name, description in described.items()
        ]


class PublicReadViewSet(viewsets.ReadOnlyModelViewSet):
    """Published records, open to everyone: 50 to a page (20 for meetings, which carry their
    agenda) unless `page_size` asks for another number, pages linked by cursors
    (safer_norfolk.pagination), filterable by the parameters listed, sortable with
    `ordering`."""

    # Subclasses define public_queryset(): the public() rows with the joins their serializer needs.

    permission_classes = [AllowAny]
    filter_backends = [PublicFilterBackend, ChangedSinceFilter, StableOrderingFilter]
    # Relations whose records this list's records carry (ChangedSinceFilter).
    modified_with = ()

    def public_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # Schema generation (also run by `check --deploy`) needs only the model: touch no table.
            return self.schema_queryset()
        return self.public_queryset()

    def schema_queryset(self):
        """An empty queryset with the columns the serializer and filters read."""
        return self.serializer_class.Meta.model.objects.none()


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "short_name", "kind", "website", "created", "modified"]


class PersonSerializer(serializers.ModelSerializer):
    """Public fields only: contact details are never published through the API. Their
    organisation's key only when it is public itself (a person may be named in published
    material through a role that does not make their organisation public)."""

    organisation = PublicKeyField(source="public_organisation")

    class Meta:
        model = Person
        fields = ["id", "honorific", "name", "job_title", "organisation", "created", "modified"]


class OrganisationViewSet(PublicReadViewSet):
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def public_queryset(self):
        return Organisation.objects.public()


class PersonViewSet(PublicReadViewSet):
    serializer_class = PersonSerializer
    filterset_fields = ["organisation"]
    ordering_fields = ["name", "id"]
    ordering = ["name"]

    def public_queryset(self):
        return Person.objects.public().annotate(
            public_organisation=public_key(Organisation, "organisation")
        )


# --- what left the public record -------------------------------------------------------------


class RemovalSerializer(serializers.ModelSerializer):
    kind = serializers.SerializerMethodField(help_text="The list it was in, as in /api/v1/<kind>/.")
    id = serializers.IntegerField(source="record_id", help_text="Its id in that list.")

    class Meta:
        model = Removal
        fields = ["kind", "id", "change", "at"]

    def get_kind(self, removal) -> str:
        return self.context["view"].kinds[removal.model]


class RemovalFilter(BaseFilterBackend):
    """The changes feed's `since` and `kind`."""

    def filter_queryset(self, request, queryset, view):
        since = request.query_params.get("since")
        if since is not None:
            queryset = queryset.filter(at__gte=parse_since("since", since))
        kind = request.query_params.get("kind")
        if kind is not None:
            labels = [label for label, name in view.kinds.items() if name == kind]
            if not labels:
                raise exceptions.ValidationError(
                    {"kind": [f"Give one of: {', '.join(sorted(view.kinds.values()))}."]}
                )
            queryset = queryset.filter(model__in=labels)
        return queryset

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "since",
                "required": False,
                "in": "query",
                "description": "Only what left at or after this moment: an ISO 8601 date and "
                "time (UK time unless an offset is given) or a date. Use the moment your last "
                "copy began.",
                "schema": {"type": "string", "format": "date-time", "example": SINCE_EXAMPLE},
            },
            {
                "name": "kind",
                "required": False,
                "in": "query",
                "description": "Only records of this list: "
                + ", ".join(sorted(view.kinds.values()))
                + ".",
                "schema": {"type": "string", "enum": sorted(view.kinds.values())},
            },
        ]


class ChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Records that were published and are no longer, oldest first: `withdrawn` (it, or what
    it belongs to, is no longer published: a paper withdrawn, an item made exempt, a plan
    archived) or `deleted`. A copy kept in step removes these, then reads each list with
    `modified_since` (docs/api.md). Only the kind, the id and when are given."""

    permission_classes = [AllowAny]
    serializer_class = RemovalSerializer
    filter_backends = [RemovalFilter, StableOrderingFilter]
    ordering = ["at"]
    # {model label: list name}, set by the composition root from the router (safer_norfolk.urls).
    kinds = {}

    def get_queryset(self):
        return Removal.objects.filter(model__in=self.kinds)


# --- writes -------------------------------------------------------------------------------


def etag_for(data):
    """A strong validator of a record's published representation."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode())
    return quote_etag(digest.hexdigest()[:32])


class WithETag:
    """Detail responses carry an ETag of the record; a write naming an older one in
    If-Match is refused with 412 rather than overwriting a change it has not seen."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(response.data)
        return response

    def check_if_match(self, request, instance):
        header = request.headers.get("If-Match")
        if not header:
            return
        expected = parse_etags(header)
        if expected == ["*"]:
            return
        # The read representation, as retrieve() tagged it (not the write action's serializer).
        current = etag_for(
            self.serializer_class(instance, context=self.get_serializer_context()).data
        )
        # RFC 9110 compares strongly here, but compressing the response (the page cache's
        # gzip copy, or a proxy) weakens the tag on its way to the client; the tag hashes the
        # record's data, so weak or strong it names the same version.
        if current not in (tag.removeprefix("W/") for tag in expected):
            raise PreconditionFailed()


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "The record has changed since you read it. Read it again and reapply your change."
    )
    default_code = "precondition_failed"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record was changed by someone else while this request was made."
    default_code = "conflict"


def exception_handler(error, context):
    """DRF's handler, and a save that lost a race with another (StaleEdit) as 409 Conflict:
    nothing was written; a body over Django's size limit as 400 in JSON, like other bad bodies."""
    if isinstance(error, StaleEdit):
        error = Conflict(str(error))
    elif isinstance(error, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        error = exceptions.ParseError(f"The body is larger than {limit}.")
    return drf_exception_handler(error, context)


def model_permission(codename):
    """A permission class: signed-in users holding `app_label.codename`."""

    class HasModelPermission(permissions.BasePermission):
        message = "You do not have permission to do this."

        def has_permission(self, request, view):
            return bool(
                request.user and request.user.is_authenticated and request.user.has_perm(codename)
            )

    HasModelPermission.__name__ = f"Has_{codename.replace('.', '_')}"
    return HasModelPermission


def service_errors(error):
    """A service's ValidationError as DRF's 400 with field errors."""
    if hasattr(error, "message_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"non_field_errors": error.messages})


ERROR_RESPONSES = {
    "400": "The parameters or the body are not valid: the body names each problem.",
    "404": "No published record here (or a `cursor` this list did not make).",
    "429": "Too many requests from your address without a token: try again after the "
    "seconds the Retry-After header gives.",
}
WRITE_RESPONSES = {
    "401": "Sign in, or send a token.",
    "403": "You do not have permission to do this.",
}


def document_error_responses(result, generator, request, public):
    """OpenAPI post-processing: every operation may answer 400 and 404, writes 401 and 403,
    and writes that check If-Match 412. The generated schema lists only the happy path."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description})
            if method in ("post", "put", "patch", "delete"):
                for code, description in WRITE_RESPONSES.items():
                    responses.setdefault(code, {"description": description})
                if path.endswith(("/close/", "/respond/")):
                    responses.setdefault("412", {"description": PreconditionFailed.default_detail})
    return result
