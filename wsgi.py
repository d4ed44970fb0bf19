"""WSGI entry point: ``gunicorn wsgi:app``."""
import gc

from elearn.app import create_app

app = create_app()

# The app's own objects (models, compiled templates and SQL, catalogs: ~500,000 of them) live as long
# as the worker: moved out of the collector's reach, a full collection no longer walks them all
# (bench/load/journey.py: a gen-2 pass cost ~60 ms of CPU in the middle of a request).
gc.collect()
gc.freeze()
# A young collection every 50,000 new objects, not every 700: a page allocates tens of thousands, so the
# default collected several times a request (bench/load/journey_profile.py --gc freeze: 0.8 ms of collection a
# learner's journey, --gc freeze-threshold: 0.2 ms; cyclic garbage waits a little longer, a few MB).
gc.set_threshold(50_000, 20, 20)
