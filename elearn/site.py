"""Where the site is, as people reach it: printed in certificates' QR codes and links."""
from __future__ import annotations

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import BuildError

DEVELOPMENT_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """ELEARN_BASE_URL; without it, the address the current request came in on (its host as the
    trusted proxies pass it on); outside a request (a command), the development address."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    return DEVELOPMENT_URL


def url_if_any(endpoint: str, **values) -> str | None:
    """A link to another package's page when that page exists (templates: the core and each domain
    link across packages without importing them)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None
