"""Query counts: "My courses" and the outline stay at a fixed number of SQL statements."""
from contextlib import contextmanager

from sqlalchemy import event

from elearn import db
from courses import services
from courses.progress import complete_item
from tests.courses.factories import items_of, make_course, make_trainer
from tests.factories import make_unit, make_user


@contextmanager
def count_queries(app):
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    engine = app.extensions["elearn.engine"]
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _cadre_with_courses(n_courses: int, lessons: int):
    trainer = make_trainer()
    cadre = make_user(unit=make_unit())  # a unit: the assignment reconciliation query runs too
    courses = [make_course(trainer, title=f"Khóa {n}", modules=2, lessons=lessons) for n in range(n_courses)]
    for n, course in enumerate(courses):
        services.enroll(cadre, course)
        for item in items_of(course)[: n % 3]:
            complete_item(cadre, item)
    db.session.commit()
    return cadre, courses


def _queries_for(app, client, url):
    client.get(url)  # warm up: sign-in bookkeeping, lazy assignment reconciliation
    with count_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_my_courses_and_outline_use_a_fixed_number_of_queries(app, client, login):
    small, small_courses = _cadre_with_courses(2, lessons=1)
    big, big_courses = _cadre_with_courses(20, lessons=5)
    login(small)
    small_my = _queries_for(app, client, "/my-courses")
    small_outline = _queries_for(app, client, f"/courses/{small_courses[1].slug}")
    login(big)
    big_my = _queries_for(app, client, "/my-courses")
    big_outline = _queries_for(app, client, f"/courses/{big_courses[19].slug}")
    assert big_my == small_my <= 5, (small_my, big_my)
    assert big_outline == small_outline <= 7, (small_outline, big_outline)
