import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_wsgi_application()

from kitu.core.process import warm_up_and_freeze  # noqa: E402 - needs the apps loaded above

warm_up_and_freeze()
