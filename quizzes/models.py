"""Quizzes and attempts.

A ``Quiz`` is the content of a course item of kind QUIZ (keyed by the item id). Its
``QuizSlot`` rows say what to ask: one fixed question, or N questions drawn at random
from a category (and its subcategories). A ``QuizAttempt`` stores, when it starts, the
exact question *versions* drawn and their choice order (``AttemptQuestion``), so what
the cadre saw is kept even if the bank changes later; each answer is saved on its row.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.models import Item
from elearn.accounts.models import User
from elearn.db import Base, str_enum, utcnow
from quizzes.bank.models import Question, QuestionCategory, QuestionVersion


class GradingMethod(str, enum.Enum):
    HIGHEST = "highest"
    LAST = "last"
    FIRST = "first"
    AVERAGE = "average"


class ReviewShows(str, enum.Enum):
    SCORE = "score"    # the score only
    FULL = "full"      # the answers given, the correct answers, feedback and explanations


class ReviewWhen(str, enum.Enum):
    IMMEDIATELY = "immediately"
    AFTER_CLOSE = "after_close"


class AttemptState(str, enum.Enum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class Quiz(Base):
    __tablename__ = "quiz"

    item_id: Mapped[int] = mapped_column(ForeignKey("course_item.id", ondelete="CASCADE"), primary_key=True)
    intro_html: Mapped[str] = mapped_column(Text, default="")  # sanitized on save
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_choices: Mapped[bool] = mapped_column(default=True)
    time_limit_minutes: Mapped[int | None]  # None: untimed
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    attempts_allowed: Mapped[int] = mapped_column(default=0)  # 0: unlimited
    grading_method: Mapped[GradingMethod] = mapped_column(str_enum(GradingMethod), default=GradingMethod.HIGHEST)
    pass_percent: Mapped[float] = mapped_column(default=50.0)
    per_page: Mapped[int] = mapped_column(default=1)  # questions per page; 0: all on one page
    review_shows: Mapped[ReviewShows] = mapped_column(str_enum(ReviewShows), default=ReviewShows.FULL)
    review_when: Mapped[ReviewWhen] = mapped_column(str_enum(ReviewWhen), default=ReviewWhen.IMMEDIATELY)

    item: Mapped[Item] = relationship(lazy="joined")
    slots: Mapped[list[QuizSlot]] = relationship(
        back_populates="quiz", order_by="QuizSlot.position", cascade="all, delete-orphan")


class QuizSlot(Base):
    """One fixed question (``question_id``) or ``count`` drawn from ``category_id``."""

    __tablename__ = "quiz_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.item_id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_category.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(default=1)
    include_subcategories: Mapped[bool] = mapped_column(default=True)

    quiz: Mapped[Quiz] = relationship(back_populates="slots")
    question: Mapped[Question | None] = relationship()
    category: Mapped[QuestionCategory | None] = relationship()


class QuizAttempt(Base):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        # Two concurrent starts cannot both win: the attempt number is unique per cadre and quiz,
        UniqueConstraint("quiz_id", "user_id", "number"),
        # and a cadre has at most one attempt in progress per quiz.
        Index("uq_quiz_attempt_open", "quiz_id", "user_id", unique=True,
              sqlite_where=text("state = 'in_progress'"), postgresql_where=text("state = 'in_progress'")),
        Index("ix_quiz_attempt_state_deadline", "state", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.item_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    state: Mapped[AttemptState] = mapped_column(str_enum(AttemptState), default=AttemptState.IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None]  # time limit and close time, whichever is first
    finished_at: Mapped[datetime | None]
    auto_submitted: Mapped[bool] = mapped_column(default=False)  # time ran out
    submit_key: Mapped[str | None] = mapped_column(String(64))  # idempotency key of the submission
    score: Mapped[float | None]       # points earned
    max_score: Mapped[float] = mapped_column(default=0.0)
    percent: Mapped[float | None]
    passed: Mapped[bool | None]

    quiz: Mapped[Quiz] = relationship(lazy="joined")  # grading and every page need its settings
    user: Mapped[User] = relationship()
    questions: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")
    drawn = None  # not a column: the questions an attempt planned but not stored yet (quizzes.attempts)


class AttemptQuestion(Base):
    """A question as drawn for one attempt: the version shown, its choice order, the answer."""

    __tablename__ = "quiz_attempt_question"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # 1-based, the number the cadre sees
    version_id: Mapped[int] = mapped_column(ForeignKey("question_version.id"), index=True)
    # Set by a regrade: the version whose key graded this answer (the text shown stays ``version``).
    graded_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_version.id"))
    order: Mapped[list[str] | None] = mapped_column(JSON)
    points: Mapped[float] = mapped_column(default=1.0)  # the version's points when drawn
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    answered_at: Mapped[datetime | None]
    # The page's number for the answer stored (quizzes/static/attempt.js: a count that only grows on the
    # cadre's device): a save carrying a number not above it is a resend or an older answer overtaken,
    # and writes nothing. Saves of the form without JavaScript leave it as it is.
    answer_seq: Mapped[int | None] = mapped_column(BigInteger)
    fraction: Mapped[float | None]
    score: Mapped[float | None]

    attempt: Mapped[QuizAttempt] = relationship(back_populates="questions")
    version: Mapped[QuestionVersion] = relationship(foreign_keys=[version_id], lazy="joined")
    graded_version: Mapped[QuestionVersion | None] = relationship(foreign_keys=[graded_version_id])

    @property
    def key_version(self) -> QuestionVersion:
        return self.graded_version or self.version
