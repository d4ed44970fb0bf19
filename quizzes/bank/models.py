"""Question bank models.

A ``Question`` is a stable identity; what it says lives in immutable ``QuestionVersion``
rows. Editing a question that has been answered adds a version; attempts point at the
version they showed, so graded history never changes. The type-specific content
(choices, accepted answers, pairs) is one JSON document per version, whose shape each
question type in ``quizzes.bank.types`` defines and validates.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from elearn.accounts.models import User
from elearn.db import Base, BinaryString, str_enum, utcnow


class QuestionKind(str, enum.Enum):
    SINGLE = "single"            # one correct choice
    MULTIPLE = "multiple"        # several correct, weights and penalties
    TRUEFALSE = "truefalse"
    SHORTANSWER = "shortanswer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    ESSAY = "essay"              # kept, graded by hand (not in auto-graded quizzes)
    DESCRIPTION = "description"  # text only, no answer


class QuestionCategory(Base):
    __tablename__ = "question_category"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("question_category.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(BinaryString(255), index=True, default="")  # /3/17/ like org units
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[QuestionCategory | None] = relationship(remote_side=[id])


class Question(Base):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("question_category.id", ondelete="CASCADE"), index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_version.id", use_alter=True, name="fk_question_current_version_id_question_version"))
    tags: Mapped[str] = mapped_column(String(500), default="")  # comma-separated, lower case
    archived: Mapped[bool] = mapped_column(default=False)  # hidden from new quizzes, kept for history
    # Folded (lower case, no accents) name, text and tags of the current version, for search.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    category: Mapped[QuestionCategory] = relationship()
    current_version: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="joined")
    created_by: Mapped[User | None] = relationship()


class QuestionVersion(Base):
    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    name: Mapped[str] = mapped_column(String(255), default="")       # GIFT title ::name::
    text_html: Mapped[str] = mapped_column(Text)                      # sanitized
    points: Mapped[float] = mapped_column(default=1.0)
    general_feedback_html: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # shape defined per kind in types.py
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[Question] = relationship(foreign_keys=[question_id])
