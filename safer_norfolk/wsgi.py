"""WSGI entry point: `gunicorn safer_norfolk.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_norfolk.settings")

application = get_wsgi_application()

# Load the URL configuration, and with it every view and app module, then move everything
# made so far out of the garbage collector's reach: it lives as long as the process, and
# every full collection would otherwise walk all of it again in the middle of a request.
get_resolver().url_patterns  # noqa: B018 -- read for its side effect: importing the views
gc.freeze()
