"""Demo contest on the 2023 study theme: round 1 closed with entries and published results,
round 2 open now. Idempotent: nothing is added when the contest is already there.

Rounds draw from the bank's demo categories on the 2023 themes plus a small category of
contest questions written for this demo.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from elearn import db
from elearn.accounts.services import find_user
from elearn.db import utcnow
from elearn.text import name_sort_key
from elearn.units.models import OrgUnit
from quizzes.bank import services as bank
from quizzes.bank.models import QuestionCategory, QuestionKind
from quizzes.contests import entries, registration, results, services
from quizzes.contests.models import Contest, ContestEntrant, ContestStatus, PredictionKind

TITLE = ("Cuộc thi trực tuyến tìm hiểu “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh” "
         "năm 2023")
CATEGORY = "Cuộc thi trực tuyến 2023 — Tư tưởng Hồ Chí Minh"
RULES = ("<p>Cuộc thi do Ban Tuyên giáo Tỉnh ủy Thái Bình tổ chức, hưởng ứng chủ đề năm 2023 “Học tập và làm "
         "theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, phát huy sức mạnh giá trị văn hóa, con người, phát "
         "triển Thái Bình nhanh, bền vững”.</p>"
         "<ul><li>Mỗi tuần một đợt thi; mỗi lượt thi gồm 10 câu hỏi trắc nghiệm, làm trong 10 phút.</li>"
         "<li>Mỗi người được thi một lượt trong mỗi đợt.</li>"
         "<li>Xếp hạng theo số câu trả lời đúng, sau đó theo dự đoán gần đúng nhất số người trả lời đúng tất "
         "cả các câu hỏi, sau đó theo thời gian làm bài ngắn hơn.</li>"
         "<li>Thành viên Ban Tổ chức không được dự thi.</li></ul>")

# (question, [(choice, correct)]); several correct choices make a "multiple" question.
QUESTIONS = [
    ("Chủ tịch Hồ Chí Minh sinh ngày, tháng, năm nào?",
     [("19/5/1890", True), ("19/5/1891", False), ("2/9/1890", False), ("19/8/1890", False)]),
    ("Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn độc lập khai sinh nước Việt Nam Dân chủ Cộng hòa tại đâu?",
     [("Quảng trường Ba Đình, Hà Nội", True), ("Nhà hát Lớn, Hà Nội", False), ("Tân Trào, Tuyên Quang", False),
      ("Pác Bó, Cao Bằng", False)]),
    ("Chỉ thị số 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách "
     "Hồ Chí Minh được ban hành năm nào?", [("2016", True), ("2011", False), ("2006", False), ("2021", False)]),
    ("Tác phẩm “Đường Kách mệnh” của lãnh tụ Nguyễn Ái Quốc được xuất bản năm nào?",
     [("1927", True), ("1925", False), ("1930", False), ("1945", False)]),
    ("Ngày 5/6/1911, người thanh niên Nguyễn Tất Thành rời Tổ quốc ra đi tìm đường cứu nước từ đâu?",
     [("Bến Nhà Rồng", True), ("Cảng Hải Phòng", False), ("Cửa Hội", False), ("Cảng Đà Nẵng", False)]),
    ("Đảng Cộng sản Việt Nam được thành lập ngày nào?",
     [("3/2/1930", True), ("19/5/1930", False), ("2/9/1930", False), ("6/1/1930", False)]),
    ("Tác phẩm “Sửa đổi lối làm việc” được viết năm 1947, ký bút danh nào?",
     [("X.Y.Z", True), ("T.L.", False), ("Trần Dân Tiên", False), ("C.B.", False)]),
    ("Chủ tịch Hồ Chí Minh bắt đầu viết bản Di chúc vào năm nào?",
     [("1965", True), ("1969", False), ("1960", False), ("1954", False)]),
    ("Câu nói “Không có gì quý hơn độc lập, tự do” được Chủ tịch Hồ Chí Minh nêu trong Lời kêu gọi năm nào?",
     [("1966", True), ("1946", False), ("1954", False), ("1975", False)]),
    ("Lời kêu gọi toàn quốc kháng chiến của Chủ tịch Hồ Chí Minh ra đời ngày nào?",
     [("19/12/1946", True), ("23/9/1945", False), ("2/9/1945", False), ("7/5/1954", False)]),
    ("Tỉnh Thái Bình được thành lập năm nào?", [("1890", True), ("1945", False), ("1832", False), ("1975", False)]),
    ("Năm 1987, tổ chức nào đã ra nghị quyết tôn vinh Chủ tịch Hồ Chí Minh là Anh hùng giải phóng dân tộc, "
     "nhà văn hóa kiệt xuất?", [("UNESCO", True), ("Liên hợp quốc (Đại hội đồng)", False), ("ASEAN", False),
                                 ("Phong trào Không liên kết", False)]),
    ("Đại hội đại biểu toàn quốc lần thứ XIII của Đảng diễn ra năm nào?",
     [("2021", True), ("2016", False), ("2020", False), ("2022", False)]),
    ("Những đức tính nào sau đây nằm trong “cần, kiệm, liêm, chính” mà Chủ tịch Hồ Chí Minh nêu?",
     [("Cần", True), ("Kiệm", True), ("Chính", True), ("Xa hoa", False)]),
    ("Chủ tịch Hồ Chí Minh đã từng dùng những tên gọi nào sau đây?",
     [("Nguyễn Tất Thành", True), ("Nguyễn Ái Quốc", True), ("Lý Thụy", True), ("Trần Phú", False)]),
]

# Members of the public who entered round 1: (name, birth date, phone, e-mail, address, organisation).
PUBLIC = [
    ("Phạm Thị Lan", date(1985, 3, 12), "0912 345 001", "lan.pham@example.vn", "Xã Tân Hòa, Vũ Thư",
     "Trường THCS Tân Hòa"),
    ("Trịnh Văn Bình", date(1978, 11, 2), "+84 988 200 002", "binh.trinh@example.vn", "Phường Tiền Phong, TP Thái Bình",
     "Công ty Cổ phần May Thái Bình"),
    ("Lưu Thị Hoa", date(2001, 6, 30), "0977.300.003", "hoa.luu@example.vn", "Thị trấn Vũ Thư", "Đoàn thanh niên thị trấn Vũ Thư"),
]
CADRES = ["hang.nguyen", "luong.tran", "tuan.vu", "ngoc.do", "khoa.hoang", "yen.ngo", "quanly.vuthu"]


def _category(organiser) -> QuestionCategory:
    existing = db.session.scalar(select(QuestionCategory).where(
        QuestionCategory.name == CATEGORY, QuestionCategory.parent_id.is_(None)))
    if existing is not None:
        return existing
    category = bank.create_category(CATEGORY, owner=organiser,
                                    description="Câu hỏi trắc nghiệm cho cuộc thi trực tuyến năm 2023")
    for text, choices in QUESTIONS:
        right = sum(1 for _c, ok in choices if ok)
        kind = QuestionKind.SINGLE if right == 1 else QuestionKind.MULTIPLE
        data = {"shuffle": True, "all_or_nothing": True, "choices": [
            {"html": c, "fraction": (1.0 / right if ok else -1.0 if kind is QuestionKind.MULTIPLE else 0.0)}
            for c, ok in choices]}
        bank.create_question(category, kind, f"<p>{text}</p>", data=data, user=organiser, tags="cuộc thi 2023")
    return category


def _bank_categories() -> list[int]:
    from quizzes.bank.demo import HCM, NTTT

    return list(db.session.scalars(select(QuestionCategory.id).where(
        QuestionCategory.name.in_([HCM, NTTT]), QuestionCategory.parent_id.is_(None))))


def _answers(entry, right: int) -> dict[str, list[str]]:
    """Answer the first ``right`` questions correctly and the rest wrongly."""
    answers = {}
    for i, (version, _shown) in enumerate(entries.entry_questions(entry)):
        good = [c["id"] for c in version.data["choices"] if c["fraction"] > 0]
        bad = [c["id"] for c in version.data["choices"] if c["fraction"] <= 0]
        answers[str(version.id)] = good if i < right else bad[:1]
    return answers


def load() -> None:
    if db.session.scalar(select(Contest.id).where(Contest.title == TITLE)) is not None:
        return
    organiser = find_user("giangvien")
    if organiser is None:
        return
    now = utcnow().replace(second=0, microsecond=0)
    category = _category(organiser)
    categories = [category.id] + _bank_categories()
    contest = services.create_contest(organiser, {
        "title": TITLE, "rules_html": RULES, "organiser_name": "Ban Tuyên giáo Tỉnh ủy Thái Bình",
        "starts_at": now - timedelta(days=15), "ends_at": now + timedelta(days=30),
        "status": ContestStatus.PUBLISHED, "allow_public": True, "min_age": 16, "entries_per_round": 1,
        "prediction_kind": PredictionKind.ALL_CORRECT, "prizes_first": 1, "prizes_second": 1, "prizes_third": 2,
        "prizes_consolation": 3, "unit_depth": 1})
    closed = services.add_round(contest, organiser, {
        "title": "Tuần 1", "opens_at": now - timedelta(days=14), "closes_at": now - timedelta(days=7),
        "question_count": 10, "time_limit_minutes": 10, "category_ids": categories})
    services.add_round(contest, organiser, {
        "title": "Tuần 2", "opens_at": now - timedelta(days=1), "closes_at": now + timedelta(days=6),
        "question_count": 10, "time_limit_minutes": 10, "category_ids": categories})
    rng = random.Random(2023)
    entrants = [registration.cadre_entrant(contest, user) for user in map(find_user, CADRES) if user is not None]
    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}
    for name, born, phone, email, address, organisation in PUBLIC:
        entrant = ContestEntrant(contest_id=contest.id, full_name=name, sort_name=name_sort_key(name),
                                 birth_date=born, phone=registration.normalize_phone(phone), email=email,
                                 address=address, unit_text=organisation,
                                 unit_id=units["TB-VT"].id if "Vũ Thư" in address and "TB-VT" in units else None)
        db.session.add(entrant)
        entrants.append(entrant)
    db.session.flush()
    for i, entrant in enumerate(entrants):
        started = closed.opens_at + timedelta(hours=2 + 7 * i, minutes=rng.randrange(60))
        entry = entries.start_entry(closed, entrant, now=started)
        right = 10 if i % 3 == 0 else rng.randrange(6, 10)
        entries.submit_entry(entry, _answers(entry, right), rng.randrange(1, 8),
                              now=started + timedelta(seconds=rng.randrange(150, 540)))
    results.publish_results(closed, organiser)
