"""The statistics rollup: what a dashboard reads equals what the data says, after every kind
of change, and it stays scoped to the asker."""
import time

import pytest
from sqlalchemy import select

from elearn import db
from reports import filters, queries, rollup, services
from reports.models import StatsState
from tests.factories import make_unit, make_user
from tests.reports.factories import Province, enrol, make_course


def live(f):
    """The figures computed from the data, as the rollup must give them."""
    return {uid: c for uid, c in queries._counts_by_unit(f).items() if c.enrolled}


def read(f):
    return {uid: c for uid, c in queries.counts_by_unit(f).items() if c.enrolled}


def test_figures_stay_scoped_to_the_manager(app):
    tree = Province()
    assert services.dashboard(filters.resolve(tree.admin)).unit.total.enrolled == 5
    f = filters.resolve(tree.manager_a)
    assert set(read(f)) == {tree.commune_a.id, tree.cell_a.id}
    assert services.dashboard(f).unit.total.enrolled == 4
    assert services.dashboard(filters.resolve(tree.manager_a, "PA1")).unit.total.enrolled == 4


@pytest.mark.parametrize("app_config", [{"STATS_REFRESH_SECONDS": 3600, "STATS_REFRESH_WAIT": False}])
def test_a_change_marks_the_course_and_warm_recomputes_it(app, runner, app_config):
    tree = Province()
    f = filters.resolve(tree.manager_a)
    board = services.dashboard(f)
    assert board.unit.total.enrolled == 4 and board.as_of is None     # never computed: read live, the worker asked

    def state():
        db.session.rollback()
        return db.session.execute(select(StatsState.changed_at, StatsState.computed_at)).one_or_none()

    for _ in range(200):                                               # the job worker computes it, not the request
        if state() is not None and state().computed_at is not None:
            break
        time.sleep(0.05)
    assert state().changed_at is None and state().computed_at is not None
    assert services.dashboard(f).as_of is not None                     # read from the rollup now
    enrol(make_user("late", unit=tree.cell_a), tree.course)
    assert state().changed_at is not None                              # marked by the enrolment's signal
    assert services.dashboard(f).unit.total.enrolled == 4              # not recomputed within the interval
    assert services.dashboard(filters.resolve(tree.manager_a, date_from="2000-01-01")).unit.total.enrolled == 5
    result = runner.invoke(args=["stats", "warm"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert state().changed_at is None
    assert services.dashboard(filters.resolve(tree.manager_a)).unit.total.enrolled == 5


@pytest.mark.parametrize("app_config", [{"STATS_REFRESH_SECONDS": 0, "STATS_REFRESH_WAIT": False}])
def test_stale_figures_are_recomputed_in_the_background(app, app_config):
    tree = Province()
    f = filters.resolve(tree.admin)
    assert services.dashboard(f).unit.total.enrolled == 5
    enrol(make_user("late", unit=tree.cell_a), tree.course)
    services.dashboard(filters.resolve(tree.admin))                     # answers at once, starts the refresh
    for _ in range(100):
        db.session.rollback()
        if services.dashboard(filters.resolve(tree.admin)).unit.total.enrolled == 6:
            break
        time.sleep(0.05)
    assert services.dashboard(filters.resolve(tree.admin)).unit.total.enrolled == 6


def test_one_refresh_at_a_time(app):
    tree = Province()
    course_id = tree.course.id
    queries.counts_by_unit(filters.resolve(tree.admin))
    rollup.mark_changed([course_id])
    db.session.commit()
    now = db.utcnow()
    assert rollup._claim([course_id], now, force=False) == [course_id]
    assert rollup._claim([course_id], now, force=False) == []          # claimed, not finished
    assert rollup._claim([course_id], now, force=True) == []           # even forced: it is running


def test_course_sets_share_per_course_figures(app):
    tree = Province()
    second = make_course(tree.admin, slug="khoa-2", title="Khóa hai", assign_to=tree.district_a)
    enrol(tree.anh, second, stage="complete", score=80.0)
    both = services.dashboard(filters.resolve(tree.manager_a))
    assert both.unit.total.enrolled == 5 and both.unit.total.completed == 2
    only = services.dashboard(filters.resolve(tree.manager_a, course_slug="khoa-2"))
    assert only.unit.total.enrolled == 1 and only.unit.total.avg_score == 80.0


def test_line_chart_of_top_units_matches_the_live_count(app):
    tree = Province()
    extra = make_unit("Chi bộ thôn Hai", tree.commune_a, code="PA1b")
    enrol(make_user("hai", unit=extra), tree.course, stage="complete")
    enrol(make_user("tinh", unit=tree.province), tree.course, stage="complete")   # directly in the province
    for who, code in ((tree.admin, None), (tree.admin, "PA"), (tree.admin, "PB"), (tree.manager_a, "PA1")):
        f = filters.resolve(who, code)
        assert queries.completions_by_day(f) == queries._completions_by_day(f), code
    assert sum(n for _, n in queries.completions_by_day(filters.resolve(tree.admin))) == 4
