"""One small world for the hostile-input suites: an admin who sees every page, and one object of
each kind a list page shows (course, quiz, question category, contest, audit entry, certificate)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from courses import enrolment
from courses.programmes import services as programmes
from courses.programmes import structure as programme_structure
from elearn import audit, db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.permissions import Role
from elearn.units.models import OrgUnit
from quizzes import services
from quizzes.contests import entries
from quizzes.contests.models import ContestRound
from tests.courses.certificates.factories import complete, make_quiz_course
from tests.factories import make_unit, make_user
from tests.quizzes.bank.factories import make_category
from tests.quizzes.contests.factories import make_contest, right_answers
from tests.quizzes.factories import enrolled_cadre, make_quiz


@dataclass
class World:
    province: OrgUnit
    district: OrgUnit
    admin: User
    cadre: User
    ids: dict[str, int]  # url_map argument name -> an id that exists and the admin may open


def make_world() -> World:
    province = make_unit("Tỉnh ủy Thái Bình")
    district = make_unit("Huyện ủy Vũ Thư", province)
    admin = make_user("quantri", roles=[Role.ADMIN, Role.MANAGER, Role.TRAINER, Role.CADRE], unit=province,
                      full_name="Phạm Văn Quản")
    quiz = make_quiz(2, trainer=admin)
    enrolment.enroll(admin, services.course_of(quiz))
    cadre = enrolled_cadre(quiz, username="hang", unit=district, full_name="Nguyễn Thị Thu Hằng")
    course = make_quiz_course()
    complete(cadre, course)
    category = make_category("Ngân hàng thử", owner=admin)
    contest, round_ = make_contest(admin)
    audit.record("user.update", target="hang", actor=admin, position="Bí thư")
    programme = programmes.create_programme(admin, "Học tập và làm theo tư tưởng Hồ Chí Minh 2023", validity_months=12)
    programme_structure.add_course(programme, course, admin)
    db.session.commit()
    ids = {"item_id": quiz.item_id, "course_id": course.id, "category_id": category.id, "unit_id": district.id,
           "contest_id": contest.id, "round_id": round_.id, "user_id": cadre.id, "module_id": course.modules[0].id,
           "programme_id": programme.id}
    return World(province, district, admin, cadre, ids)


def close_round(world: World, entrants) -> int:
    """Each of ``entrants`` enters the world's contest round (all right), then it closes; its id."""
    r = db.session.get(ContestRound, world.ids["round_id"])
    for entrant in entrants:
        entry = entries.start_entry(r, entrant)
        entries.submit_entry(entry, right_answers(entry), "7")
    r.closes_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    return r.id


def fill(app, world: World, endpoint: str) -> str | None:
    """The URL of ``endpoint`` with ids from the world (None when an argument cannot be filled)."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "GET" in r.methods)
    url = rule.rule
    for arg in rule.arguments:
        if arg not in world.ids:
            return None
        url = re.sub(rf"<(?:\w+(?:\([^)]*\))?:)?{arg}>", str(world.ids[arg]), url)
    return url


def start_attempt(client, world: World) -> int:
    """The signed-in user starts the world's quiz; its attempt id is also kept in ``world.ids``."""
    response = client.post(f"/quizzes/item/{world.ids['item_id']}/start")
    assert response.status_code == 302, response.status_code
    world.ids["attempt_id"] = int(response.location.rstrip("/").split("/")[-1])
    return world.ids["attempt_id"]


def every_get_page(app, client, world: World):
    """(endpoint, response) for every GET route whose arguments the world can fill."""
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.endpoint.endswith("static"):
            url = fill(app, world, rule.endpoint)
            if url is not None:
                yield rule.endpoint, client.get(url)
