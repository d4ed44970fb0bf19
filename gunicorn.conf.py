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
# One thread a worker: threads of one process fight over its GIL. The whole learner journey
# (bench/load/journey.py, 20 learners, SQLite, 2 cores, a new cadre each attempt, host ~60 ms) completed
# 22.2 attempts/s at 80 ms of server CPU each with 2 workers x 1 thread, 19.7/s at 91 ms with 2 x 2 and
# 19.2/s at 94 ms with 3 x 1 (sync workers: 21.3/s at 81 ms, without keep-alive). A long export takes its
# worker for as long as it computes: CPU it would take from a second thread of the same process anyway.
threads = int(os.environ.get("GUNICORN_THREADS", 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))  # large exports stream for longer: see keepalive
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound; not every 5,000 requests
# as before: at the learner journey's ~200 requests/s a worker restarted about once a minute, and a
# new worker costs ~2.2 s of CPU to import and serve its first page (measured with /usr/bin/time), about
# 2 % of the box, which bench/load/journey.py (run without recycling) never saw. 50,000 is a restart
# every few minutes at peak, and rarely otherwise.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 50000))
max_requests_jitter = 5000
# No preload: each worker opens its own database connections after the fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# bench/load/journey.py: each request's CPU in the worker thread that served it, one line per request
# in a file per process (the in-process profile misses what concurrency adds: locks, caches, switches).
if os.environ.get("ELEARN_REQUEST_CPU_LOG"):
    import time

    def pre_request(worker, req):
        worker.request_cpu_started = time.thread_time()

    def post_request(worker, req, environ, resp):
        spent = time.thread_time() - worker.request_cpu_started
        with open(f"{os.environ['ELEARN_REQUEST_CPU_LOG']}.{os.getpid()}", "a") as log:
            log.write(f"{req.method} {req.path}\t{spent * 1000:.3f}\n")
