"""What the hot paths keep ready instead of making on every call, and what that saves (issue 18.6).

- Statements: SQLAlchemy caches the compiled SQL, not the statement object, so a view that builds
  its SELECT on every call pays the Python construction each time.
- Template text: Flask-Babel's ``gettext`` finds the request's catalog on every call; the templates
  read the catalog looked up once per render (``elearn.i18n._install_template_gettext``).

Prints microseconds per build or call, to set beside a request's CPU (``bench/load/journey.py``
prints it per attempt). ``.venv/bin/python bench/bench_prebuilt.py``
"""
from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.host import line as host_line  # noqa: E402


def main() -> None:
    from elearn.app import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        from sqlalchemy import bindparam, func, select, update
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        from courses.models import Course, Enrollment, Item, Progress
        from courses.queries import VISIBLE
        from quizzes.models import AttemptState, QuizAttempt

        t = QuizAttempt.__table__
        builds = {
            "progress score upsert (courses.progress)": lambda: (
                lambda ins: ins.on_conflict_do_update(
                    index_elements=[Progress.__table__.c.user_id, Progress.__table__.c.item_id],
                    set_={"best_score": ins.excluded.best_score,
                          "completed_at": func.coalesce(Progress.__table__.c.completed_at, ins.excluded.completed_at)},
                    where=Progress.__table__.c.best_score.is_distinct_from(ins.excluded.best_score))
                .returning(Progress.__table__.c.completed_at))(
                sqlite_insert(Progress).values(user_id=bindparam("u"), item_id=bindparam("i"), course_id=bindparam("c"),
                                               time_spent_seconds=0, best_score=bindparam("b"),
                                               first_opened_at=bindparam("d"), completed_at=bindparam("d"))),
            "lesson item for study (courses.learning)": lambda: (
                select(Item, Course, Enrollment).join(Course, Course.id == Item.course_id)
                .join(Enrollment, (Enrollment.course_id == Course.id) & (Enrollment.user_id == bindparam("user_id")))
                .where(Item.id == bindparam("item_id"), Course.status.in_(VISIBLE),
                       Enrollment.unenrolled_at.is_(None))),
            "add time spent (courses.learning)": lambda: (
                update(Progress).where(Progress.id == bindparam("row_id"))
                .values(time_spent_seconds=func.coalesce(Progress.time_spent_seconds, 0) + bindparam("seconds"))),
            "close an attempt (quizzes.attempts)": lambda: t.update().where(
                t.c.id == bindparam("attempt_id"), t.c.state == AttemptState.IN_PROGRESS).values(
                state=AttemptState.FINISHED, finished_at=bindparam("at"), submit_key=bindparam("key"),
                auto_submitted=bindparam("auto"), score=bindparam("s"), max_score=bindparam("m"),
                percent=bindparam("p"), passed=bindparam("ok")),
        }
        print(host_line())
        for name, build in builds.items():
            n = 2000
            seconds = min(timeit.repeat(build, number=n, repeat=3)) / n
            print(f"{name:<45} {seconds * 1e6:7.1f} µs a build")

    with app.test_request_context("/", headers={"Accept-Language": "vi"}):
        from flask_babel import get_translations, gettext

        catalog, n = get_translations(), 20000
        each = min(timeit.repeat(lambda: gettext("Previous"), number=n, repeat=3)) / n
        kept = min(timeit.repeat(lambda: catalog.ugettext("Previous"), number=n, repeat=3)) / n
        print(f"{'template _(): Flask-Babel gettext':<45} {each * 1e6:7.2f} µs a call")
        print(f"{'template _(): the catalog kept per render':<45} {kept * 1e6:7.2f} µs a call")


if __name__ == "__main__":
    main()
