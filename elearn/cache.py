"""Caching of data shared by many users (catalog, course outlines, dashboard figures).

Redis when ``REDIS_URL`` is set (shared by every app server), else a small in-process
cache. Invalidation is by namespace version: ``bump("course:42")`` makes every key
cached under that namespace stale at once, on every server. Only data that is the
same for everyone who may see it is cached — never a rendered page, never one
user's progress.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, has_app_context
from flask_caching import Cache
from sqlalchemy import event

cache = Cache()


def init_app(app: Flask) -> None:
    if app.config.get("TESTING") and not app.config.get("CACHE_IN_TESTS"):
        config = {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}  # tests see every write at once
    elif app.config.get("REDIS_URL"):
        config = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": app.config["REDIS_URL"],
                  "CACHE_KEY_PREFIX": app.config.get("RATELIMIT_KEY_PREFIX", "elearn") + ":cache:"}
    else:
        config = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    config["CACHE_DEFAULT_TIMEOUT"] = app.config.get("CACHE_TIMEOUT", 300)
    cache.init_app(app, config=config)


def _version(namespace: str) -> int:
    return cache.get(f"v:{namespace}") or 0


def bump(namespace: str) -> None:
    """Invalidate everything cached under ``namespace``."""
    key = f"v:{namespace}"
    if cache.cache.has(key) and cache.cache.inc(key) is not None:
        return
    cache.set(key, _version(namespace) + 1, timeout=0)


def invalidate(namespace: str) -> None:
    """``bump`` for services that change shared data: now, and again when the transaction commits.

    Between the change and the commit another request may read the old rows and cache them
    under the new version; the second bump, after the commit, discards that copy. A rollback
    leaves only a harmless early bump (the next read recomputes).
    """
    from elearn import db

    bump(namespace)
    session = db.session()
    pending = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = set()
        event.listen(session, "after_commit", _bump_committed)
    pending.add(namespace)


def _bump_committed(session) -> None:
    pending = session.info.get(_PENDING, set())
    if has_app_context():
        for namespace in pending:
            bump(namespace)
    pending.clear()


def cached(namespace: str, key: str, compute: Callable[[], Any], timeout: int | None = None) -> Any:
    full = f"{namespace}:{_version(namespace)}:{key}"
    value = cache.get(full)
    if value is None:
        value = compute()
        cache.set(full, value if value is not None else _MISSING_MARK, timeout=timeout)
    return None if value == _MISSING_MARK else value


_MISSING_MARK = "__elearn_none__"
_PENDING = "elearn.cache.pending"
