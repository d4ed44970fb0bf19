"""The XSS corpus through every import, then every page that shows what was imported.

Question files (GIFT, Aiken, CSV, XLSX), account files (CSV, XLSX), lesson HTML (typed and pasted
from Word) and the public contest registration each carry ``XSS``; the pages that render the
imported text — to the trainer, the admin, the manager and the cadre taking the quiz — are
checked with ``assert_no_live_script``. Storage-level sanitizing is tested beside each domain.
"""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import select

from elearn import db
from elearn.accounts.models import User
from quizzes import services as quizzes
from quizzes.bank.models import Question
from quizzes.contests.models import Contest, ContestEntrant
from tests.hostile import XSS, assert_no_live_script
from tests.hostile_world import close_round, make_world
from tests.quizzes.bank.factories import make_category
from tests.quizzes.contests.test_views import register

WORD_PASTE = (
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name=ProgId content=Word.Document>'
    '<style>p.MsoNormal{margin:0;color:red}</style><script>alert("word")</script></head>'
    '<body lang=VI style="tab-interval:36.0pt"><!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml>'
    '<![endif]--><p class=MsoNormal style="text-align:justify"><span style=\'font-family:"Times New Roman"\'>'
    'Nghị quyết Đại hội XIII<o:p></o:p></span></p><v:shape onclick="alert(1)"><v:imagedata src="x"/></v:shape>'
    '<p class=MsoListParagraph><a href="javascript:alert(1)">Bấm</a></p></body></html>')


def check_pages(client, urls: list[str]) -> None:
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_no_live_script(response.get_data(as_text=True))


@pytest.fixture
def world(app, login):
    world = make_world()
    login(world.admin)
    return world


# --- question files -------------------------------------------------------------------------------

def _gift() -> bytes:
    blocks = []
    for n, payload in enumerate(XSS):
        p = payload
        for ch in "\\{}=#~:":
            p = p.replace(ch, "\\" + ch)
        blocks.append(f"::H{n}::[html]Câu {p}{{=Đúng {p}#{p} ~Sai {p}#{p} ####{p}}}")
        blocks.append(f"::P{n}::Câu thường {p}{{=Đúng {p} ~Sai}}")
    return "\n\n".join(blocks).encode()


def _aiken() -> bytes:
    return "\n\n".join(f"Câu {p}\nA. Đúng {p}\nB. Sai {p}\nANSWER: A" for p in XSS).encode()


def _rows() -> list[list[str]]:
    return [["Câu hỏi", "Loại", "Phương án A", "Phương án B", "Đáp án", "Điểm", "Giải thích"]] + [
        [f"Câu {p}", "một đáp án", f"Đúng {p}", f"Sai {p}", "A", "1", f"Giải thích {p}"] for p in XSS]


def _csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(_rows())
    return out.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


QUESTION_FILES = {"gift": (_gift, "cau-hoi.gift.txt", 2), "aiken": (_aiken, "cau-hoi.txt", 1),
                  "csv": (_csv, "cau-hoi.csv", 1), "xlsx": (lambda: _xlsx(_rows()), "cau-hoi.xlsx", 1)}


@pytest.mark.parametrize("fmt", sorted(QUESTION_FILES))
def test_question_import(client, world, fmt):
    build, filename, per_payload = QUESTION_FILES[fmt]
    category = make_category(f"Nhập {fmt}", owner=world.admin)
    response = client.post("/questions/import", data={"format": fmt, "category": category.id,
                                                      "file": (io.BytesIO(build()), filename)})
    assert_no_live_script(response.get_data(as_text=True))
    questions = list(db.session.scalars(select(Question).where(Question.category_id == category.id)))
    assert len(questions) == per_payload * len(XSS), response.get_data(as_text=True)[-3000:]
    urls = [f"/bank/categories/{category.id}", f"/bank/categories/{category.id}?q=script", "/bank/"]
    urls += [f"/bank/questions/{q.id}{end}" for q in questions for end in ("", "/edit")]
    check_pages(client, urls)

    # The cadre taking the quiz sees the imported text too: attempt pages, review, statistics.
    quiz = quizzes.get_quiz(world.ids["item_id"])
    quizzes.add_fixed_questions(quiz, questions)
    db.session.commit()
    attempt = client.post(f"/quizzes/item/{quiz.item_id}/start").location.rstrip("/").split("/")[-1]
    check_pages(client, [f"/quizzes/attempt/{attempt}?page={n}" for n in range(1, len(questions) + 3)])
    check_pages(client, [f"/quizzes/attempt/{attempt}/summary"])
    assert client.post(f"/quizzes/attempt/{attempt}/submit", data={"submit_key": "k"}).status_code == 302
    check_pages(client, [f"/quizzes/attempt/{attempt}/review",
                         f"/quizzes/item/{quiz.item_id}/statistics", f"/quizzes/item/{quiz.item_id}/results",
                         f"/quizzes/item/{quiz.item_id}/edit"])


# --- account files --------------------------------------------------------------------------------

def _account_rows(code: str) -> list[list[str]]:
    return [["username", "full_name", "unit_code", "position"]] + [
        [f"xss{n}", f"Nguyễn {p}"[:255], code, p[:255]] for n, p in enumerate(XSS)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_account_import(client, world, fmt):
    rows = _account_rows(world.district.code)
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        content = out.getvalue().encode()
    else:
        content = _xlsx(rows)
    response = client.post("/admin/users/import", data={"file": (io.BytesIO(content), f"can-bo.{fmt}")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert_no_live_script(response.get_data(as_text=True))
    users = list(db.session.scalars(select(User).where(User.username.like("xss%"))))
    assert len(users) == len(XSS), response.get_data(as_text=True)[-3000:]
    urls = ["/admin/users", "/admin/users?q=nguyen", "/admin/audit", f"/stats/?unit={world.district.code}",
            f"/stats/?unit={world.district.code}&behind=1", "/admin/units", f"/admin/units/{world.district.id}"]
    urls += [f"/admin/users/{u.id}" for u in users]
    check_pages(client, urls)


# --- lesson HTML, typed or pasted from Word ---------------------------------------------------------

def test_lesson_html_and_word_paste(client, world):
    module_id = quizzes.course_of(quizzes.get_quiz(world.ids["item_id"])).modules[0].id
    for n, body in enumerate(XSS + [WORD_PASTE]):
        response = client.post(f"/teach/modules/{module_id}/lessons/new", data={
            "title": f"Bài {n} {XSS[n % len(XSS)]}"[:255], "body": body + "<p>Nội dung</p>", "video_url": "",
            "minutes": "10", "required": "y"})
        assert response.status_code == 302, n
    course = quizzes.course_of(quizzes.get_quiz(world.ids["item_id"]))
    db.session.refresh(course)
    lessons = [i for m in course.modules for i in m.items if i.kind.value == "lesson"]
    assert len(lessons) == len(XSS) + 1
    urls = [f"/teach/{course.id}", f"/teach/{course.id}/preview", f"/courses/{course.slug}", "/my-courses"]
    urls += [f"{prefix}{item.id}{end}" for item in lessons
             for prefix, end in (("/learn/", ""), ("/teach/items/", ""), ("/teach/items/", "/preview"))]
    check_pages(client, urls)
    assert "Nghị quyết Đại hội XIII" in client.get(f"/learn/{lessons[-1].id}").get_data(as_text=True)


# --- the public contest registration ------------------------------------------------------------------

def test_contest_registration_fields(app, client, world):
    """Free-text fields refuse '<' (a polite message); what gets through is shown inert."""
    contest_id, accepted = world.ids["contest_id"], 0
    contest = db.session.get(Contest, contest_id)
    for n, payload in enumerate(XSS):
        public = app.test_client()
        for name in (payload[:200], f"Trần Thị Bình {chr(0x41 + n)}"):
            response = register(public, contest, full_name=name, address=payload, unit_text=payload[:255],
                                phone=f"09{n:02d}{len(name):03d}999"[:10], email=f"x{n}.{len(name)}@example.vn")
            assert response.status_code in (200, 302, 400), (payload, response.status_code)
            assert_no_live_script(response.get_data(as_text=True))
            if response.status_code == 302:
                accepted += 1
                check_pages(public, [response.location])
    entrants = db.session.scalars(select(ContestEntrant)).all()
    assert accepted and accepted == len(entrants)
    close_round(world, entrants)  # they took part: the organiser's results list them
    check_pages(client, [f"/contests/manage/{contest_id}", "/contests/manage/",
                         f"/contests/manage/{contest_id}/rounds/{world.ids['round_id']}/results"])
