"""gunicorn settings: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Threads, not only processes: a request mostly waits on the database, and each worker
process costs ~85 MB (measured after its first pages). Every value can be overridden
from the environment.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# One worker per core, measured (bench/README, "Fourth session"): on 2 cores, 2 workers x 4 threads served
# 924-1,005 lesson pages/s in 221-264 MB; 4 x 4 served 627/s in 413 MB (more processes, same cores).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # large exports stream for longer: see keepalive
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# No preload: each worker opens its own database connections after the fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
