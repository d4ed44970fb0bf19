"""Category paths written as text, 'Cha/Con' ('//' a slash inside a name): found among one owner's
trees, created where missing, and shown back.

A room of its own because it is the bank as people type it rather than as its pages click through
it: the new target category of the import page, the ``--category`` of ``elearn questions import`` and
``export``, the demos' categories, and the path the bank's page shows. Names are matched as written,
level by level from the top of one owner's trees; a name holding a slash is doubled on the way out
and split back on the way in. What is created goes through ``services.create_category`` (the tree's
own rules: unique names, depth, owner).
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from elearn import db
from elearn.accounts.models import User
from elearn.text import normalize_spaces
from quizzes.bank.models import QuestionCategory
from quizzes.bank.services import BankError, create_category


def split_category_path(path: str) -> list[str]:
    """'Cha/Con' -> ['Cha', 'Con']; '//' is a slash inside a name, as in Moodle's $CATEGORY."""
    parts = (path or "").replace("//", "\0").split("/")
    return [normalize_spaces(p.replace("\0", "/")) for p in parts if normalize_spaces(p.replace("\0", "/"))]


def find_category_path(path: str, owner: User | None) -> QuestionCategory | None:
    """The category at a slash path among ``owner``'s top-level trees, or None."""
    parent = None
    for name in split_category_path(path):
        query = select(QuestionCategory).where(QuestionCategory.name == name)
        if parent is None:
            query = query.where(QuestionCategory.parent_id.is_(None),
                                QuestionCategory.owner_id.is_(None) if owner is None
                                else QuestionCategory.owner_id == owner.id)
        else:
            query = query.where(QuestionCategory.parent_id == parent.id)
        parent = db.session.scalar(query)
        if parent is None:
            return None
    return parent


def get_or_create_category_path(path: str, owner: User | None) -> QuestionCategory:
    """The category at 'Cha/Con' (GIFT $CATEGORY), creating what is missing."""
    names = split_category_path(path)
    if not names:
        raise BankError(_("The category name is required."))
    parent = None
    for depth in range(1, len(names) + 1):
        found = find_category_path("/".join(n.replace("/", "//") for n in names[:depth]), owner)
        parent = found or create_category(names[depth - 1].replace("/", "-"), parent, owner)
    return parent


def category_path_name(category: QuestionCategory) -> str:
    """'Cha/Con' for a category (names with '/' doubled, as $CATEGORY writes them)."""
    ids = [int(i) for i in category.path.strip("/").split("/") if i]
    names = dict(db.session.execute(select(QuestionCategory.id, QuestionCategory.name)
                                    .where(QuestionCategory.id.in_(ids))).all())
    return "/".join(names[i].replace("/", "//") for i in ids if i in names)
