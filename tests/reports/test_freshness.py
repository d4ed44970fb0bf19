"""The dashboard's figures follow every public service that changes what they count.

The services announce what they changed (``courses.signals``, ``accounts_moved``, ``units_moved``);
the rollup listens. A service that forgets to announce leaves the rollup behind the data, and the
step that calls it fails here: ``read`` (the rollup) must equal ``live`` (computed from the rows).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from courses import enrolment, learning, progress, structure
from courses import services as courses
from courses.certificates import renewal
from courses.certificates import services as certificates
from courses.certificates.models import Certificate
from courses.models import CourseStatus, ItemKind
from courses.queries import lesson_content
from elearn import db
from elearn.accounts import bulk
from elearn.accounts import services as accounts
from elearn.db import utcnow
from elearn.units import services as units
from quizzes import services as quizzes
from reports import filters, queries, services
from tests.factories import make_user
from tests.reports.factories import Province, items

pytestmark = pytest.mark.parametrize("app_config", [{"STATS_REFRESH_SECONDS": 0, "STATS_REFRESH_WAIT": True}])


def live(f):
    return {uid: c for uid, c in queries._counts_by_unit(f).items() if c.enrolled}


def read(f):
    return {uid: c for uid, c in queries.counts_by_unit(f).items() if c.enrolled}


def check(tree, step: str) -> None:
    db.session.commit()
    f = filters.resolve(tree.admin)
    assert read(f) == live(f), f"the figures missed: {step}"
    total = services.dashboard(f).unit.total
    assert (total.enrolled, total.completed, total.certificates) == (
        sum(c.enrolled for c in live(f).values()), sum(c.completed for c in live(f).values()),
        sum(c.certificates for c in live(f).values())), step


def test_every_public_service_keeps_the_figures_fresh(app, app_config):
    tree = Province()
    f = filters.resolve(tree.admin)
    assert read(f) == live(f)
    lesson, quiz = items(tree.course)

    new = make_user("moi", unit=tree.cell_a)
    enrolment.enroll(new, tree.course)
    check(tree, "enrol")
    progress.record_open(new, lesson)
    check(tree, "a lesson opened")
    progress.complete_item(new, lesson)
    check(tree, "a lesson completed")
    progress.record_score(new.id, quiz, 80.0)
    check(tree, "a quiz scored")
    progress.record_score(new.id, quiz, 95.0, completed_at=utcnow())
    check(tree, "a quiz passed: the course completed, a certificate issued")
    cert = db.session.query(Certificate).filter_by(user_id=new.id).one()
    certificates.revoke(cert, tree.admin, "cấp nhầm người")
    check(tree, "a certificate revoked")
    renewed = certificates.reissue(cert, tree.admin)
    check(tree, "a certificate issued again")
    renewed.expires_on = certificates.today() - timedelta(days=1)  # its validity has ended
    renewal.start(new, renewed.code)
    check(tree, "a renewal round started: the progress is history, the completion still counts")
    progress.complete_item(new, lesson)
    progress.record_score(new.id, quiz, 90.0, completed_at=utcnow())
    check(tree, "the course completed again: the certificate replaced by a new one")

    second = courses.create_course(tree.admin, "Khóa hai")
    module = structure.create_module(second, "Chương 1")
    reading = structure.add_item(module, ItemKind.LESSON, "Bài 1", body_html="<p>Nội dung</p>", minutes=5)
    courses.set_status(second, CourseStatus.PUBLISHED, tree.admin)
    visitor = make_user("xem", unit=tree.cell_a)
    enrolment.enroll(visitor, second)
    db.session.commit()
    visit = learning.read_visit(visitor, reading, second, lesson_content(reading))
    learning.record_visit(visitor, reading, visit)
    check(tree, "a lesson page visited")
    learning.mark_done(visitor, reading, second)
    check(tree, "a lesson marked done: the course completed")

    enrolment.unenroll(enrolment.get_enrollment(visitor, second), tree.admin)
    check(tree, "unenrolled")
    enrolment.enroll(visitor, second)
    check(tree, "enrolled again")

    enrolment.assign(second, tree.district_a, utcnow() - timedelta(days=1), tree.admin)
    check(tree, "a course assigned to a district")
    accounts.create_user("moi.den", "Nguyễn Văn Mới", unit=tree.cell_a, actor=tree.admin)
    check(tree, "an account created in an assigned unit")
    late = make_user("muon", unit=tree.cell_a)
    enrolment.apply_assignments(late)
    check(tree, "assignments applied to a cadre")

    accounts.update_user(tree.binh, tree.admin, full_name=tree.binh.full_name, position="", unit=tree.district_b,
                         email=None, roles=["cadre"], active=True)
    check(tree, "a cadre moved to another unit")
    xa = tree.xa
    bulk.update_users([({"id": xa.id, "username": xa.username, "full_name": xa.full_name, "position": xa.position,
                         "email": xa.email, "unit_id": xa.unit_id, "roles": set(xa.roles)},
                        {"unit_id": tree.district_b.id}, None)], tree.admin)
    check(tree, "a cadre moved by an account import")
    units.move_unit(tree.commune_a, tree.district_b)
    check(tree, "a commune moved to another district")

    extra = structure.add_item(tree.course.modules[0], ItemKind.LESSON, "Bài thêm", body_html="", minutes=5)
    check(tree, "a required item added")
    structure.update_item(extra, title="Bài thêm", required=False)
    check(tree, "an item made optional")
    structure.delete_item(extra, tree.admin)
    check(tree, "an item deleted")
    final = quizzes.create_quiz_item(module, tree.admin, "Kiểm tra cuối")
    check(tree, "a quiz added")
    quizzes.update_quiz(final, required=False)
    check(tree, "a quiz made optional")
