"""WSGI entry point: ``gunicorn wsgi:app``."""
from elearn.app import create_app

app = create_app()
