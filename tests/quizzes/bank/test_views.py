"""Question bank pages: who may see what, forms per kind without JavaScript, versions, previews."""
import pytest
from sqlalchemy import select

from elearn import db
from elearn.permissions import Role
from quizzes.bank.models import Question, QuestionCategory, QuestionVersion
from tests.factories import make_user
from tests.quizzes.bank.factories import make_category, make_question


@pytest.fixture
def trainer(app):
    return make_user(roles=[Role.TRAINER])


def test_cadre_gets_403_and_anonymous_is_sent_to_login(client, login, trainer):
    cat = make_category(owner=trainer)
    assert client.get("/bank/").status_code == 302
    login(make_user(roles=[Role.CADRE]))
    for url in ("/bank/", f"/bank/categories/{cat.id}", f"/bank/categories/{cat.id}/questions/new?kind=single"):
        assert client.get(url).status_code == 403
    assert client.post("/bank/categories/new", data={"name": "X", "parent": ""}).status_code == 403


def test_another_trainers_category_and_question_are_404(client, login, trainer):
    cat = make_category("Kho riêng của A", owner=trainer)
    q = make_question(cat, user=trainer)
    login(make_user(roles=[Role.TRAINER]))
    for url in (f"/bank/categories/{cat.id}", f"/bank/categories/{cat.id}/edit", f"/bank/questions/{q.id}",
                f"/bank/questions/{q.id}/edit", f"/bank/questions/{q.id}/versions/1",
                f"/bank/categories/{cat.id}/questions/new?kind=single"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/bank/questions/{q.id}/edit", data={"text_html": "x", "save": "1"}).status_code == 404
    assert client.post(f"/bank/categories/{cat.id}/delete").status_code == 404
    assert client.post(f"/bank/questions/{q.id}/archive").status_code == 404
    # Nor can they hang a category under it.
    assert client.post("/bank/categories/new", data={"name": "Con", "parent": str(cat.id)}).status_code in (302, 404)
    assert db.session.scalar(select(QuestionCategory).where(QuestionCategory.parent_id == cat.id)) is None
    assert "Kho riêng của A" not in client.get("/bank/").get_data(as_text=True)


def test_admin_sees_every_category(client, login, trainer):
    cat = make_category("Của giảng viên", owner=trainer)
    login(make_user(roles=[Role.ADMIN]))
    assert "Của giảng viên" in client.get("/bank/").get_data(as_text=True)
    assert client.get(f"/bank/categories/{cat.id}").status_code == 200


def test_create_nested_categories_rename_and_move(client, login, trainer):
    login(trainer)
    page = client.get("/bank/")
    assert page.status_code == 200 and "Ngân hàng câu hỏi" in page.get_data(as_text=True)
    r = client.post("/bank/categories/new", data={"name": "Tư tưởng Hồ Chí Minh", "parent": ""})
    root = db.session.scalar(select(QuestionCategory).where(QuestionCategory.name == "Tư tưởng Hồ Chí Minh"))
    assert r.status_code == 302 and root.owner_id == trainer.id
    client.post("/bank/categories/new", data={"name": "Đạo đức", "parent": str(root.id)})
    child = db.session.scalar(select(QuestionCategory).where(QuestionCategory.name == "Đạo đức"))
    assert child.parent_id == root.id
    r = client.post("/bank/categories/new", data={"name": "Đạo đức", "parent": str(root.id)}, follow_redirects=True)
    assert "đã có danh mục" in r.get_data(as_text=True)
    other = make_category("Khác", owner=trainer)
    r = client.post(f"/bank/categories/{child.id}/edit", data={"name": "Đạo đức cách mạng", "parent": str(other.id),
                                                              "description": ""})
    assert r.status_code == 302
    db.session.refresh(child)
    assert child.name == "Đạo đức cách mạng" and child.parent_id == other.id
    r = client.post(f"/bank/categories/{other.id}/edit", data={"name": "Khác", "parent": str(child.id)})
    assert r.status_code == 200  # not a valid parent: its own subcategory is not offered
    page = client.get("/bank/").get_data(as_text=True)
    assert page.index("Khác") < page.index("Đạo đức cách mạng")


def test_create_single_choice_question_through_the_form(client, login, trainer):
    cat = make_category(owner=trainer)
    login(trainer)
    form = client.get(f"/bank/categories/{cat.id}/questions/new?kind=single").get_data(as_text=True)
    assert form.count('name="choices-') >= 15  # 5 blank rows, 3 fields each (+ hidden ids)
    data = {"text_html": "<p>Thủ đô của Việt Nam?</p><script>alert(1)</script>", "points": "2,5",
            "choices-0-html": "Hà Nội", "choices-0-percent": "100", "choices-0-feedback": "Đúng",
            "choices-1-html": "Huế <img src=x onerror=alert(1)>", "choices-1-percent": "",
            "choices-2-html": "", "shuffle": "y", "save": "1"}
    r = client.post(f"/bank/categories/{cat.id}/questions/new?kind=single", data=data)
    assert r.status_code == 302
    q = db.session.scalar(select(Question).where(Question.category_id == cat.id))
    v = q.current_version
    assert v.points == 2.5 and [c["html"] for c in v.data["choices"]] == ["Hà Nội", 'Huế <img src="x">']
    assert "<script" not in v.text_html
    page = client.get(f"/bank/questions/{q.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "onerror" not in page and "Hà Nội" in page


def test_more_rows_reloads_with_what_was_typed(client, login, trainer):
    cat = make_category(owner=trainer)
    login(trainer)
    r = client.post(f"/bank/categories/{cat.id}/questions/new?kind=matching",
                    data={"text_html": "Ghép", "pairs-0-prompt": "Một", "pairs-0-answer": "1", "more": "1"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and 'name="pairs-6-prompt"' in page and "Một" in page
    assert db.session.scalar(select(Question)) is None


def test_a_bad_question_shows_the_vietnamese_error_and_saves_nothing(client, login, trainer):
    cat = make_category(owner=trainer)
    login(trainer)
    r = client.post(f"/bank/categories/{cat.id}/questions/new?kind=multiple",
                    data={"text_html": "Chọn", "points": "1", "choices-0-html": "A", "choices-0-percent": "50",
                          "choices-1-html": "B", "choices-1-percent": "40", "save": "1"})
    assert r.status_code == 200 and "90%" in r.get_data(as_text=True)
    r = client.post(f"/bank/categories/{cat.id}/questions/new?kind=numerical",
                    data={"text_html": "Số?", "points": "1", "numbers-0-value": "ba", "save": "1"})
    assert "phải là một số" in r.get_data(as_text=True)
    assert db.session.scalar(select(Question)) is None
    assert client.get(f"/bank/categories/{cat.id}/questions/new?kind=bogus").status_code == 404


@pytest.mark.parametrize("kind, fields, check", [
    ("truefalse", {"answer": "false", "feedback_true": "Sai vì..."}, lambda d: d["answer"] is False),
    ("shortanswer", {"answers-0-text": "Hồ Chí Minh", "answers-0-percent": "100", "accent_insensitive": "y"},
     lambda d: d["accent_insensitive"] and d["answers"][0]["text"] == "Hồ Chí Minh"),
    ("shortanswer", {"answers-0-text": "*Minh", "answers-0-percent": "100", "wildcards": "y"},
     lambda d: d["wildcards"] and d["answers"][0]["text"] == "*Minh"),
    ("numerical", {"numbers-0-value": "3,14", "numbers-0-tolerance": "0,01", "numbers-0-percent": "100"},
     lambda d: d["answers"][0]["value"] == 3.14 and d["answers"][0]["tolerance"] == 0.01),
    ("matching", {"pairs-0-prompt": "1945", "pairs-0-answer": "Độc lập", "pairs-1-prompt": "1969",
                  "pairs-1-answer": "Di chúc"}, lambda d: len(d["pairs"]) == 2),
    ("multiple", {"choices-0-html": "A", "choices-0-percent": "50", "choices-1-html": "B", "choices-1-percent": "50",
                  "choices-2-html": "C", "choices-2-percent": "-100", "all_or_nothing": "y"},
     lambda d: d["all_or_nothing"] and d["choices"][2]["fraction"] == -1),
    ("essay", {}, lambda d: d == {}),
    ("description", {}, lambda d: d == {}),
])
def test_every_kind_round_trips_through_create_and_edit(client, login, trainer, kind, fields, check):
    cat = make_category(owner=trainer)
    login(trainer)
    r = client.post(f"/bank/categories/{cat.id}/questions/new?kind={kind}",
                    data={"text_html": "<p>Nội dung</p>", "points": "1", "save": "1", **fields})
    assert r.status_code == 302, r.get_data(as_text=True)
    q = db.session.scalar(select(Question))
    assert check(q.current_version.data)
    assert client.get(f"/bank/questions/{q.id}").status_code == 200
    # The edit form comes back filled in; saving it unchanged adds version 2 with the same data.
    edit = client.get(f"/bank/questions/{q.id}/edit")
    assert edit.status_code == 200 and "Nội dung" in edit.get_data(as_text=True)
    r = client.post(f"/bank/questions/{q.id}/edit",
                    data={"text_html": "<p>Nội dung mới</p>", "points": "1", "save": "1", **fields})
    assert r.status_code == 302
    db.session.refresh(q)
    assert q.current_version.number == 2 and check(q.current_version.data)


def test_edit_adds_a_version_and_the_old_one_stays_viewable(client, login, trainer):
    q = make_question(make_category(owner=trainer), text="<p>Bản đầu</p>", user=trainer)
    login(trainer)
    r = client.post(f"/bank/questions/{q.id}/edit", data={
        "text_html": "<p>Bản sửa</p>", "points": "1", "choices-0-id": "a", "choices-0-html": "Đúng",
        "choices-0-percent": "100", "choices-1-id": "b", "choices-1-html": "Sai", "save": "1"})
    assert r.status_code == 302
    versions = db.session.scalars(select(QuestionVersion).where(QuestionVersion.question_id == q.id)
                                  .order_by(QuestionVersion.number)).all()
    assert [v.text_html for v in versions] == ["<p>Bản đầu</p>", "<p>Bản sửa</p>"]
    old = client.get(f"/bank/questions/{q.id}/versions/1").get_data(as_text=True)
    assert "Bản đầu" in old and "phiên bản cũ" in old
    assert client.get(f"/bank/questions/{q.id}/versions/9").status_code == 404


def test_preview_as_cadre_hides_the_key_and_trainer_view_shows_it(client, login, trainer):
    q = make_question(make_category(owner=trainer), user=trainer,
                      data={"choices": [{"html": "Phương án A", "fraction": 1, "feedback": "Phản hồi bí mật"},
                                        {"html": "Phương án B", "fraction": 0}]})
    login(trainer)
    page = client.get(f"/bank/questions/{q.id}").get_data(as_text=True)
    cadre_part, key_part = page.split("Đáp án", 1)
    assert "Phương án A" in cadre_part and "Phản hồi bí mật" not in cadre_part
    assert "Phản hồi bí mật" in key_part and "100" in key_part


def test_list_search_filter_and_archive(client, login, trainer):
    cat = make_category(owner=trainer)
    sub = make_category("Con", cat)
    make_question(cat, text="<p>Chủ tịch Hồ Chí Minh</p>", user=trainer)
    q2 = make_question(sub, "truefalse", text="<p>Nhận định đúng sai</p>", data={"answer": True}, user=trainer)
    login(trainer)
    page = client.get(f"/bank/categories/{cat.id}?q=ho+chi+minh").get_data(as_text=True)
    assert "Chủ tịch Hồ Chí Minh" in page
    page = client.get(f"/bank/categories/{cat.id}?kind=truefalse&sub=1").get_data(as_text=True)
    assert "Nhận định đúng sai" in page and "Chủ tịch" not in page
    assert client.post(f"/bank/questions/{q2.id}/archive").status_code == 302
    assert db.session.get(Question, q2.id).archived
    page = client.get(f"/bank/categories/{cat.id}?sub=1").get_data(as_text=True)
    assert "Nhận định đúng sai" not in page
    assert client.get(f"/bank/categories/{cat.id}?page=abc&kind=zzz").status_code == 200


def test_delete_only_empty_categories(client, login, trainer):
    cat = make_category(owner=trainer)
    make_question(cat, user=trainer)
    empty_id = make_category("Trống", owner=trainer).id
    login(trainer)
    client.post(f"/bank/categories/{cat.id}/delete")
    assert db.session.get(QuestionCategory, cat.id) is not None
    assert client.post(f"/bank/categories/{empty_id}/delete").status_code == 302
    assert db.session.get(QuestionCategory, empty_id) is None


def test_home_and_nav_link_for_trainers_only(client, login, trainer):
    login(trainer)
    assert "/bank/" in client.get("/").get_data(as_text=True)
    login(make_user(roles=[Role.CADRE]))
    assert "/bank/" not in client.get("/").get_data(as_text=True)


def test_hostile_corpus_never_runs_on_any_bank_page(client, login, trainer):
    from tests.hostile import XSS, live_script

    cat = make_category("<b onmouseover=alert(1)>Danh mục", owner=trainer)
    login(trainer)
    for i, payload in enumerate(XSS):
        r = client.post(f"/bank/categories/{cat.id}/questions/new?kind=multiple", data={
            "text_html": f"<p>Câu {i}</p>{payload}", "points": "1", "name": payload[:200],
            "general_feedback_html": payload, "tags": payload[:100],
            "choices-0-html": f"Đúng {payload}", "choices-0-percent": "100", "choices-0-feedback": payload,
            "choices-1-html": f"Sai {payload}", "choices-1-percent": "-50", "save": "1"})
        assert r.status_code == 302, payload
        client.post(f"/bank/categories/{cat.id}/questions/new?kind=matching", data={
            "text_html": f"<p>Ghép {i}</p>", "points": "1", "pairs-0-prompt": payload + "A", "pairs-0-answer": payload + "1",
            "pairs-1-prompt": "B", "pairs-1-answer": "2", "save": "1"})
    pages = ["/bank/", f"/bank/categories/{cat.id}", f"/bank/categories/{cat.id}/edit", f"/bank/categories/{cat.id}?q=%3Cscript%3E"]
    for q in db.session.scalars(select(Question)):
        pages += [f"/bank/questions/{q.id}", f"/bank/questions/{q.id}/edit"]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        assert live_script(page.get_data(as_text=True)) == [], url


def test_a_parent_category_counts_and_lists_its_subcategories(app, client, login):
    """Issue 17.6: a parent category showed '0 câu hỏi' and no subcategories."""
    from tests.courses.factories import make_trainer
    from tests.quizzes.bank.factories import make_category, make_question

    trainer = make_trainer()
    parent = make_category("Lịch sử Đảng", owner=trainer)
    child = make_category("Giai đoạn 1930-1945", parent=parent, owner=trainer)
    for n in range(3):
        make_question(child, text=f"<p>Câu {n}?</p>", user=trainer)
    login(trainer)
    index = client.get("/bank/").get_data(as_text=True)
    assert "3 kể cả danh mục con" in index
    page = client.get(f"/bank/categories/{parent.id}").get_data(as_text=True)
    assert "Danh mục con" in page and "Giai đoạn 1930-1945" in page and "(3 câu hỏi)" in page
