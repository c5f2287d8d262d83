"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from lithloop import create_app

app = create_app()
