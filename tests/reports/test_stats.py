"""Dashboard figures, scope and drill-down (services and pages)."""
import re

import pytest
from sqlalchemy import select

from elearn import db
from elearn.audit import AuditLog
from reports import charts, filters, services
from reports.detail import detail_rows
from reports.queries import counts_by_unit
from tests.factories import make_user
from tests.reports.factories import Province


@pytest.fixture
def tree(app):
    return Province()


def test_manager_sees_own_subtree_with_children(tree):
    f = filters.resolve(tree.manager_a)
    assert f.unit.id == tree.district_a.id
    board = services.dashboard(f)
    total = board.unit.total
    assert (total.enrolled, total.started, total.completed, total.overdue) == (4, 3, 1, 2)
    assert total.rate == 25.0 and total.avg_score == 75.0
    assert [c.unit.code for c in board.children] == ["PA1"]
    assert board.children[0].total.enrolled == 4 and board.children[0].own.enrolled == 1
    assert board.path == [("PA", "Huyện ủy An")]  # nothing above the manager's own unit


def test_admin_sees_the_whole_tree(tree):
    board = services.dashboard(filters.resolve(tree.admin))
    assert board.filter.unit.code == "P"
    assert board.unit.total.enrolled == 5 and board.unit.total.completed == 2
    assert [c.unit.code for c in board.children] == ["PA", "PB"]
    assert round(board.unit.total.avg_score, 1) == 83.3


def test_drill_down_to_cadres_in_vietnamese_name_order(tree):
    f = filters.resolve(tree.manager_a, "PA1a")
    page = services.cadres(f)
    rows = page.items
    assert [r.username for r in rows] == ["anh", "binh", "duc"] and not page.has_next
    anh, binh, duc = rows
    assert anh.progress == 100.0 and anh.passed is True and anh.best_score == 90.0
    assert duc.progress == 0.0 and duc.passed is False
    behind = services.cadres(f, behind=True).items
    assert [r.username for r in behind] == ["binh", "duc"]


def test_scope_errors(tree):
    with pytest.raises(filters.ReportForbidden):
        filters.resolve(tree.manager_a, "PB")
    with pytest.raises(filters.ReportForbidden):
        filters.resolve(tree.manager_a, "P")  # above the own unit
    with pytest.raises(filters.ReportForbidden):
        filters.resolve(tree.anh)  # a cadre
    with pytest.raises(filters.ReportError, match="Không có đơn vị|Unknown unit|không"):
        filters.resolve(tree.manager_a, "NOPE")
    with pytest.raises(filters.ReportError):
        filters.resolve(tree.manager_a, course_slug="no-such-course")
    with pytest.raises(filters.ReportError):
        filters.resolve(tree.manager_a, date_from="2023-03-10", date_to="2023-03-01")
    with pytest.raises(filters.ReportError):
        filters.resolve(tree.manager_a, date_from="31/02/2023")


def test_period_selects_by_enrolment_date(tree):
    f = filters.resolve(tree.manager_a, date_from="01/03/2023", date_to="01/03/2023")
    assert services.dashboard(f).unit.total.enrolled == 4  # 02:00 UTC on 1 March is 1 March in Hà Nội
    f = filters.resolve(tree.manager_a, date_from="2023-04-01")
    assert services.dashboard(f).unit.total.enrolled == 0 and list(detail_rows(f)) == []


def test_query_scope_holds_even_for_a_filter_built_by_hand(tree):
    # The unit was swapped after the check: the query still keeps to the asker's subtree.
    f = filters.resolve(tree.manager_a)
    f.unit = tree.province
    assert {r.username for r in detail_rows(f)} == {"anh", "binh", "duc", "xa"}
    assert sum(c.enrolled for c in counts_by_unit(f).values()) == 4


def test_dashboard_page_with_charts_and_no_inline_style(tree, login):
    client = login(tree.manager_a)
    page = client.get("/stats/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "<polyline" in html and "<rect" in html
    assert "style=" not in html and "<script>" not in html  # no inline style or script (CSP); site.js only
    assert "Đảng ủy xã An Bình" in html and "Huyện ủy Bình" not in html
    assert "25,0 %" in html
    drill = client.get("/stats/?unit=PA1a").get_data(as_text=True)
    assert drill.index("Trần Thị Anh") < drill.index("Vũ Bình") < drill.index("Nguyễn Văn Đức")


def test_dashboard_refuses_outside_and_non_managers(tree, login):
    client = login(tree.manager_a)
    assert client.get("/stats/?unit=PB").status_code == 403
    assert client.get("/stats/?unit=NOPE").status_code == 400
    bad = client.get("/stats/?from=2023-05-01&to=2023-04-01")
    assert bad.status_code == 400 and "ngày" in bad.get_data(as_text=True).lower()
    login(tree.anh)
    assert client.get("/stats/").status_code == 403


def test_manager_without_unit_is_refused(app, login):
    from elearn.permissions import Role

    lost = make_user("lost", roles=[Role.MANAGER])
    assert login(lost).get("/stats/").status_code == 403


def test_nav_shows_statistics_to_managers_only(tree, login):
    client = login(tree.manager_a)
    assert "/stats/" in client.get("/").get_data(as_text=True)
    login(tree.anh)
    assert "/stats/" not in client.get("/").get_data(as_text=True)


def test_bar_and_line_geometry():
    chart = charts.bar_chart([("A", 50.0), ("B", None), ("C", 150.0)])
    assert chart.bars[0].width == chart.plot_w / 2 and chart.bars[1].width == 0
    assert chart.bars[2].width == chart.plot_w  # clamped
    line = charts.line_chart([("2023-03-01", 2), ("2023-03-09", 3)])
    assert len(line.dots) == 2 and line.y_ticks[-1][1] == 5  # cumulative
    ys = [float(p.split(",")[1]) for p in line.points.split()]
    assert ys[1] < ys[0]
    assert charts.line_chart([]) is None


def test_a_line_charts_ticks_stand_at_their_own_values():
    line = charts.line_chart([("2023-11-23", 3)])  # the middle of 3 rounds to 2: drawn at 2, not at 1.5
    (bottom, zero), (middle, two), (top, three) = line.y_ticks
    assert (zero, two, three) == (0, 2, 3)
    assert abs((bottom - middle) / (bottom - top) - 2 / 3) < 0.01
    assert [v for _, v in charts.line_chart([("2023-11-23", 1)]).y_ticks] == [0, 1]  # no tick twice


def test_no_audit_entry_for_viewing(tree, login):
    login(tree.manager_a).get("/stats/")
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "stats.export")) is None


def test_html_escapes_unit_names_in_svg(tree, login):
    from reports.queries import OrgUnit  # noqa: F401 - same model
    tree.commune_a.name = '<script>alert(1)</script>"'
    db.session.commit()
    html = login(tree.manager_a).get("/stats/").get_data(as_text=True)
    assert "<script>alert" not in html and re.search(r"&lt;script&gt;alert", html)
