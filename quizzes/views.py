"""Taking a quiz: the quiz page, the attempt pages, saving answers, submitting, the review.

Thin: each view loads what the user may see (a 404 otherwise) and calls one service; the
request commits once when it ends (elearn.db) and a refused action becomes a message
(elearn.app). Trainer pages are in ``quizzes.manage`` on the same blueprint (``quizzes.blueprint``).
"""
from __future__ import annotations

import math
import secrets

from flask import flash, jsonify, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses import services as courses
from elearn import db
from elearn.db import utcnow
from elearn.offline import keep_offline
from elearn.pagination import query_int
from elearn.permissions import Permission, requires
from quizzes import answering, attempts, services
from quizzes.answers import answers_from_form
from quizzes.bank.types import get_type
from quizzes.blueprint import bp
from quizzes.grading import final_grade
from quizzes.models import AttemptState


@bp.app_template_filter("kind_label")
def kind_label(kind) -> str:
    """A question kind as the page's language names it ("Một lựa chọn"), never its code ("single")."""
    return str(get_type(kind).label)


@bp.get("/item/<int:item_id>")
@requires(Permission.STUDY)
def item(item_id: int):
    quiz = services.get_quiz(item_id)
    editor = services.can_edit(current_user, quiz)
    done = attempts.attempts_of(quiz, current_user)
    may_take = attempts.may_take(quiz, current_user)
    if not editor and not may_take and not done:
        raise services.QuizNotFound()
    now = utcnow()
    if attempts.has_overdue(done, now):
        db.write_now(lambda: attempts.finish_overdue(quiz, current_user))  # a read page otherwise
        done = attempts.attempts_of(quiz, current_user)
    return render_template(
        "quizzes/item.html", quiz=quiz, course=services.course_of(quiz), attempts=done, editor=editor,
        open_attempt=next((a for a in done if a.state == AttemptState.IN_PROGRESS), None),
        grade=final_grade(quiz, done), left=attempts.attempts_left(quiz, done),
        is_open=services.is_open(quiz, now), may_take=may_take,
        question_count=services.question_count(quiz))


@bp.post("/item/<int:item_id>/start")
@requires(Permission.STUDY)
def start(item_id: int):
    quiz = services.get_quiz(item_id)
    done = attempts.attempts_of(quiz, current_user)
    if attempts.has_overdue(done, utcnow()):
        db.write_now(lambda: attempts.finish_overdue(quiz, current_user))
        done = None  # read again
    attempt = attempts.plan_attempt(quiz, current_user, done=done)  # draws the questions before the first write
    if attempt.id is None:
        attempts.store_attempt(attempt, current_user)
    return redirect(url_for(".attempt", attempt_id=attempt.id))


def _pages(attempt) -> list[list]:
    per_page = attempt.quiz.per_page or len(attempt.questions) or 1
    rows = attempt.questions
    return [rows[i:i + per_page] for i in range(0, len(rows), per_page)]


def _timed_out(attempt) -> bool:
    """Grade an attempt whose time ran out (committing it); True if it is finished now. Pages read;
    they write only when the time has run out (the sweep closes the attempts nobody looks at)."""
    if attempt.state == AttemptState.IN_PROGRESS and attempts.is_overdue(attempt, utcnow()):
        if db.write_now(lambda: attempts.finish_if_overdue(attempt)):
            flash(_("Time is up. Your attempt was graded with the answers saved before the deadline."), "warning")
    return attempt.state == AttemptState.FINISHED


@bp.get("/attempt/<int:attempt_id>")
@requires(Permission.STUDY)
def attempt(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id, current_user)
    if _timed_out(attempt):
        return redirect(url_for(".review", attempt_id=attempt.id))
    pages = _pages(attempt)
    # Without ?page=, back where the cadre was (the quiz page's "continue" and a reload after a drop).
    where = session.get("attempt_page") or {}
    page = request.args.get("page", where.get(str(attempt.id), 1), type=query_int)
    page = min(max(page, 1), len(pages))
    if len(pages) > 1 and where.get(str(attempt.id)) != page:
        session["attempt_page"] = {str(attempt.id): page}  # one attempt at a time is enough
    shown = [(row, answering.shown(row)) for row in pages[page - 1]]
    # Kept on the phone by the service worker: a reload with no connection shows it again, and
    # attempt.js puts back the answers kept on the device (elearn.offline).
    return keep_offline(make_response(render_template(
        "quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz, shown=shown, page=page,
        page_count=len(pages), submit_key=secrets.token_hex(16), remaining=_remaining(attempt))))


def _remaining(attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, math.floor((attempt.deadline - utcnow()).total_seconds()))


@bp.post("/attempt/<int:attempt_id>")
@requires(Permission.STUDY)
def save_page(attempt_id: int):
    """The page's form without JavaScript: save what it carries, then go where asked."""
    attempt = attempts.get_attempt(attempt_id, current_user)
    if _timed_out(attempt):
        return redirect(url_for(".review", attempt_id=attempt.id))
    page = request.form.get("page", 1, type=query_int)
    cleaned = answering.read_answers(attempt, current_user, answers_from_form(request.form))
    go = request.form.get("go", "")
    if go == "finish":
        db.write_now(lambda: answering.store_answers(attempt, cleaned))
        scores = attempts.grade_before_submit(attempt, current_user)  # outside the write lock
        if scores is not None:
            db.write_now(lambda: attempts.submit_attempt(attempt, current_user, request.form.get("submit_key"),
                                                   scores=scores))
        return redirect(url_for(".review", attempt_id=attempt.id))
    answering.store_answers(attempt, cleaned)
    if go == "summary":
        return redirect(url_for(".summary", attempt_id=attempt.id))
    target = int(go) if go.isascii() and go.isdigit() and len(go) <= 6 else page
    return redirect(url_for(".attempt", attempt_id=attempt.id, page=target))


@bp.post("/attempt/<int:attempt_id>/save")
@requires(Permission.STUDY)
def save_answer(attempt_id: int):
    """One question saved as the cadre clicks (JavaScript); a small JSON answer."""
    attempt = attempts.get_attempt(attempt_id, current_user)
    if attempt.state != AttemptState.IN_PROGRESS or attempts.is_overdue(attempt, utcnow()):
        _timed_out(attempt)
        return jsonify(ok=False, error=_("Time is up: the answer was not saved."), finished=True,
                       review=url_for(".review", attempt_id=attempt.id)), 409
    answers = answers_from_form(request.form)
    # ``seq``: the page's number for an answer kept on the device until the server confirms it
    # (attempt.js); sent again after a drop, it is written once and never over a newer answer.
    raw_seq = request.form.get("seq")
    seq = int(raw_seq) if raw_seq and raw_seq.isascii() and raw_seq.isdigit() and len(raw_seq) <= 16 else None
    try:
        if raw_seq is not None and seq is None:
            raise services.QuizError(_("The answer could not be read. Reload the page."))
        cleaned = answering.read_answers(attempt, current_user, answers)
        overtaken = {}
        if seq is None:
            saved = answering.store_answers(attempt, cleaned)
            written = sorted(row.position for row in cleaned)
        else:
            written, overtaken = answering.store_answers_once(attempt, cleaned, seq)
            saved = len(written)
    except services.QuizError as error:
        db.discard()
        finished = isinstance(error, (answering.TimeUp, answering.AttemptClosed))
        return jsonify(ok=False, error=str(error), finished=finished,
                       review=url_for(".review", attempt_id=attempt.id) if finished else None), 409 if finished else 400
    # Which answers are now stored: the page (and the load benchmark) can tell exactly what was kept;
    # ``written``: those this request wrote (a resend writes none).
    return jsonify(ok=True, saved=saved, written=written, seq=seq, attempt=attempt.id, questions=sorted(answers),
                   overtaken={str(k): v for k, v in overtaken.items()}, remaining=_remaining(attempt))


@bp.get("/attempt/<int:attempt_id>/summary")
@requires(Permission.STUDY)
def summary(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id, current_user)
    if _timed_out(attempt):
        return redirect(url_for(".review", attempt_id=attempt.id))
    states = answering.answered(attempt)
    per_page = attempt.quiz.per_page or len(states) or 1
    return render_template("quizzes/summary.html", attempt=attempt, quiz=attempt.quiz, per_page=per_page, states=states,
                           submit_key=secrets.token_hex(16), remaining=_remaining(attempt))


@bp.post("/attempt/<int:attempt_id>/submit")
@requires(Permission.STUDY)
def submit(attempt_id: int):
    attempt = attempts.get_attempt(attempt_id, current_user)
    scores = attempts.grade_before_submit(attempt, current_user)  # outside the write lock
    counted, key = False, request.form.get("submit_key")
    if scores is not None:  # a replay of a finished attempt writes nothing
        counted = attempts.submit_attempt(attempt, current_user, key, scores=scores)[1]
    if not counted and not attempts.submitted_with(attempt, key):  # the same form sent twice needs no word
        flash(_("This attempt had already been submitted; its result is unchanged."), "info")
    return redirect(url_for(".review", attempt_id=attempt.id))


@bp.get("/attempt/<int:attempt_id>/review")
@requires(Permission.STUDY)
def review(attempt_id: int):
    attempt = attempts.get_attempt_for_review(attempt_id, current_user)
    if attempt.state == AttemptState.IN_PROGRESS and attempts.is_overdue(attempt, utcnow()):
        db.write_now(lambda: attempts.finish_if_overdue(attempt))  # a conditional UPDATE: another request may have closed it
    if attempt.state == AttemptState.IN_PROGRESS and attempt.user_id == current_user.id:
        return redirect(url_for(".attempt", attempt_id=attempt.id))
    show = attempts.answers_visible(attempt, current_user)
    rows = []
    for row in attempt.questions:
        kind, shown, key = get_type(row.version.kind), row.version, row.key_version
        rows.append({"row": row, "right": kind.right_answer_html(key.data) if show else "",
                     "feedback": kind.response_feedback(key.data, row.response) if show else [],
                     "answer": kind.response_text(shown.data, row.response)})
    enrollment = courses.get_enrollment(attempt.user, services.course_of(attempt.quiz))
    return render_template("quizzes/review.html", attempt=attempt, quiz=attempt.quiz, rows=rows, show=show,
                           course=services.course_of(attempt.quiz),
                           course_done=enrollment is not None and enrollment.completed_at is not None)
