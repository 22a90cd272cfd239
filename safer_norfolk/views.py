import logging

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import render
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.views.decorators.cache import cache_control
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

logger = logging.getLogger(__name__)


def health(request):
    """For a load balancer: the process answers. It reads nothing, so it is also the cheapest
    page the site serves (the benchmarks' ceiling)."""
    response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def ready(request):
    """For a load balancer deciding where to send requests: the database answers, every
    migration is applied, the media storage answers and the task queue is being worked.
    200 when all hold; 503 naming the check that failed otherwise (safer_norfolk.health)."""
    from safer_norfolk import health

    checks = health.readiness()
    ok = all(check["ok"] for check in checks.values())
    response = JsonResponse(
        {"status": "ready" if ok else "not ready", "checks": checks}, status=200 if ok else 503
    )
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    """The 500 page, in the site's own layout. It reads nothing from the database (which may
    be what failed): the layout's values come from the settings, and no messages are shown.
    If even that cannot be rendered, a line of plain text."""
    from django.template import loader

    from safer_norfolk.context_processors import site

    context = {
        **site(None),
        "messages": [],
        "request_id": getattr(request, "request_id", ""),
    }
    try:
        body = loader.get_template("500.html").render(context)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(
            "Sorry, there is a problem with the service. Try again later.\n",
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponseServerError(body)


def accessibility(request):
    return render(request, "safer_norfolk/accessibility.html")


# The documentation viewer (Redoc) injects its own <style> elements and runs its search in a
# worker made from a blob: address. This page alone allows both; it shows only the schema.
@method_decorator(
    csp_update({"style-src": [UNSAFE_INLINE], "worker-src": ["blob:"]}),
    name="dispatch",
)
class ApiDocsView(SpectacularRedocView):
    """The API reference, from the site's own copy of Redoc: no fonts or scripts from elsewhere."""

    template_name = "safer_norfolk/api_docs.html"


class ProcessSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, run once per process for each API version and language.

    The public schema depends only on the code and the settings (SERVE_PUBLIC: it lists
    every endpoint whoever asks), both fixed for a process's life, and generating it walks
    every view and serializer (a quarter of a second). A deploy starts new processes, which
    generate it afresh."""

    schemas = {}  # (version, language) -> the schema

    def get_schema(self, request=None, public=False):
        if not public:  # filtered by the asker's permissions: never shared
            return super().get_schema(request=request, public=public)
        key = (self.api_version, translation.get_language())
        if key not in self.schemas:
            self.schemas[key] = super().get_schema(request=request, public=public)
        return self.schemas[key]


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML or JSON by content negotiation), generated once per process,
    and written out once per process in each format asked for: writing the YAML takes longer
    than any page's queries, and the schema it writes never changes while the process runs."""

    generator_class = ProcessSchemaGenerator
    # (the schema's id, the media type) -> (the schema, its body, its Content-Type). The schema
    # is kept with its body: ProcessSchemaGenerator keeps the object for the process's life, so
    # its id names that schema alone.
    bodies = {}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        schema = getattr(response, "data", None)
        shared = ProcessSchemaGenerator.schemas.values()
        if response.status_code != 200 or not any(schema is kept for kept in shared):
            return response  # an error, or a schema made for this asker alone
        if response.accepted_media_type != response.accepted_renderer.media_type:
            return response  # written with the asker's own parameters (indent): not kept
        key = (id(schema), response.accepted_media_type)
        kept = self.bodies.get(key)
        if kept is None or kept[0] is not schema:
            body = response.rendered_content  # sets the Content-Type
            kept = self.bodies[key] = (schema, body, response["Content-Type"])
        response.content = kept[1]
        response["Content-Type"] = kept[2]
        return response


@cache_control(no_cache=True)
def open_data(request):
    """The bulk downloads: each kind's zip with its record count, size and build time. It
    reads the stored manifest, which a build replaces without changing any record: the page is
    revalidated rather than kept in the page cache (no-cache)."""
    from safer_norfolk import open_data

    manifest = open_data.read_manifest()
    return render(
        request,
        "safer_norfolk/open_data.html",
        {
            "manifest": manifest,
            "built_at": parse_datetime(manifest["built_at"]) if manifest else None,
            "licence": open_data.LICENCE,
        },
    )


def open_data_download(request, dataset):
    """The current build's zip of one kind, streamed from storage; 404 for a kind the build
    does not hold, or before the first build."""
    from safer_norfolk import open_data

    found = open_data.download(dataset)
    if found is None:
        raise Http404("No such download.")
    entry, opened = found
    response = FileResponse(
        opened, as_attachment=True, filename=f"{dataset}.zip", content_type="application/zip"
    )
    response["Content-Length"] = str(entry["bytes"])
    return response
