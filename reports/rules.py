"""The rules of a (cadre, course) detail row, defined once, in SQL.

The dashboard's cadre list and the XLSX read the figures with ``row_figures``; the million-row CSV
(``reports.detail_csv``) writes the same expressions as text inside the database. So a rule (what
"progress" counts, when a cadre has "passed", which certificate is live) changes in one place:

- progress: 100 once the course is completed, else the required items done over the required
  items (capped at 100), 0 for a course without required items;
- best score: the best score over the course's quizzes;
- passed: every quiz of the course completed (1), not (0), or no quiz at all (NULL);
- the certificate: the one not revoked.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, null, select

from courses.certificates.models import Certificate
from courses.models import Enrollment, Item, ItemKind, Progress
from elearn import db
from elearn.accounts.models import User


@dataclass(frozen=True)
class CourseItems:
    """The courses' required items and quizzes: ids, and their count per course."""
    required_ids: list[int]
    quiz_ids: list[int]
    required_n: dict[int, int]
    quiz_n: dict[int, int]


def course_items(course_ids: list[int]) -> CourseItems:
    items = CourseItems([], [], {}, {})
    for item_id, course_id, is_required, kind in db.session.execute(
            select(Item.id, Item.course_id, Item.required, Item.kind).where(Item.course_id.in_(course_ids))):
        if is_required:
            items.required_ids.append(item_id)
            items.required_n[course_id] = items.required_n.get(course_id, 0) + 1
        if kind == ItemKind.QUIZ:
            items.quiz_ids.append(item_id)
            items.quiz_n[course_id] = items.quiz_n.get(course_id, 0) + 1
    return items


def aggregates(items: CourseItems):
    """Over a cadre's progress rows on a course: required items done, quizzes done, best quiz score."""
    done = func.sum(case((and_(Progress.item_id.in_(items.required_ids), Progress.completed_at.is_not(None)), 1),
                         else_=0))
    quizzes_done = func.sum(case((and_(Progress.item_id.in_(items.quiz_ids), Progress.completed_at.is_not(None)), 1),
                                 else_=0))
    return done, quizzes_done, func.max(case((Progress.item_id.in_(items.quiz_ids), Progress.best_score)))


def figures(items: CourseItems, done, quizzes_done):
    """(progress percent, passed: 1 / 0 / NULL) of the current Enrollment row, from its aggregates."""
    done, quizzes_done = func.coalesce(done, 0), func.coalesce(quizzes_done, 0)
    required = case(items.required_n, value=Enrollment.course_id, else_=0) if items.required_n else literal(0)
    quizzes = case(items.quiz_n, value=Enrollment.course_id, else_=0) if items.quiz_n else literal(0)
    least = func.min if db.engine().dialect.name == "sqlite" else func.least  # SQLite's two-value min() is scalar
    percent = case((Enrollment.completed_at.is_not(None), 100.0),
                   else_=least(100.0, func.coalesce(100.0 * done / func.nullif(required, 0), 0.0)))
    passed = case((quizzes == 0, null()), (quizzes_done >= quizzes, literal(1)), else_=literal(0))
    return percent, passed


def live_certificate():
    """The join to a cadre's certificate of the course that is not revoked (one at most)."""
    return and_(Certificate.user_id == Enrollment.user_id, Certificate.course_id == Enrollment.course_id,
                Certificate.live)


def row_figures(unit_ids: list[int], course_ids: list[int], items: CourseItems) -> dict[tuple[int, int], tuple]:
    """{(user id, course id): (progress, best score, passed, certificate code)} for the enrolments
    of the cadres directly in ``unit_ids``: one grouped query."""
    done, quizzes_done, best = aggregates(items)
    percent, passed = figures(items, done, quizzes_done)
    stmt = (select(Enrollment.user_id, Enrollment.course_id, percent, best, passed, Certificate.code)
            .join(User, User.id == Enrollment.user_id)
            .outerjoin(Progress, and_(Progress.user_id == Enrollment.user_id, Progress.course_id == Enrollment.course_id))
            .outerjoin(Certificate, live_certificate())
            .where(User.unit_id.in_(unit_ids), Enrollment.course_id.in_(course_ids))
            .group_by(Enrollment.id, Enrollment.user_id, Enrollment.course_id, Enrollment.completed_at, Certificate.code))
    # Core rows: the ORM's row machinery would cost a million rows seconds
    return {(uid, cid): (float(p), b, None if ok is None else bool(ok), code)
            for uid, cid, p, b, ok, code in db.session.connection().execute(stmt)}
