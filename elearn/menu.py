"""The main menu. Each package names its entries beside its blueprint (``MENU``), the app factory
lists them in order (``elearn.app``), and one loop renders them (``_nav.html``): the core never
includes a domain's template by name, and a page's menu costs one pass over a short list."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from flask_babel import get_locale


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: Any                      # a lazy gettext string
    needs: tuple = ()               # any one of these permissions; none: every signed-in user


def entries_for(user) -> list[tuple[str, str]]:
    """(address, label) of the entries ``user`` may follow, in menu order.

    The same for everyone with the same permissions and language, so kept per (permissions,
    language, script root): building it (a url_for and a translation an entry) was ~0.2 ms of
    every page (bench/load/journey_profile.py)."""
    held = user.permissions
    key = (held, str(get_locale()), request.script_root)
    built = current_app.extensions.setdefault("elearn.menu_built", {})
    entries = built.get(key)
    if entries is None:
        entries = built[key] = [(url_for(e.endpoint), str(e.label)) for e in current_app.extensions["elearn.menu"]
                                if not e.needs or any(p in held for p in e.needs)]
    return entries
