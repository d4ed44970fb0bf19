"""With the shared cache on, the whole-tree figures are computed once and each asker still
sees only their subtree."""
import pytest

from elearn.reports import filters, services
from elearn.reports.queries import counts_by_unit
from tests.elearn.reports.factories import Province, enrol
from tests.factories import make_user


@pytest.fixture
def app_config():
    return {"CACHE_IN_TESTS": True}


def test_cached_figures_stay_scoped(app):
    from elearn.cache import cache

    cache.clear()
    tree = Province()
    admin_board = services.dashboard(filters.resolve(tree.admin))
    assert admin_board.unit.total.enrolled == 5
    f = filters.resolve(tree.manager_a)
    assert set(counts_by_unit(f)) == {tree.commune_a.id, tree.cell_a.id}
    assert services.dashboard(f).unit.total.enrolled == 4
    # cached: a new enrolment shows after the cache expires, a period query sees it at once
    enrol(make_user("late", unit=tree.cell_a), tree.course)
    assert services.dashboard(f).unit.total.enrolled == 4
    assert services.dashboard(filters.resolve(tree.manager_a, date_from="2000-01-01")).unit.total.enrolled == 5


def test_warm_refreshes_the_cached_figures(app, runner):
    from elearn.cache import cache

    cache.clear()
    tree = Province()
    f = filters.resolve(tree.manager_a)
    assert services.dashboard(f).unit.total.enrolled == 4
    enrol(make_user("late2", unit=tree.cell_a), tree.course)
    result = runner.invoke(args=["stats", "warm"])
    assert result.exit_code == 0, result.output
    assert services.dashboard(filters.resolve(tree.manager_a)).unit.total.enrolled == 5


def test_course_sets_share_per_course_figures(app):
    from elearn.cache import cache
    from tests.elearn.reports.factories import make_course

    cache.clear()
    tree = Province()
    second = make_course(tree.admin, slug="khoa-2", title="Khóa hai", assign_to=tree.district_a)
    enrol(tree.anh, second, stage="complete", score=80.0)
    both = services.dashboard(filters.resolve(tree.manager_a))
    assert both.unit.total.enrolled == 5 and both.unit.total.completed == 2
    only = services.dashboard(filters.resolve(tree.manager_a, course_slug="khoa-2"))
    assert only.unit.total.enrolled == 1 and only.unit.total.avg_score == 80.0
