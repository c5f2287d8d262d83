"""The Celery worker's entry point: `celery -A lithloop.jobs.worker worker` (and `beat`)."""

from lithloop import create_app
from lithloop.settings_values import ConfigError

try:
    flask_app = create_app()
except ConfigError as refused:
    # Celery shows any error importing -A's module with its traceback: a refused setting
    # is one line naming the variable, and the worker (or beat) exits 1.
    raise SystemExit(f"Error: {refused}") from None
celery = flask_app.extensions["celery"]
