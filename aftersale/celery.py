"""The Celery application; with no broker configured tasks run inline (see settings)."""

import os

from celery import Celery

from aftersale.schedule import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftersale.settings")

app = Celery("aftersale")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.beat_schedule = beat_schedule()
app.autodiscover_tasks()
