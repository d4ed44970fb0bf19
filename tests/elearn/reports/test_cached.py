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
