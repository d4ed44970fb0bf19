"""Background jobs for work too large for one request (big exports, certificate ZIPs).

RQ on Redis when ``REDIS_URL`` is set (any app server can enqueue, ``elearn jobs worker``
runs them); otherwise a worker thread inside the app process (the embedded default).
Either way the job's state lives in the database, so every app server can show it.
"""
