"""Question bank services: categories, versions that never change, sanitized content, search."""
import pytest
from sqlalchemy import select

from elearn import db
from elearn.permissions import Role
from quizzes.bank import category_paths, queries, services
from quizzes.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from quizzes.bank.services import BankError
from tests.factories import make_user
from tests.quizzes.bank.factories import SINGLE, make_category, make_question


@pytest.fixture
def trainer(app):
    return make_user(roles=[Role.TRAINER])


def test_create_question_gives_version_one(trainer):
    cat = make_category(owner=trainer)
    q = make_question(cat, user=trainer, name="  Câu 1 ", points=2, tags=["Bác Hồ", "bác hồ", " Đạo đức "])
    v = q.current_version
    assert v.number == 1 and v.kind == QuestionKind.SINGLE and v.points == 2.0 and v.name == "Câu 1"
    assert v.data["choices"][0]["id"] == "a" and v.created_by_id == trainer.id
    assert q.tags == "bác hồ,đạo đức"


def test_update_adds_a_version_and_never_changes_the_old_one(trainer):
    q = make_question(make_category(owner=trainer), user=trainer)
    v1_id = q.current_version_id
    v1_before = (q.current_version.text_html, dict(q.current_version.data))
    new_data = {"choices": [{"html": "Một", "fraction": 1}, {"html": "Hai"}, {"html": "Ba"}]}
    v2 = services.update_question(q, text_html="<p>Câu hỏi mới?</p>", data=new_data, points=3, user=trainer)
    db.session.commit()
    db.session.expire_all()
    v1 = db.session.get(QuestionVersion, v1_id)
    assert (v1.text_html, v1.data) == v1_before and v1.number == 1 and v1.points == 1.0
    assert v2.number == 2 and q.current_version_id == v2.id and len(v2.data["choices"]) == 3
    assert [v.number for v in queries.versions(q)] == [2, 1]
    v3 = services.update_question(q, name="Giữ nguyên nội dung", user=trainer)  # omitted fields are kept
    assert v3.number == 3 and v3.text_html == "<p>Câu hỏi mới?</p>" and v3.points == 3


def test_a_bad_update_writes_nothing(trainer):
    q = make_question(make_category(owner=trainer), user=trainer)
    with pytest.raises(BankError, match="100%"):
        services.update_question(q, data={"choices": [{"html": "A"}, {"html": "B"}]}, user=trainer)
    db.session.rollback()
    assert db.session.scalar(select(QuestionVersion.number).where(QuestionVersion.question_id == q.id)
                             .order_by(QuestionVersion.number.desc())) == 1


def test_script_is_sanitized_in_every_html_field(trainer):
    cat = make_category(owner=trainer)
    evil = '<script>alert(1)</script><img src=x onerror=alert(1)>'
    q = services.create_question(
        cat, QuestionKind.SINGLE, "<p>Câu</p>" + evil, general_feedback_html="Giải thích" + evil,
        data={"choices": [{"html": "Đúng" + evil, "fraction": 1, "feedback": "ok" + evil},
                          {"html": '<a href="javascript:alert(1)">Sai</a>'}]}, user=trainer)
    tf = services.create_question(cat, "truefalse", "<p>Nhận định</p>",
                                  data={"answer": True, "feedback_true": evil + "Đúng"}, user=trainer)
    match = services.create_question(cat, "matching", "<p>Ghép</p>", data={"pairs": [
        {"prompt": "A" + evil, "answer": "1" + evil}, {"prompt": "B", "answer": "2"}]}, user=trainer)
    stored = repr([q.current_version.text_html, q.current_version.general_feedback_html, q.current_version.data,
                   tf.current_version.data, match.current_version.data]).lower()
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in stored


def test_a_choice_that_is_only_script_is_empty_after_sanitizing(trainer):
    with pytest.raises(BankError, match="trống"):
        services.create_question(make_category(owner=trainer), "single", "<p>Câu</p>", user=trainer,
                                 data={"choices": [{"html": "<script>x</script>", "fraction": 1}, {"html": "B"}]})


@pytest.mark.parametrize("fields, message", [
    ({"text_html": "<script>x</script>"}, "nội dung"),
    ({"points": 0}, "Điểm"), ({"points": "nhiều"}, "Điểm"), ({"points": 10_000}, "Điểm"),
    ({"kind": "bogus"}, "Loại"),
    ({"text_html": "<p>x</p>" * 50_000}, "quá dài"),
    ({"data": {"choices": [{"html": "x" * 30_000, "fraction": 1}, {"html": "B"}]}}, "quá dài"),
])
def test_create_question_refuses(trainer, fields, message):
    args = {"kind": "single", "text_html": "<p>Câu</p>", "data": SINGLE, **fields}
    with pytest.raises(BankError, match=message):
        services.create_question(make_category(owner=trainer), args.pop("kind"), args.pop("text_html"),
                                 user=trainer, **args)


def test_description_has_no_points(trainer):
    q = services.create_question(make_category(owner=trainer), "description", "<p>Đọc đoạn sau</p>", data={},
                                 user=trainer)
    assert q.current_version.points == 0


def test_category_tree_paths_and_names(trainer):
    root = services.create_category("Tư tưởng Hồ Chí Minh", owner=trainer)
    child = services.create_category("Đạo đức", root)
    assert child.path == f"{root.path}{child.id}/" and child.owner_id == trainer.id
    with pytest.raises(BankError, match="đã có"):
        services.create_category("Đạo đức", root)
    with pytest.raises(BankError):
        services.create_category("A/B", root)
    with pytest.raises(BankError):
        services.create_category("   ", root)
    assert category_paths.category_path_name(child) == "Tư tưởng Hồ Chí Minh/Đạo đức"
    other = make_user(roles=[Role.TRAINER])
    services.create_category("Tư tưởng Hồ Chí Minh", owner=other)  # top level is unique per owner only
    with pytest.raises(BankError):
        services.create_category("Tư tưởng Hồ Chí Minh", owner=trainer)


def test_get_or_create_category_path_is_idempotent(trainer):
    a = category_paths.get_or_create_category_path("Cha/Con/Cháu", trainer)
    b = category_paths.get_or_create_category_path(" Cha / Con /Cháu/", trainer)
    assert a.id == b.id
    assert category_paths.category_path_name(a) == "Cha/Con/Cháu"
    assert db.session.scalar(select(QuestionCategory).where(QuestionCategory.name == "Cha")).owner_id == trainer.id
    slash = category_paths.get_or_create_category_path("Năm 2023//2024", trainer)
    assert slash.name == "Năm 2023-2024"
    assert category_paths.find_category_path("Cha/Không có", trainer) is None
    other = make_user(roles=[Role.TRAINER])
    assert category_paths.get_or_create_category_path("Cha/Con/Cháu", other).id != a.id
    with pytest.raises(BankError):
        category_paths.get_or_create_category_path(" / ", trainer)


def test_move_category_rewrites_the_subtree(trainer):
    a = services.create_category("A", owner=trainer)
    b = services.create_category("B", a)
    c = services.create_category("C", b)
    other = make_user(roles=[Role.TRAINER])
    d = services.create_category("D", owner=other)
    with pytest.raises(BankError):
        services.move_category(a, c)
    assert services.move_category(b, d) == 2
    db.session.commit()
    b, c = db.session.get(QuestionCategory, b.id), db.session.get(QuestionCategory, c.id)
    assert b.path == f"{d.path}{b.id}/" and c.path == f"{b.path}{c.id}/"
    assert b.owner_id == c.owner_id == other.id and b.parent_id == d.id
    services.move_category(b, None)
    assert db.session.get(QuestionCategory, b.id).path == f"/{b.id}/"


def test_rename_and_delete_category(trainer):
    a = services.create_category("A", owner=trainer)
    services.create_category("B", owner=trainer)
    with pytest.raises(BankError):
        services.rename_category(a, "B")
    services.rename_category(a, "A mới", "Mô tả")
    assert a.name == "A mới" and a.description == "Mô tả"
    make_question(a, user=trainer)
    with pytest.raises(BankError):
        services.delete_category(a)
    empty = services.create_category("Trống", owner=trainer)
    services.delete_category(empty)
    assert db.session.get(QuestionCategory, empty.id) is None


def test_list_questions_search_kind_subcategories_archived(trainer):
    root = make_category("Gốc", owner=trainer)
    sub = make_category("Con", root)
    q1 = make_question(root, text="<p>Chủ tịch Hồ Chí Minh sinh năm nào?</p>", user=trainer)
    q2 = make_question(sub, "truefalse", text="<p>Cần, kiệm, liêm, chính</p>", data={"answer": True}, user=trainer,
                       tags="đạo đức")
    q3 = make_question(root, text="<p>100% đúng_không</p>", user=trainer)
    assert [q.id for q in queries.list_questions(root)] == [q1.id, q3.id]
    assert [q.id for q in queries.list_questions(root, include_subcategories=True)] == [q1.id, q2.id, q3.id]
    assert [q.id for q in queries.list_questions(root, True, "ho chi MINH")] == [q1.id]
    assert [q.id for q in queries.list_questions(root, True, "DAO DUC")] == [q2.id]  # tags are searched
    assert [q.id for q in queries.list_questions(root, True, "%")] == [q3.id]  # LIKE wildcards are literal
    assert [q.id for q in queries.list_questions(root, True, "d_n")] == []
    assert [q.id for q in queries.list_questions(root, True, kind="truefalse")] == [q2.id]
    services.archive_question(q1)
    assert q1.id not in [q.id for q in queries.list_questions(root)]
    assert q1.id in [q.id for q in queries.list_questions(root, include_archived=True)]
    assert queries.question_counts([root.id, sub.id]) == {root.id: 1, sub.id: 1}
    services.update_question(q3, text_html="<p>Nội dung khác</p>", user=trainer)
    assert queries.list_questions(root, search="100%") == []  # search follows the current version


def test_visibility_rule(trainer):
    mine = make_category("Của tôi", owner=trainer)
    theirs = make_category("Của người khác", owner=make_user(roles=[Role.TRAINER]))
    admin = make_user(roles=[Role.ADMIN])
    assert services.can_edit_category(trainer, mine) and not services.can_edit_category(trainer, theirs)
    assert services.can_edit_category(admin, theirs)
    seen = db.session.scalars(services.visible_categories_query(trainer)).all()
    assert [c.id for c in seen] == [mine.id]
    assert {c.id for c in db.session.scalars(services.visible_categories_query(admin))} >= {mine.id, theirs.id}


def test_question_identity_is_stable(trainer):
    q = make_question(make_category(owner=trainer), user=trainer)
    services.update_question(q, text_html="<p>Khác</p>", user=trainer)
    db.session.commit()
    assert db.session.scalar(select(Question.current_version_id).where(Question.id == q.id)) == q.current_version.id
