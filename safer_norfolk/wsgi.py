"""WSGI entry point: `gunicorn safer_norfolk.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_norfolk.settings")

application = get_wsgi_application()
