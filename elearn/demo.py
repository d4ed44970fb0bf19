"""``elearn demo``: the organisation tree of Tỉnh ủy Thái Bình and demo accounts.

Idempotent: running it again changes nothing that is already there. Each domain
adds its own demo data through its ``demo.load()``, called at the end.
"""
from __future__ import annotations

from flask import current_app

from elearn import db
from elearn.accounts import services as accounts
from elearn.accounts.models import User
from elearn.permissions import Role
from elearn.units import services as units
from elearn.units.models import OrgUnit, UnitLevel

DEMO_PASSWORD = "Demo@2023"

P, D, C, K = UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE, UnitLevel.CELL

# (code, name, level, parent code)
UNITS = [
    ("TB", "Tỉnh ủy Thái Bình", P, None),
    ("TB-BTG", "Ban Tuyên giáo Tỉnh ủy", C, "TB"),
    ("TB-TP", "Thành ủy Thái Bình", D, "TB"),
    ("TB-DH", "Huyện ủy Đông Hưng", D, "TB"),
    ("TB-HH", "Huyện ủy Hưng Hà", D, "TB"),
    ("TB-KX", "Huyện ủy Kiến Xương", D, "TB"),
    ("TB-QP", "Huyện ủy Quỳnh Phụ", D, "TB"),
    ("TB-TT", "Huyện ủy Thái Thụy", D, "TB"),
    ("TB-TH", "Huyện ủy Tiền Hải", D, "TB"),
    ("TB-VT", "Huyện ủy Vũ Thư", D, "TB"),
    ("TB-VT-TANHOA", "Đảng ủy xã Tân Hòa", C, "TB-VT"),
    ("TB-VT-TANHOA-1", "Chi bộ thôn Tân Thành", K, "TB-VT-TANHOA"),
    ("TB-VT-TANHOA-2", "Chi bộ thôn Đông Hòa", K, "TB-VT-TANHOA"),
    ("TB-VT-SONGLANG", "Đảng ủy xã Song Lãng", C, "TB-VT"),
    ("TB-VT-SONGLANG-1", "Chi bộ thôn Hưng Nhượng", K, "TB-VT-SONGLANG"),
    ("TB-VT-THITRAN", "Đảng ủy thị trấn Vũ Thư", C, "TB-VT"),
    ("TB-TP-TIENPHONG", "Đảng ủy phường Tiền Phong", C, "TB-TP"),
    ("TB-TP-TIENPHONG-1", "Chi bộ tổ dân phố số 1", K, "TB-TP-TIENPHONG"),
    ("TB-TP-LHP", "Đảng ủy phường Lê Hồng Phong", C, "TB-TP"),
    ("TB-TP-LHP-1", "Chi bộ khu dân cư số 3", K, "TB-TP-LHP"),
]

# (username, full name, position, unit code, roles)
ACCOUNTS = [
    ("admin", "Phạm Văn Quản", "Chuyên viên Văn phòng Tỉnh ủy", "TB", [Role.ADMIN]),
    ("giangvien", "Đặng Thị Minh Nguyệt", "Phó Trưởng Ban Tuyên giáo Tỉnh ủy", "TB-BTG", [Role.TRAINER, Role.CADRE]),
    ("quanly.tinh", "Bùi Quang Huy", "Trưởng phòng Lý luận chính trị", "TB", [Role.MANAGER]),
    ("quanly.vuthu", "Lê Văn Thắng", "Trưởng Ban Tuyên giáo Huyện ủy Vũ Thư", "TB-VT", [Role.MANAGER, Role.CADRE]),
    ("hang.nguyen", "Nguyễn Thị Thu Hằng", "Bí thư Chi bộ thôn Tân Thành", "TB-VT-TANHOA-1", [Role.CADRE]),
    ("luong.tran", "Trần Đức Lưỡng", "Phó Bí thư Đảng ủy xã Tân Hòa", "TB-VT-TANHOA", [Role.CADRE]),
    ("tuan.vu", "Vũ Anh Tuấn", "Cán bộ tuyên giáo xã Song Lãng", "TB-VT-SONGLANG", [Role.CADRE]),
    ("ngoc.do", "Đỗ Thị Ngọc", "Bí thư Chi bộ thôn Hưng Nhượng", "TB-VT-SONGLANG-1", [Role.CADRE]),
    ("khoa.hoang", "Hoàng Minh Khoa", "Cán bộ tuyên giáo phường Tiền Phong", "TB-TP-TIENPHONG", [Role.CADRE]),
    ("yen.ngo", "Ngô Hải Yến", "Bí thư Chi bộ tổ dân phố số 1", "TB-TP-TIENPHONG-1", [Role.CADRE]),
]


def load_units() -> dict[str, OrgUnit]:
    by_code: dict[str, OrgUnit] = {}
    for code, name, level, parent in UNITS:
        unit = units.get_by_code(code) or units.create_unit(code, name, level, by_code.get(parent) if parent else None)
        by_code[code] = unit
    return by_code


def load_accounts(by_code: dict[str, OrgUnit]) -> list[tuple[str, str, str]]:
    shown = []
    for username, full_name, position, unit_code, roles in ACCOUNTS:
        if accounts.find_user(username) is None:
            accounts.create_user(username, full_name, unit=by_code[unit_code], roles=roles, position=position,
                                 password=DEMO_PASSWORD, must_change_password=False)
        shown.append((username, DEMO_PASSWORD, ", ".join(r.value for r in roles)))
    return shown


def demo_user(username: str) -> User:
    user = accounts.find_user(username)
    assert user is not None, username
    return user


def load_demo() -> list[tuple[str, str, str]]:
    by_code = load_units()
    shown = load_accounts(by_code)
    db.session.flush()
    # The domains' demo data: the app factory knows them (the core never imports a domain).
    for load in current_app.extensions["elearn.demo_loaders"]():
        load()
    return shown
