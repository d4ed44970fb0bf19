"""WSGI entry point: ``gunicorn wsgi:app``."""
import gc

from elearn.app import create_app

app = create_app()

# The app's own objects (models, compiled templates and SQL, catalogs: ~500,000 of them) live as long
# as the worker: moved out of the collector's reach, a full collection no longer walks them all
# (bench/load/journey.py: a gen-2 pass cost ~60 ms of CPU in the middle of a request).
gc.collect()
gc.freeze()
