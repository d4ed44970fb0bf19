"""Detail exports above EXPORT_JOB_THRESHOLD rows run as background jobs (thread mode here)."""
import io

import openpyxl
import pytest

from elearn import db
from elearn.jobs import services as jobs
from elearn.jobs.models import Job, JobStatus
from elearn.permissions import Role
from tests.factories import wait_for_job
from tests.reports.factories import Province
from tests.reports.test_export import exports, rows_of
from tests.servers import redis_url

A_SUBTREE = ["xa", "anh", "binh", "duc"]  # manager_a's cadres, in tree then name order


@pytest.fixture
def app_config():
    return {"EXPORT_JOB_THRESHOLD": 3}


@pytest.fixture
def tree(app):
    return Province()


def _job_id(response) -> str:
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert location.startswith("/jobs/")
    return location.removeprefix("/jobs/")


def test_large_export_becomes_a_job_then_a_download(tree, login):
    client = login(tree.manager_a)
    job_id = _job_id(client.get("/stats/export?kind=detail&format=csv"))
    job = wait_for_job(job_id)
    assert job.status == JobStatus.DONE and job.total == 4 and job.done == 4 and job.attempts == 1
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "thong-ke-chi-tiet-PA.csv" in page and f"/jobs/{job_id}/download" in page
    response = client.get(f"/jobs/{job_id}/download")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(response.get_data())
    assert rows[0][:4] == ["Đường dẫn đơn vị", "Đơn vị", "Tên đăng nhập", "Họ và tên"]
    assert [r[2] for r in rows[1:]] == A_SUBTREE
    assert client.get(f"/jobs/{job_id}.json").get_json() == {
        "status": "done", "percent": 100, "done": 4, "total": 4}
    (entry,) = exports()  # recorded once, when asked, whatever the job does after
    assert entry.actor_id == tree.manager_a.id and entry.details["job"] == job_id and entry.details["rows"] == 4


def test_large_xlsx_export_has_real_cells(tree, login):
    client = login(tree.admin)
    job_id = _job_id(client.get("/stats/export?kind=detail&format=xlsx&course=hoc-tap-2023"))
    assert wait_for_job(job_id).status == JobStatus.DONE
    response = client.get(f"/jobs/{job_id}/download")
    assert response.mimetype.startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert [sheet.cell(r, 3).value for r in range(2, sheet.max_row + 1)] == [*A_SUBTREE, "other"]
    assert sheet.cell(3, 7).number_format == "dd/mm/yyyy"


def test_small_exports_still_stream(tree, login):
    client = login(tree.manager_a)
    response = client.get("/stats/export?kind=detail&format=csv&unit=PA1a")  # 3 rows: not above 3
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert [r[2] for r in rows_of(response.get_data())[1:]] == ["anh", "binh", "duc"]
    summary = client.get("/stats/export?kind=summary&format=csv")  # summaries are never jobs
    assert summary.status_code == 200 and summary.mimetype == "text/csv"
    assert db.session.query(Job).count() == 0
    assert [e.details.get("job") for e in exports()] == [None, None]


def test_only_the_owner_sees_or_downloads_the_job(tree, login):
    client = login(tree.manager_a)
    job_id = _job_id(client.get("/stats/export?format=csv"))
    wait_for_job(job_id)
    for someone in (tree.manager_p, tree.admin, tree.anh):
        client = login(someone)
        for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"):
            assert client.get(url).status_code == 404, (someone.username, url)


@pytest.mark.parametrize("unit", ["PB", "P"])
def test_the_job_enforces_the_owners_scope_whatever_its_params(tree, unit):
    """Parameters stored with a job (here naming a unit outside the owner's subtree) are re-checked
    as the owner when it runs: refused at once, nothing written, not retried."""
    job_id = jobs.enqueue("stats.export", {"kind": "detail", "format": "csv", "unit": unit}, tree.manager_a).id
    db.session.commit()
    job = wait_for_job(job_id)
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.result_path is None
    assert "ngoài phạm vi" in job.error  # the job speaks the default language, Vietnamese


def test_a_managers_job_holds_only_their_subtree(tree, login):
    job_id = jobs.enqueue("stats.export", {"kind": "detail", "format": "csv", "unit": None}, tree.manager_a).id
    db.session.commit()
    assert wait_for_job(job_id).status == JobStatus.DONE
    rows = rows_of(login(tree.manager_a).get(f"/jobs/{job_id}/download").get_data())
    assert [r[2] for r in rows[1:]] == A_SUBTREE


def test_an_owner_who_lost_the_permission_gets_nothing(tree):
    job_id = jobs.enqueue("stats.export", {"kind": "detail", "format": "csv"}, tree.manager_a).id
    tree.manager_a.set_roles([Role.CADRE])
    db.session.commit()
    job = wait_for_job(job_id)
    assert job.status == JobStatus.FAILED and job.attempts == 1 and job.result_path is None


def test_a_failing_job_is_retried_then_reported_with_a_way_to_ask_again(tree, login, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("reports.jobs.write_csv", broken)
    client = login(tree.manager_a)
    job_id = _job_id(client.get("/stats/export?kind=detail&format=csv&course=hoc-tap-2023"))
    job = wait_for_job(job_id)
    assert job.status == JobStatus.FAILED and job.attempts == jobs.MAX_ATTEMPTS and "disk full" in job.error
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "failed"
    assert "disk full" not in client.get(f"/jobs/{job_id}.json").get_data(as_text=True)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "flash-error" in page and "disk full" not in page
    assert "/stats/export?kind=detail&amp;format=csv&amp;unit=PA&amp;course=hoc-tap-2023" in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert len(exports()) == 1


def test_the_progress_page_works_without_javascript(tree, login):
    job = Job(id="f" * 32, kind="stats.export", params={"kind": "detail", "format": "csv"},
              status=JobStatus.RUNNING, done=12345, total=50000, created_by_id=tree.manager_a.id)
    db.session.add(job)
    db.session.commit()
    page = login(tree.manager_a).get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<progress id="job-progress"' in page and 'value="24"' in page
    assert '<noscript><meta http-equiv="refresh"' in page and f'href="/jobs/{job.id}"' in page
    assert "12.345" in page and "50.000" in page and "jobs.js" in page


def test_asking_twice_joins_the_export_under_way(tree, login, monkeypatch):
    monkeypatch.setattr(jobs, "dispatch", lambda job_id, app=None: None)  # no worker picks it up yet
    client = login(tree.manager_a)
    first = _job_id(client.get("/stats/export?kind=detail&format=csv"))
    assert _job_id(client.get("/stats/export?kind=detail&format=csv")) == first
    assert _job_id(client.get("/stats/export?kind=detail&format=xlsx")) != first
    assert [e.details["format"] for e in exports()] == ["csv", "xlsx"]


def test_with_redis_the_export_goes_to_rq(tree, login, app, monkeypatch):
    import redis
    from rq import Queue, SimpleWorker

    url = redis_url(3)  # a database of its own: no other test's worker takes this job
    connection = redis.Redis.from_url(url)
    queue = Queue("elearn", connection=connection)
    queue.empty()
    app.config["REDIS_URL"] = url
    client = login(tree.manager_a)
    job_id = _job_id(client.get("/stats/export?kind=detail&format=csv"))
    assert queue.count == 1 and db.session.get(Job, job_id).status == JobStatus.QUEUED
    monkeypatch.setattr(jobs, "_worker_app", app)  # the worker runs this app, as `elearn jobs worker` would
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert wait_for_job(job_id).status == JobStatus.DONE
    assert [r[2] for r in rows_of(client.get(f"/jobs/{job_id}/download").get_data())[1:]] == A_SUBTREE
