"""Demo question bank: original Vietnamese questions on the 2023 study themes.

Owned by the demo trainer ``giangvien``. Idempotent: a question is identified by its short
name inside its category, so running ``elearn demo`` again adds nothing twice.
Quizzes and contests draw from these top-level categories (``CATEGORIES``).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from elearn import db
from elearn.demo import demo_user
from quizzes.bank import category_paths, services
from quizzes.bank.models import Question, QuestionKind, QuestionVersion

K = QuestionKind
HCM = "Tư tưởng, đạo đức, phong cách Hồ Chí Minh"
NTTT = "Bảo vệ nền tảng tư tưởng của Đảng"
SKILLS = "Kỹ năng công tác tuyên truyền"
ESSAYS = "Tự luận (chấm tay)"
CATEGORIES = (HCM, NTTT, SKILLS, ESSAYS)


def single(name, text, choices, explanation="", points=1.0):
    """choices: (text, percent[, feedback]); the first 100 is the key."""
    return name, K.SINGLE, text, explanation, points, {"choices": _choices(choices), "shuffle": True}


def multiple(name, text, choices, explanation="", points=1.0, all_or_nothing=False):
    return name, K.MULTIPLE, text, explanation, points, {"choices": _choices(choices), "shuffle": True,
                                                         "all_or_nothing": all_or_nothing}


def truefalse(name, text, answer, explanation="", feedback_wrong=""):
    fb = {"feedback_false" if answer else "feedback_true": feedback_wrong}
    return name, K.TRUEFALSE, text, explanation, 1.0, {"answer": answer, **fb}


def short(name, text, answers, explanation="", accent_insensitive=True):
    """answers: (text, percent)."""
    return name, K.SHORTANSWER, text, explanation, 1.0, {
        "answers": [{"text": t, "fraction": p / 100} for t, p in answers], "accent_insensitive": accent_insensitive}


def numerical(name, text, value, tolerance=0.0, explanation=""):
    return name, K.NUMERICAL, text, explanation, 1.0, {"answers": [{"value": value, "tolerance": tolerance}]}


def matching(name, text, pairs, explanation="", points=2.0):
    return name, K.MATCHING, text, explanation, points, {
        "pairs": [{"prompt": p, "answer": a} for p, a in pairs], "shuffle": True}


def _choices(rows) -> list[dict[str, Any]]:
    return [{"html": r[0], "fraction": r[1] / 100, "feedback": r[2] if len(r) > 2 else ""} for r in rows]


QUESTIONS: dict[str, list[tuple]] = {
    HCM: [
        single("HCM-01", "Chủ tịch Hồ Chí Minh sinh ngày, tháng, năm nào?",
               [("19/5/1890", 100), ("19/5/1895", 0), ("2/9/1890", 0), ("3/2/1890", 0, "3/2/1930 là ngày thành lập Đảng.")],
               "Chủ tịch Hồ Chí Minh sinh ngày 19/5/1890 tại làng Hoàng Trù (quê ngoại), xã Kim Liên, huyện Nam Đàn, tỉnh Nghệ An."),
        single("HCM-02", "Quê nội của Chủ tịch Hồ Chí Minh ở đâu?",
               [("Làng Kim Liên (làng Sen), huyện Nam Đàn, tỉnh Nghệ An", 100),
                ("Huyện Hương Sơn, tỉnh Hà Tĩnh", 0), ("Huyện Quảng Điền, tỉnh Thừa Thiên Huế", 0),
                ("Huyện Đông Hưng, tỉnh Thái Bình", 0)]),
        numerical("HCM-03", "Người thanh niên Nguyễn Tất Thành rời Bến Nhà Rồng ra đi tìm đường cứu nước vào năm nào?",
                  1911, explanation="Ngày 5/6/1911, Nguyễn Tất Thành rời Bến Nhà Rồng (Sài Gòn) ra đi tìm đường cứu nước."),
        short("HCM-04", "Ngày 5/6/1911, Nguyễn Tất Thành ra đi tìm đường cứu nước từ bến cảng nào? (ghi tên bến)",
              [("Nhà Rồng", 100), ("Bến Nhà Rồng", 100), ("Cảng Sài Gòn", 50)]),
        single("HCM-05", "Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập khai sinh nước Việt Nam Dân chủ Cộng hòa ở đâu?",
               [("Quảng trường Ba Đình, Hà Nội", 100), ("Quảng trường Nhà hát Lớn, Hà Nội", 0),
                ("Tân Trào, Tuyên Quang", 0, "Tân Trào là nơi họp Quốc dân Đại hội tháng 8/1945."),
                ("Pác Bó, Cao Bằng", 0)],
               "Ngày 2/9/1945, tại Quảng trường Ba Đình, Chủ tịch Hồ Chí Minh đọc Tuyên ngôn Độc lập."),
        multiple("HCM-06", "Tác phẩm <em>Cần, kiệm, liêm, chính</em> (năm 1949) của Chủ tịch Hồ Chí Minh bàn về những "
                 "đức tính nào? (chọn tất cả đáp án đúng)",
                 [("Cần", 25), ("Kiệm", 25), ("Liêm", 25), ("Chính", 25), ("Dũng", -50, "Tác phẩm không bàn riêng về “dũng”."),
                  ("Tín", -50)],
                 "Người dạy: “Cần, kiệm, liêm, chính” là nền tảng của đời sống mới, của thi đua ái quốc."),
        single("HCM-07", "Tác phẩm <em>Sửa đổi lối làm việc</em> được Chủ tịch Hồ Chí Minh viết năm nào, ký bút danh gì?",
               [("Năm 1947, bút danh X.Y.Z", 100), ("Năm 1927, bút danh Nguyễn Ái Quốc", 0),
                ("Năm 1949, bút danh Lê Quyết Thắng", 0), ("Năm 1958, bút danh T.L", 0)],
               "Tác phẩm hoàn thành tháng 10/1947, ký bút danh X.Y.Z, là cẩm nang về xây dựng Đảng và lề lối làm việc của cán bộ."),
        truefalse("HCM-08", "Chủ tịch Hồ Chí Minh bắt đầu viết bản Di chúc vào ngày 10/5/1965.", True,
                  "Người bắt đầu viết Di chúc ngày 10/5/1965 và bổ sung, hoàn chỉnh đến tháng 5/1969."),
        matching("HCM-09", "Ghép mỗi văn kiện của Chủ tịch Hồ Chí Minh với năm ra đời.",
                 [("<em>Đường Kách mệnh</em>", "1927"), ("<em>Tuyên ngôn Độc lập</em>", "1945"),
                  ("<em>Lời kêu gọi toàn quốc kháng chiến</em>", "1946"), ("<em>Sửa đổi lối làm việc</em>", "1947"),
                  ("", "1954")]),
        short("HCM-10", "Điền từ còn thiếu trong lời dạy của Chủ tịch Hồ Chí Minh: “Vì lợi ích mười năm thì phải trồng cây, "
              "vì lợi ích trăm năm thì phải trồng …”", [("người", 100)]),
        single("HCM-11", "Câu nói “Không có gì quý hơn độc lập, tự do” được Chủ tịch Hồ Chí Minh nêu trong văn kiện nào?",
               [("Lời kêu gọi đồng bào và chiến sĩ cả nước, ngày 17/7/1966", 100),
                ("Tuyên ngôn Độc lập, ngày 2/9/1945", 0), ("Lời kêu gọi toàn quốc kháng chiến, ngày 19/12/1946", 0),
                ("Di chúc", 0)]),
        single("HCM-12", "Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
               "phong cách Hồ Chí Minh được ban hành ngày nào?",
               [("15/5/2016", 100), ("19/5/2016", 0), ("3/2/2017", 0), ("14/5/2011", 0)]),
        truefalse("HCM-13", "Chỉ thị số 05-CT/TW yêu cầu cán bộ, đảng viên, trước hết là người đứng đầu, phải nêu gương: "
                  "cấp trên nêu gương cho cấp dưới, cán bộ, đảng viên nêu gương cho nhân dân.", True),
        truefalse("HCM-14", "Lăng Chủ tịch Hồ Chí Minh được khánh thành ngày 2/9/1975.", False,
                  "Lăng được khánh thành ngày 29/8/1975, trước dịp kỷ niệm 30 năm Quốc khánh.",
                  feedback_wrong="Chưa đúng: lăng khánh thành ngày 29/8/1975."),
        single("HCM-15", "Năm 1987, tổ chức nào ra nghị quyết tôn vinh Chủ tịch Hồ Chí Minh là “Anh hùng giải phóng dân tộc, "
               "Nhà văn hóa kiệt xuất”?",
               [("UNESCO", 100), ("Liên hợp quốc (Đại hội đồng)", 0), ("ASEAN", 0), ("Phong trào Không liên kết", 0)]),
    ],
    NTTT: [
        single("NT-01", "Nghị quyết số 35-NQ/TW của Bộ Chính trị về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh "
               "phản bác các quan điểm sai trái, thù địch trong tình hình mới được ban hành ngày nào?",
               [("22/10/2018", 100), ("30/10/2016", 0, "30/10/2016 là ngày ban hành Nghị quyết Trung ương 4 khóa XII."),
                ("12/6/2018", 0), ("15/5/2016", 0)]),
        multiple("NT-02", "Đảng Cộng sản Việt Nam lấy những gì làm nền tảng tư tưởng, kim chỉ nam cho hành động?",
                 [("Chủ nghĩa Mác - Lênin", 50), ("Tư tưởng Hồ Chí Minh", 50),
                  ("Chủ nghĩa xã hội dân chủ", -100, "Đây là quan điểm sai trái thường bị lợi dụng để xuyên tạc."),
                  ("Tư tưởng đa nguyên, đa đảng", -100)],
                 "Cương lĩnh xây dựng đất nước trong thời kỳ quá độ lên chủ nghĩa xã hội khẳng định: Đảng lấy chủ nghĩa "
                 "Mác - Lênin và tư tưởng Hồ Chí Minh làm nền tảng tư tưởng, kim chỉ nam cho hành động.", points=2.0),
        truefalse("NT-03", "Bảo vệ nền tảng tư tưởng của Đảng là nhiệm vụ của riêng ngành tuyên giáo.", False,
                  "Đây là nhiệm vụ của cả hệ thống chính trị, của mọi cán bộ, đảng viên và nhân dân; các cơ quan "
                  "tuyên giáo giữ vai trò tham mưu, nòng cốt."),
        numerical("NT-04", "Nghị quyết Trung ương 4 khóa XII nêu bao nhiêu biểu hiện suy thoái về tư tưởng chính trị, đạo "
                  "đức, lối sống, “tự diễn biến”, “tự chuyển hóa” trong nội bộ?", 27,
                  explanation="27 biểu hiện: 9 về tư tưởng chính trị, 9 về đạo đức, lối sống và 9 biểu hiện "
                              "“tự diễn biến”, “tự chuyển hóa”."),
        single("NT-05", "Mục tiêu cơ bản của chiến lược “diễn biến hòa bình” mà các thế lực thù địch tiến hành đối với "
               "Việt Nam là gì?",
               [("Xóa bỏ vai trò lãnh đạo của Đảng và chế độ xã hội chủ nghĩa ở Việt Nam", 100),
                ("Thúc đẩy hợp tác kinh tế song phương", 0), ("Hỗ trợ cải cách hành chính", 0),
                ("Tăng cường giao lưu văn hóa", 0)]),
        short("NT-06", "Luận điệu sai trái đòi “phi chính trị hóa” lực lượng nào nhằm tách lực lượng này khỏi sự lãnh đạo "
              "của Đảng? (trả lời ngắn)",
              [("quân đội", 100), ("Quân đội nhân dân Việt Nam", 100), ("lực lượng vũ trang", 100),
               ("quân đội và công an", 100)]),
        single("NT-07", "Luật An ninh mạng được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam thông qua vào năm nào?",
               [("2018", 100), ("2015", 0), ("2019", 0, "Năm 2019 là năm Luật có hiệu lực (từ ngày 1/1/2019)."),
                ("2020", 0)]),
        numerical("NT-08", "Luật An ninh mạng có hiệu lực thi hành từ ngày 1 tháng 1 năm nào?", 2019),
        multiple("NT-09", "Những dấu hiệu nào thường gặp ở tin giả, tin xấu độc trên mạng xã hội?",
                 [("Tiêu đề giật gân, đánh vào cảm xúc", 100 / 3), ("Không rõ nguồn, không có tác giả chịu trách nhiệm", 100 / 3),
                  ("Thúc giục “chia sẻ ngay kẻo bị xóa”", 100 / 3),
                  ("Được cơ quan có thẩm quyền công bố trên cổng thông tin chính thức", -100,
                   "Thông tin từ cơ quan có thẩm quyền là nguồn để kiểm chứng, không phải dấu hiệu của tin giả.")],
                 points=2.0),
        truefalse("NT-10", "Khi gặp bài viết xuyên tạc trên mạng xã hội, cán bộ nên chia sẻ lại bài viết đó để mọi người "
                  "cùng biết và phê phán.", False,
                  "Chia sẻ lại làm bài viết lan rộng hơn. Nên lưu bằng chứng, báo cáo cơ quan chức năng và lan tỏa "
                  "thông tin chính thống."),
        matching("NT-11", "Ghép mỗi luận điệu sai trái với luận cứ phản bác phù hợp.",
                 [("“Phải có đa nguyên, đa đảng mới có dân chủ”",
                   "Dân chủ do bản chất chế độ quyết định, không do số lượng đảng phái"),
                  ("“Tư tưởng Hồ Chí Minh đã lỗi thời”",
                   "Các giá trị tư tưởng Hồ Chí Minh vẫn soi đường cho công cuộc đổi mới và được thế giới ghi nhận"),
                  ("“Chống tham nhũng là đấu đá nội bộ”",
                   "Xử lý nghiêm minh, “không có vùng cấm”, theo quy định của Đảng và pháp luật")],
                 "Phản bác cần có luận cứ, dẫn chứng xác thực, lập luận chặt chẽ và thái độ điềm tĩnh."),
        single("NT-12", "Nguồn nào dưới đây phù hợp nhất để kiểm chứng một tin đồn về chính sách mới của Nhà nước?",
               [("Cổng thông tin điện tử của Chính phủ hoặc của cơ quan ban hành chính sách", 100),
                ("Một trang mạng xã hội có nhiều người theo dõi", 0), ("Bình luận của người quen trong nhóm trò chuyện", 0),
                ("Một video không rõ nguồn gốc", 0)]),
        truefalse("NT-13", "Ở cấp tỉnh có Ban Chỉ đạo 35, giúp cấp ủy chỉ đạo công tác bảo vệ nền tảng tư tưởng của Đảng, "
                  "đấu tranh phản bác các quan điểm sai trái, thù địch.", True),
    ],
    SKILLS: [
        single("KN-01", "Khi chuẩn bị một buổi tuyên truyền miệng, việc cần làm trước tiên là gì?",
               [("Xác định đối tượng, mục đích và nội dung trọng tâm của buổi tuyên truyền", 100),
                ("In thật nhiều tài liệu để phát", 0), ("Chuẩn bị máy chiếu và âm thanh", 25, "Cần, nhưng chưa phải việc đầu tiên."),
                ("Học thuộc nguyên văn văn bản", 0)]),
        multiple("KN-02", "Một bài nói chuyện tuyên truyền hiệu quả cần đáp ứng những yêu cầu nào?",
                 [("Nội dung chính xác, có nguồn rõ ràng", 100 / 3), ("Ngắn gọn, dễ hiểu, gần gũi với người nghe", 100 / 3),
                  ("Có ví dụ thực tế ở địa phương", 100 / 3),
                  ("Đọc nguyên văn văn bản từ đầu đến cuối", -50, "Đọc nguyên văn dễ gây nhàm chán, khó tiếp thu.")]),
        truefalse("KN-03", "Báo cáo viên nên sử dụng số liệu đã được cơ quan có thẩm quyền công bố.", True),
        single("KN-04", "Nhiệm vụ chính của cộng tác viên dư luận xã hội là gì?",
               [("Nắm bắt, phản ánh kịp thời tâm trạng, dư luận của nhân dân lên cấp ủy", 100),
                ("Quyết định xử lý kỷ luật đảng viên", 0), ("Thay mặt cấp ủy trả lời báo chí", 0),
                ("Quản lý các trang mạng xã hội của địa phương", 0)]),
        short("KN-05", "Hình thức báo cáo viên trực tiếp nói chuyện, trao đổi với người nghe được gọi là tuyên truyền gì? "
              "(một từ)", [("miệng", 100), ("tuyên truyền miệng", 100)]),
        matching("KN-06", "Ghép mỗi kênh tuyên truyền với thế mạnh nổi bật của nó.",
                 [("Hệ thống loa truyền thanh cơ sở", "Đến với người dân ở từng thôn, tổ dân phố hằng ngày"),
                  ("Mạng xã hội", "Lan tỏa nhanh, tương tác hai chiều"),
                  ("Hội nghị báo cáo viên", "Truyền đạt thông tin chính thống, có hỏi đáp trực tiếp"),
                  ("Pa nô, áp phích", "Gây ấn tượng thị giác ở nơi công cộng")]),
        numerical("KN-07", "Chi bộ có 40 đảng viên, 30 đồng chí dự buổi sinh hoạt chuyên đề. Tỷ lệ đảng viên dự là bao "
                  "nhiêu phần trăm? (chỉ ghi số)", 75,
                  explanation="30 : 40 × 100 = 75 (%)."),
        numerical("KN-08", "Một buổi nói chuyện kéo dài 45 phút, dành một phần ba thời gian cho hỏi đáp. Phần hỏi đáp "
                  "dài bao nhiêu phút?", 15),
        truefalse("KN-09", "Khi người nghe hỏi điều chưa có thông tin chính thức, báo cáo viên có thể trả lời theo suy đoán "
                  "cá nhân để buổi nói chuyện sinh động.", False,
                  "Nên ghi nhận câu hỏi, hẹn trả lời sau khi có thông tin chính thức và báo cáo cấp có thẩm quyền."),
        single("KN-10", "Bộ Quy tắc ứng xử trên mạng xã hội (năm 2021) do cơ quan nào ban hành?",
               [("Bộ Thông tin và Truyền thông", 100), ("Bộ Công an", 0), ("Ban Tuyên giáo Trung ương", 0),
                ("Bộ Văn hóa, Thể thao và Du lịch", 0)]),
        multiple("KN-11", "Khi phát hiện tin giả về địa phương trên mạng xã hội, cán bộ tuyên giáo nên làm gì?",
                 [("Báo cáo cấp ủy và cơ quan chức năng", 100 / 3), ("Lưu lại bằng chứng (đường dẫn, ảnh chụp màn hình)", 100 / 3),
                  ("Cung cấp thông tin chính thống để định hướng dư luận", 100 / 3),
                  ("Bình luận lời lẽ gay gắt, xúc phạm người đăng", -50),
                  ("Chia sẻ bài viết để mọi người cảnh giác", -50, "Chia sẻ làm tin giả lan rộng hơn.")],
                 points=2.0, all_or_nothing=True),
        truefalse("KN-12", "Tuyên truyền hiệu quả cần kết hợp nhiều hình thức: trực tiếp, trên báo chí, loa truyền thanh "
                  "và mạng xã hội.", True),
    ],
    ESSAYS: [
        ("TL-01", K.ESSAY, "Trình bày ngắn gọn (khoảng 300 chữ) kế hoạch tuyên truyền Chỉ thị số 05-CT/TW tại chi bộ "
         "của đồng chí: đối tượng, nội dung, hình thức và cách đánh giá kết quả.", "", 5.0, {}),
    ],
}


def load() -> int:
    """Create what is missing; returns how many questions were added."""
    trainer = demo_user("giangvien")
    added = 0
    for category_name, questions in QUESTIONS.items():
        category = category_paths.get_or_create_category_path(category_name, trainer)
        existing = set(db.session.scalars(
            select(QuestionVersion.name).join(Question, Question.current_version_id == QuestionVersion.id)
            .where(Question.category_id == category.id)))
        for name, kind, text, explanation, points, data in questions:
            if name in existing:
                continue
            services.create_question(category, kind, f"<p>{text}</p>", name=name, points=points,
                                     general_feedback_html=f"<p>{explanation}</p>" if explanation else "",
                                     data=data, user=trainer)
            added += 1
    if added:
        _second_version(trainer)
    db.session.flush()
    return added


def _second_version(trainer) -> None:
    """One question with a second version, so the version history has something to show."""
    category = category_paths.find_category_path(HCM, trainer)
    question = db.session.scalar(
        select(Question).join(QuestionVersion, Question.current_version_id == QuestionVersion.id)
        .where(Question.category_id == category.id, QuestionVersion.name == "HCM-12"))
    if question is not None and question.current_version.number == 1:
        services.update_question(question, general_feedback_html=(
            "<p>Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị khóa XII về đẩy mạnh học tập và làm theo tư "
            "tưởng, đạo đức, phong cách Hồ Chí Minh.</p>"), user=trainer)
