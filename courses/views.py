"""The cadre's pages: My courses, the catalog, a course's outline, the lesson page."""
from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses import enrolment, learning, lessons, offline, queries, services
from courses.certificates import renewal
from elearn import db, uploads
from elearn.menu import Entry
from elearn.offline import DOWNLOAD_HEADER, keep_offline
from elearn.pagination import query_int
from elearn.permissions import Permission, requires

bp = Blueprint("courses", __name__, template_folder="templates", static_folder="static",
               static_url_path="/courses-static")
MENU = [Entry("courses.my_courses", _l("My courses"), (Permission.STUDY,)),
        Entry("courses.catalog", _l("Course catalog"), (Permission.STUDY,))]


def item_url(item) -> str | None:
    """Where a cadre opens an item: lessons here, packages in courses.packages, quizzes in the quizzes package (once it is there)."""
    if item.kind.value == "lesson":
        return url_for("courses.lesson", item_id=item.id)
    if item.kind.value == "package":
        return url_for("packages.play", item_id=item.id)
    if "quizzes.item" in current_app.view_functions:
        return url_for("quizzes.item", item_id=item.id)
    return None


@bp.app_context_processor
def inject_helpers():
    return {"item_url": item_url, "video_embed": lessons.video_embed}


@bp.get("/my-courses")
@requires(Permission.STUDY)
def my_courses():
    me = current_user._get_current_object()
    if enrolment.pending_assignments(me):  # a cadre who joined an assigned unit after the assignment
        enrolment.apply_assignments(me)
        db.write_now()  # before rendering: SQLite's write lock is not held while the page renders
    return render_template("courses/my_courses.html", cards=queries.my_courses(me))


@bp.get("/catalog")
@requires(Permission.STUDY)
def catalog():
    q = request.args.get("q", "")[:200]
    theme = request.args.get("theme", "")[:500]
    year = request.args.get("year", type=query_int)
    themes, years = queries.catalog_filters()
    return render_template("courses/catalog.html", courses=queries.catalog(q, theme, year), q=q, theme=theme,
                           year=year, themes=themes, years=years, enrolled=queries.enrolled_ids(current_user))


@bp.get("/courses/<slug>")
@requires(Permission.STUDY)
def course(slug: str):
    course, enrollment = learning.get_course_for_study(slug, current_user)
    modules = queries.outline(course, current_user if enrollment else None)
    resume = queries.first_unfinished(modules) if enrollment else None
    renewable = renewal.offer_for(current_user, course) if enrollment and enrollment.completed_at else None
    response = make_response(render_template("courses/outline.html", course=course, enrollment=enrollment,
                                             modules=modules, resume=resume, preview=False, renewable=renewable,
                                             today=renewal.today()))
    return keep_offline(response) if enrollment else response


@bp.post("/courses/<slug>/enroll")
@requires(Permission.STUDY)
def enroll(slug: str):
    course, enrollment = learning.get_course_for_study(slug, current_user)
    if enrollment is None:
        enrolment.self_enroll(current_user, course)  # a refusal goes back to the course page (elearn.app)
        flash(_("You are enrolled. Good studying!"), "success")
    return redirect(url_for("courses.course", slug=course.slug))


@bp.get("/courses/<slug>/resume")
@requires(Permission.STUDY)
def resume(slug: str):
    course, enrollment = learning.get_course_for_study(slug, current_user)
    item = queries.first_unfinished(queries.outline(course, current_user)) if enrollment else None
    target = item_url(item) if item is not None else None
    return redirect(target or url_for("courses.course", slug=course.slug))


def _credit_previous_visit() -> None:
    """Time spent: the time since the previous lesson page was opened counts for that lesson."""
    visit = session.pop("studying", None)
    if isinstance(visit, list) and len(visit) == 2:
        learning.credit_time(current_user, int(visit[0]), float(visit[1]))


@bp.get("/courses/<slug>/download")
@requires(Permission.STUDY)
def download(slug: str):
    """What "Tải về để học khi không có mạng" stores on the phone (static/study.js hands the list to
    the service worker, elearn/static/sw.js): the outline, the lessons and their attachments."""
    course, enrollment = learning.get_course_for_study(slug, current_user)
    kept = offline.download_of(course, enrollment)  # a refusal is a JSON message (elearn.app)
    urls = [url_for("courses.course", slug=course.slug), url_for("courses.static", filename="courses.css"),
            url_for("courses.static", filename="study.js")]
    urls += [url_for("courses.lesson", item_id=i) for i in kept.lesson_ids]
    urls += [url_for("courses.attachment", item_id=i) for i in kept.attachment_ids]
    return jsonify(urls=urls, lessons=len(kept.lesson_ids), attachments=len(kept.attachment_ids),
                   bytes=kept.attachment_bytes, skipped=kept.skipped)


@bp.post("/learn/<int:item_id>/offline")
@requires(Permission.STUDY)
def lesson_offline(item_id: int):
    """A lesson opened (``opened_at``) and perhaps finished (``done``, ``done_at``) on the phone with no
    connection, sent when the line returns (static/study.js); sending it twice changes nothing."""
    item, course, enrollment = learning.get_item_for_study(item_id, current_user)
    finished = offline.record_offline(
        current_user, item, course, enrollment, opened_at=_epoch(request.form.get("opened_at")),
        done=request.form.get("done") == "1", done_at=_epoch(request.form.get("done_at")))
    return jsonify(ok=True, course_completed=finished is not None)


def _epoch(raw: str | None) -> float | None:
    if not raw or len(raw) > 20:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value == value and abs(value) < 1e11 else None  # not NaN, not beyond year 5000


@bp.get("/learn/<int:item_id>")
@requires(Permission.STUDY)
def lesson(item_id: int):
    item, course, enrollment = learning.get_item_for_study(item_id, current_user)
    if item.kind.value != "lesson":
        target = item_url(item)
        return redirect(target) if target else redirect(url_for("courses.course", slug=course.slug))
    content = queries.lesson_content(item)
    if request.headers.get(DOWNLOAD_HEADER):
        # The service worker downloading the course: reading it later is what counts, so nothing is
        # recorded now (study.js sends the opening when the lesson is read from the phone).
        visit = learning.read_visit(current_user, item, course, content)
        return keep_offline(make_response(_render_lesson(
            item, course, content, queries.structure(course.id), progress=visit.progress,
            enrollment=enrollment, preview=False)))
    visit = learning.read_visit(current_user, item, course, content, session.pop("studying", None))
    session["studying"] = [item.id, time.time()]
    finished = None
    if visit.writes:
        finished = learning.record_visit(current_user, item, visit)
        db.write_now()  # before rendering, as above
    if finished is not None:
        flash(_("Congratulations: you have completed the course."), "success")
    return keep_offline(make_response(_render_lesson(
        item, course, content, queries.structure(course.id), progress=visit.progress,
        enrollment=enrollment, preview=False)))


def _render_lesson(item, course, lesson, modules, *, progress, enrollment, preview: bool):
    """``lesson``: a ``queries.LessonRow`` (or the ``Lesson`` itself); ``modules``: ``queries.structure``."""
    previous, following = queries.neighbours(modules, item.id)
    module = next((m for m, items in modules if m.id == item.module_id), None)
    return render_template("courses/lesson.html", item=item, lesson=lesson, course=course,
                           module_title=module.title if module else "", previous=previous, following=following,
                           progress=progress, enrollment=enrollment, preview=preview,
                           studying=learning.can_study(course), rendered_at=int(time.time()))


@bp.post("/learn/<int:item_id>/done")
@requires(Permission.STUDY)
def lesson_done(item_id: int):
    item, course, _enrollment = learning.get_item_for_study(item_id, current_user)
    _credit_previous_visit()
    finished = learning.mark_done(current_user, item, course)  # a refusal goes back to the lesson
    if finished is not None:
        flash(_("Congratulations: you have completed the course."), "success")
        return redirect(url_for("courses.course", slug=course.slug))
    flash(_("“%(title)s” is marked as done.", title=item.title), "success")
    following = queries.neighbours(queries.structure(course.id), item.id)[1]
    target = item_url(following) if following is not None else None
    return redirect(target or url_for("courses.course", slug=course.slug))


@bp.get("/learn/<int:item_id>/attachment")
@requires(Permission.STUDY)
def attachment(item_id: int):
    item, _course, _enrollment = learning.get_item_for_study(item_id, current_user)
    return _send_attachment(item)


def _send_attachment(item):
    lesson = item.lesson
    if lesson is None or not lesson.attachment_path:
        return render_template("errors.html", code=404), 404
    return uploads.send_stored(lesson.attachment_path, lesson.attachment_name or "tep", lesson.attachment_type)


@bp.get("/courses/<slug>/cover")
@requires(Permission.STUDY)
def cover(slug: str):
    course = services.get_course(slug)
    if course is None or not course.cover_path or (
            course.status not in queries.VISIBLE and not services.can_edit(current_user, course)):
        return render_template("errors.html", code=404), 404
    mime = uploads.KINDS.get(course.cover_path.rsplit(".", 1)[-1], ("application/octet-stream",))[0]
    return uploads.send_stored(course.cover_path, f"{course.slug}.{course.cover_path.rsplit('.', 1)[-1]}", mime)
