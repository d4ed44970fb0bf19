"""Every edit form, opened and saved unchanged as a browser would, leaves what it edits as it was
(issue 15.2: the quiz settings page used to switch the review policy to "full, immediately").

The stored objects get values other than the defaults first, so a field that does not show the
stored value (a select left on its first option, an unticked box) changes something and fails."""
from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import inspect

from courses.certificates import services as certificates
from courses.certificates.models import Motto
from elearn import db
from elearn.accounts.models import User
from elearn.db import utcnow
from elearn.permissions import Role
from quizzes import services as quizzes
from quizzes.bank.models import Question, QuestionCategory
from quizzes.contests.models import Contest, ContestRound
from quizzes.models import GradingMethod, Quiz, ReviewShows, ReviewWhen
from tests.courses.factories import items_of, make_course
from tests.factories import make_unit, make_user
from tests.quizzes.bank.factories import make_category, make_question
from tests.quizzes.contests.factories import make_contest
from tests.quizzes.factories import choices, make_quiz

SKIP = {"updated_at", "changed_at", "search_text", "search_name", "sort_name", "current_version_id"}


class _Form(HTMLParser):
    """The fields a browser posts from the page's form whose fields include ``marker``."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._fields: list | None = None
        self._select: list | None = None
        self._text: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append(self._fields)
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file", "image", "reset"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self._fields.append((name, a.get("value", "on")))
            else:
                self._fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._text = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None, None, "multiple" in a]  # name, first option, selected, multiple
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in a:
                if self._select[3]:
                    self._fields.append((self._select[0], value))
                else:
                    self._select[2] = value

    def handle_data(self, data):
        if self._text is not None:
            self._text[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._text is not None:
            text = self._text[1].replace("\r\n", "\n")  # as a browser reads it: CR LF is LF,
            value = text[1:] if text.startswith("\n") else text  # and the first newline is not content
            self._fields.append((self._text[0], value))
            self._text = None
        elif tag == "select" and self._select is not None:
            name, first, selected, multiple = self._select
            if not multiple and (selected or first) is not None:
                self._fields.append((name, selected if selected is not None else first))  # a browser's default
            self._select = None
        elif tag == "form":
            self._fields = None


def _post_back(client, url: str, marker: str):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    parser = _Form()
    parser.feed(page.get_data(as_text=True))
    form = next(f for f in parser.forms if any(name == marker for name, _ in f))
    data: dict[str, list[str]] = {}
    for name, value in form:
        data.setdefault(name, []).append(value)
    response = client.post(url, data=data)
    assert response.status_code == 302, (url, response.status_code, response.get_data(as_text=True)[:2000])


def _snapshot(obj) -> dict:
    db.session.refresh(obj)
    return {c.key: getattr(obj, c.key) for c in inspect(obj).mapper.column_attrs if c.key not in SKIP}


def _unchanged(client, url: str, marker: str, *objects) -> None:
    before = [_snapshot(o) for o in objects]
    _post_back(client, url, marker)
    db.session.expire_all()
    after = [_snapshot(o) for o in objects]
    changed = [{k: (b[k], a[k]) for k in b if a[k] != b[k]} for b, a in zip(before, after)]
    assert after == before, (url, changed)


@pytest.fixture
def editor(app, login):
    user = make_user("bientap", roles=[Role.TRAINER, Role.ADMIN], unit=make_unit("Tỉnh ủy Thái Bình"))
    login(user)
    return user


def test_quiz_settings(app, client, editor):
    quiz = make_quiz(2, trainer=editor, attempts_allowed=3, time_limit_minutes=25, per_page=5, pass_percent=70,
                     grading_method="last", review_shows="score", review_when="after_close",
                     shuffle_questions=True, shuffle_choices=False, intro_html="<p>Đọc kỹ đề.</p>",
                     closes_at=(utcnow() + timedelta(days=10)).replace(second=0, microsecond=0))
    assert (quiz.grading_method, quiz.review_shows, quiz.review_when) == (
        GradingMethod.LAST, ReviewShows.SCORE, ReviewWhen.AFTER_CLOSE)
    _unchanged(client, f"/quizzes/item/{quiz.item_id}/edit", "grading_method", db.session.get(Quiz, quiz.item_id),
               quiz.item)


def test_certificate_settings(app, client, editor):
    course = make_course(editor, lessons=1)
    certificates.save_template(course, editor, enabled=False, issuing_body="BAN TUYÊN GIÁO HUYỆN ỦY", motto=Motto.STATE,
                               title="GIẤY CHỨNG NHẬN", wording="Đã hoàn thành", place="Vũ Thư",
                               signer_title="TRƯỞNG BAN", signer_name="Trần Văn Ký")
    db.session.commit()
    _unchanged(client, f"/certificates/course/{course.id}/settings", "motto", certificates.get_template(course))


def test_course_lesson_and_item(app, client, editor):
    course = make_course(editor, lessons=1, summary="Tóm tắt khóa học")
    lesson = items_of(course)[0]
    lesson.required = False
    lesson.lesson.video_url = "https://www.youtube.com/watch?v=abcdefghijk"
    quiz = quizzes.create_quiz_item(course.modules[0], editor, "Kiểm tra nhanh")
    quiz.item.required = False
    db.session.commit()
    _unchanged(client, f"/teach/{course.id}", "summary", course)
    _unchanged(client, f"/teach/items/{lesson.id}", "body", lesson, lesson.lesson)
    _unchanged(client, f"/teach/items/{quiz.item_id}", "title", quiz.item)


def test_question_and_category(app, client, editor):
    parent = make_category("Lịch sử Đảng", owner=editor)
    category = make_category("Giai đoạn 1930-1945", parent=parent, owner=editor)
    category.description = "Các câu hỏi về giai đoạn đầu"
    question = make_question(category, data={**choices(right=2, n=4), "shuffle": False}, user=editor,
                             general_feedback_html="<p>Xem lại bài 2.</p>", name="Cách mạng Tháng Tám")
    db.session.commit()
    _unchanged(client, f"/bank/categories/{category.id}/edit", "name", db.session.get(QuestionCategory, category.id))
    _unchanged(client, f"/bank/questions/{question.id}/edit", "text_html", db.session.get(Question, question.id),
               question.current_version)


def test_contest_and_round(app, client, editor):
    contest, r = make_contest(editor, questions=10, limit_minutes=15)
    for obj, fields in ((contest, ("starts_at", "ends_at")), (r, ("opens_at", "closes_at"))):
        for name in fields:  # the forms edit times to the minute, as organisers set them
            setattr(obj, name, getattr(obj, name).replace(second=0, microsecond=0))
    db.session.commit()
    _unchanged(client, f"/contests/manage/{contest.id}/edit", "title", db.session.get(Contest, contest.id))
    _unchanged(client, f"/contests/manage/{contest.id}/rounds/{r.id}/edit", "question_count",
               db.session.get(ContestRound, r.id))


def test_account(app, client, editor):
    unit = make_unit("Đảng ủy xã Tân Hòa")
    user = make_user("canbo", unit=unit, roles=[Role.CADRE, Role.TRAINER], position="Bí thư chi bộ",
                     email="canbo@example.vn")
    _unchanged(client, f"/admin/users/{user.id}", "full_name", db.session.get(User, user.id))
    assert {r.value for r in db.session.get(User, user.id).roles} == {"cadre", "trainer"}


def test_lti_platform(app, client, editor):
    from elearn.lti import services as lti
    from elearn.lti.models import LtiPlatform
    make_unit("Huyện ủy Đông Hưng")  # the platform's unit is not the first option
    unit = make_unit("Huyện ủy Vũ Thư")
    platform = lti.create_platform(editor, name="Moodle Trường Chính trị", issuer="https://moodle.example.vn",
                                   client_id="abc", deployment_ids="1\n2", unit=unit,
                                   auth_login_url="https://moodle.example.vn/auth",
                                   auth_token_url="https://moodle.example.vn/token",
                                   key_set_url="https://moodle.example.vn/certs")
    lti.update_platform(platform, editor, active=False, **{k: getattr(platform, k) for k in (
        "name", "issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url")},
        unit=unit)
    db.session.commit()
    _unchanged(client, f"/admin/lti/{platform.id}", "client_id", db.session.get(LtiPlatform, platform.id))
