"""The Celery worker's entry point: `celery -A lithloop.jobs.worker worker`."""

from lithloop import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
