"""Trainer reports: results per cadre, and per-question statistics to spot a bad question.

The statistics follow Moodle's quiz statistics report (question/classes/statistics/
questions/calculator.php), over all finished attempts, per question (all its versions):

- facility index: the mean mark as a share of the question's points (x 100);
- discrimination index: 100 x the correlation between the question's mark and the rest
  of the test (the attempt's total minus this question), sample (n - 1) statistics;
- discriminative efficiency: 100 x that covariance over the largest covariance the same
  marks could have (both lists sorted).

A question everyone gets right (or wrong) has no variance and no discrimination index; a
negative index means the stronger cadres did worse on it — check its key.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import select

from elearn import db
from elearn.accounts.models import User
from elearn.units.models import OrgUnit, subtree_of
from quizzes.bank.models import Question, QuestionVersion
from quizzes.grading import final_grade, quiz_passed
from quizzes.models import AttemptQuestion, AttemptState, Quiz, QuizAttempt


@dataclass
class CadreResult:
    user: User
    attempts: list[QuizAttempt] = field(default_factory=list)
    grade: float | None = None
    passed: bool = False


def results(quiz: Quiz, unit: OrgUnit | None = None) -> list[CadreResult]:
    """Attempts per cadre (sorted as Vietnamese lists sort names), optionally within a unit subtree."""
    query = (select(QuizAttempt, User).join(User, User.id == QuizAttempt.user_id)
             .where(QuizAttempt.quiz_id == quiz.item_id)
             .order_by(User.sort_name, User.id, QuizAttempt.number))
    if unit is not None:
        query = query.join(OrgUnit, OrgUnit.id == User.unit_id).where(subtree_of(unit.path))
    rows: dict[int, CadreResult] = {}
    for attempt, user in db.session.execute(query):
        rows.setdefault(user.id, CadreResult(user=user)).attempts.append(attempt)
    for row in rows.values():
        row.grade = final_grade(quiz, row.attempts)
        row.passed = quiz_passed(quiz, row.attempts)
    return list(rows.values())


@dataclass
class QuestionStats:
    question_id: int
    name: str
    text_html: str
    kind: str
    count: int
    facility: float | None           # percent
    sd: float | None                 # of the fraction, percent
    discrimination: float | None     # percent (a correlation x 100)
    efficiency: float | None         # percent
    versions: list[int] = field(default_factory=list)


def _sample_stats(marks: list[float], others: list[float]) -> tuple[float | None, float | None, float | None]:
    """(sd of marks, discrimination index, discriminative efficiency) as Moodle computes them."""
    n = len(marks)
    if n < 2:
        return None, None, None
    mean_x, mean_y = sum(marks) / n, sum(others) / n
    var_x = sum((x - mean_x) ** 2 for x in marks) / (n - 1)
    var_y = sum((y - mean_y) ** 2 for y in others) / (n - 1)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(marks, others)) / (n - 1)
    cov_max = sum((x - mean_x) * (y - mean_y) for x, y in zip(sorted(marks), sorted(others))) / (n - 1)
    discrimination = 100 * cov / math.sqrt(var_x * var_y) if var_x * var_y > 0 else None
    efficiency = 100 * cov / cov_max if cov_max else None
    return math.sqrt(var_x), discrimination, efficiency


def question_statistics(quiz: Quiz) -> list[QuestionStats]:
    rows = db.session.execute(
        select(AttemptQuestion.attempt_id, AttemptQuestion.score, AttemptQuestion.points,
               QuestionVersion.question_id, QuestionVersion.number, QuizAttempt.score.label("total"),
               AttemptQuestion.position)
        .join(QuizAttempt, QuizAttempt.id == AttemptQuestion.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.version_id)
        .where(QuizAttempt.quiz_id == quiz.item_id, QuizAttempt.state == AttemptState.FINISHED)
        .order_by(AttemptQuestion.position)).all()
    by_question: dict[int, list] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(list(by_question))))}
    stats = []
    for question_id, group in by_question.items():
        marks = [r.score or 0.0 for r in group]
        others = [(r.total or 0.0) - (r.score or 0.0) for r in group]
        fractions = [(r.score or 0.0) / r.points if r.points else 0.0 for r in group]
        sd, discrimination, efficiency = _sample_stats(marks, others)
        mean_points = sum(r.points for r in group) / len(group)
        current = questions[question_id].current_version
        stats.append(QuestionStats(
            question_id=question_id, name=current.name, text_html=current.text_html, kind=current.kind.value,
            count=len(group), facility=100 * sum(fractions) / len(group),
            sd=None if sd is None or not mean_points else 100 * sd / mean_points,
            discrimination=discrimination, efficiency=efficiency,
            versions=sorted({r.number for r in group})))
    stats.sort(key=lambda s: min(r.position for r in by_question[s.question_id]))
    return stats
