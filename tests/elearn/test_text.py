from datetime import UTC

from elearn.i18n import format_date, vietnamese_date_line
from elearn.text import fold, name_sort_key


def test_fold_removes_accents_and_case():
    assert fold("  Hồ Chí   Minh ") == "ho chi minh"
    assert fold("ĐẢNG bộ") == "dang bo"


def test_names_sort_by_given_name_then_the_rest():
    names = ["Trần Thị Bình", "Nguyễn Văn An", "Lê Văn Đức", "Phạm Dũng", "Hoàng An", "Đỗ Ôn"]
    assert sorted(names, key=name_sort_key) == [
        "Hoàng An", "Nguyễn Văn An", "Trần Thị Bình", "Phạm Dũng", "Lê Văn Đức", "Đỗ Ôn"]


def test_vietnamese_letters_follow_the_alphabet():
    # a < ă < â, d < đ, o < ô < ơ, u < ư
    assert sorted(["X Ân", "X Ăn", "X An"], key=name_sort_key) == ["X An", "X Ăn", "X Ân"]
    assert sorted(["X Đa", "X Da"], key=name_sort_key) == ["X Da", "X Đa"]
    assert sorted(["X Ơn", "X Ôn", "X On"], key=name_sort_key) == ["X On", "X Ôn", "X Ơn"]


def test_tones_break_ties_only():
    assert sorted(["X Bá", "X Ba", "X Bà", "X Bạ"], key=name_sort_key) == ["X Ba", "X Bà", "X Bá", "X Bạ"]
    assert name_sort_key("X Bạ") < name_sort_key("X Bc")


def test_dates_in_vietnam_time():
    from datetime import datetime

    late = datetime(2023, 3, 14, 20, 30, tzinfo=UTC)  # 03:30 on the 15th in Hanoi
    assert format_date(late) == "15/03/2023"
    assert vietnamese_date_line("Thái Bình", late) == "Thái Bình, ngày 15 tháng 3 năm 2023"
