from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView


def health(request):
    """For a load balancer: the process answers. It reads nothing, so it is also the cheapest
    page the site serves (the benchmarks' ceiling)."""
    response = HttpResponse("ok\n", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


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
