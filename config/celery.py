"""Celery application. Without a broker (``CELERY_BROKER_URL`` empty) tasks run eagerly in-process."""

import os

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun, worker_init
from django.db import close_old_connections

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


@task_prerun.connect
@task_postrun.connect
def _old_connections(sender: Task, **_kwargs: object) -> None:
    """Around every task a worker runs as around every request (django.core.handlers): a connection past
    CONN_MAX_AGE or left unusable by an error is closed, the others are reused (settings: CELERY_DB_REUSE_MAX).
    Not for a task run eagerly, in the caller's process: that may be inside the caller's transaction."""
    if not getattr(sender.request, "is_eager", False):
        close_old_connections()
