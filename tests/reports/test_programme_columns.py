"""Programme columns in the statistics (issue 20, item 1): per unit and per cadre, on the
dashboard and in the two programme exports, narrowed to the manager's subtree."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl

from courses.programmes import services as programmes
from courses.progress import complete_item
from elearn import db
from elearn.db import utcnow
from elearn.permissions import Role
from tests.courses.factories import items_of, make_trainer
from tests.courses.programmes.factories import make_programme
from tests.factories import make_unit, make_user


def _world():
    province = make_unit("Tỉnh ủy")
    vu_thu = make_unit("Huyện ủy Vũ Thư", parent=province)
    kien_xuong = make_unit("Huyện ủy Kiến Xương", parent=province)
    trainer = make_trainer(unit=province)
    done = make_user("luong.tran", unit=vu_thu, full_name="Trần Văn Lương")
    half = make_user("tuan.vu", unit=vu_thu, full_name="Vũ Văn Tuấn")
    make_user("ngoc.do", unit=kien_xuong, full_name="Đỗ Thị Ngọc")
    programme = make_programme(trainer, title="Học tập Nghị quyết", required=2, optional=2, optional_needed=1)
    programmes.assign(programme, province, utcnow() - timedelta(days=2), trainer)  # already past due
    lines = programme.courses
    for pc in (lines[0], lines[1], lines[2]):
        for item in items_of(pc.course):
            complete_item(done, item)
    for item in items_of(lines[0].course):
        complete_item(half, item)
    for item in items_of(lines[2].course) + items_of(lines[3].course):  # two optional: count as one
        complete_item(half, item)
    db.session.commit()
    return province, vu_thu, kien_xuong, programme


def test_the_dashboard_shows_the_programme_by_unit_and_by_cadre(client, login):
    province, vu_thu, _kien_xuong, programme = _world()
    login(make_user(unit=province, roles=(Role.MANAGER,)))
    html = client.get(f"/stats/?programme={programme.id}").get_data(as_text=True)
    by_unit = html.split('class="programme-units"')[1].split("</table>")[0]
    vu_thu_row = by_unit.split("Huyện ủy Vũ Thư</a>")[1].split("</tr>")[0]
    cells = [c.split(">")[1].split("<")[0].replace("\xa0", " ") for c in vu_thu_row.split("<td")[1:]]
    assert cells == ["2", "1", "50,0 %", "1"]
    assert "Huyện ủy Kiến Xương" in by_unit

    html = client.get(f"/stats/?programme={programme.id}&unit={vu_thu.code}").get_data(as_text=True)
    cadres = html.split('class="programme-cadres"')[1].split("</table>")[0]
    assert "Trần Văn Lương" in cadres and "3/3" in cadres
    tuan = cadres.split("Vũ Văn Tuấn")[1].split("</tr>")[0]
    assert "2/3" in tuan and "Quá hạn" in tuan


def test_the_programme_exports_follow_the_dashboard(client, login):
    province, vu_thu, _kien_xuong, programme = _world()
    login(make_user(unit=vu_thu, roles=(Role.MANAGER,)))  # sees Vũ Thư only
    data = client.get(f"/stats/export?kind=programme&format=csv&programme={programme.id}").get_data()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][2:] == ["Tên đăng nhập", "Họ và tên", "Chức vụ", "Chương trình", "Số khóa đã hoàn thành",
                           "Số khóa cần hoàn thành", "Hạn hoàn thành", "Ngày hoàn thành", "Quá hạn"]
    by_user = {r[2]: r for r in rows[1:]}
    assert set(by_user) == {"luong.tran", "tuan.vu"}  # not Kiến Xương's cadre
    assert by_user["luong.tran"][6:8] == ["3", "3"] and by_user["luong.tran"][9] and not by_user["luong.tran"][10]
    assert by_user["tuan.vu"][6:8] == ["2", "3"] and not by_user["tuan.vu"][9] and by_user["tuan.vu"][10] == "Quá hạn"

    response = client.get(f"/stats/export?kind=programme_units&format=xlsx&programme={programme.id}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[-1][1] == "Tổng cộng: Huyện ủy Vũ Thư" and values[-1][3:] == [2, 1, 50, 1]

    refused = client.get("/stats/export?kind=programme&format=csv")
    assert refused.status_code == 400 and "Hãy chọn một chương trình" in refused.get_data(as_text=True)
    assert client.get(f"/stats/export?kind=programme&format=csv&programme={programme.id}"
                      f"&unit={province.code}").status_code == 403


def test_the_command_line_writes_the_programme_progress(app, tmp_path):
    _province, vu_thu, _kien_xuong, programme = _world()
    runner = app.test_cli_runner()
    out = tmp_path / "chuong-trinh.csv"
    result = runner.invoke(args=["stats", "export", "--programme", str(programme.id), "--programme-progress", "cadre",
                                 "--unit", vu_thu.code, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert sorted((r[2], r[6], r[7]) for r in rows[1:]) == [("luong.tran", "3", "3"), ("tuan.vu", "2", "3")]
    refused = runner.invoke(args=["stats", "export", "--programme-progress", "unit", "-o", str(tmp_path / "x.csv")])
    assert refused.exit_code != 0 and "Hãy chọn một chương trình" in refused.output
    assert not (tmp_path / "x.csv").exists()
