"""Celery application. Without a broker (``CELERY_BROKER_URL`` empty) tasks run eagerly in-process."""

import os

from celery import Celery
from celery.signals import worker_init

from kitu.core.process import warm_up_and_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("kitu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="jobs")  # background jobs with a progress page (kitu.core.jobs)


@worker_init.connect
def _warm_up(**_kwargs: object) -> None:
    """As a web worker does (config/wsgi.py): load every view and URL once in the parent process, before the
    pool forks, and freeze it — the first task of each child (a mail with a link) does not pay ~0.8 s for it."""
    warm_up_and_freeze()
