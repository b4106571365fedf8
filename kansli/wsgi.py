"""The WSGI application gunicorn serves (`kansli serve`), one per worker process."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansli.settings")
application = get_wsgi_application()

# The URL configuration imports every app's views, the API's schema and SAML's library:
# 1.4 s on this machine. Done here, while gunicorn starts the worker and before it takes
# a connection, not on the worker's first request, which took 1.7 s and held up every
# request queued behind it (bench/public.py: a worker started under load).
get_resolver().url_patterns  # noqa: B018 - read for its imports
