"""SCORM 1.2 / 2004 and cmi5 packages: upload, refusal, playing, commits, cmi5 statements, permissions."""
from __future__ import annotations

import html
import io
import json
import os
import re

import pytest
from sqlalchemy import func, select

from courses import enrolment
from courses import services as course_services
from courses.models import Item, ItemKind, Progress
from courses.packages.models import Package, PackageAttempt
from elearn import db, uploads
from tests.courses.factories import make_course, make_trainer
from tests.courses.packages import builders
from tests.factories import make_user


@pytest.fixture
def world(app):
    trainer = make_trainer()
    course = make_course(trainer, lessons=1)
    course.modules[0].items[0].required = False  # the package is the course's one required item
    cadre, other = make_user(), make_user()
    enrolment.self_enroll(cadre, course)
    enrolment.self_enroll(other, course)
    db.session.commit()
    return {"trainer": trainer, "course": course, "module": course.modules[0], "cadre": cadre, "other": other}


def upload(client, module_id: int, data: bytes, name: str = "goi.zip", title: str = ""):
    return client.post(f"/teach/modules/{module_id}/packages/new", content_type="multipart/form-data",
                       data={"package": (io.BytesIO(data), name), "title": title, "required": "y"},
                       follow_redirects=True)


def package_items(course_id: int) -> int:
    return db.session.scalar(select(func.count(Item.id)).where(Item.course_id == course_id,
                                                               Item.kind == ItemKind.PACKAGE))


def stored_folders() -> list:
    folder = uploads.upload_dir("packages")
    return list(folder.iterdir()) if folder.exists() else []


def add(world, login, data: bytes) -> Item:
    client = login(world["trainer"])
    assert upload(client, world["module"].id, data).status_code == 200
    db.session.expire_all()
    return db.session.scalars(select(Item).where(Item.course_id == world["course"].id,
                                                 Item.kind == ItemKind.PACKAGE).order_by(Item.id.desc())).first()


def launch_of(client, item_id: int) -> tuple[str, str]:
    page = client.get(f"/learn/{item_id}/package")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    content = html.unescape(re.search(r'data-launch="([^"]+)"', text)[1])
    commit = html.unescape(re.search(r'data-commit-url="([^"]+)"', text)[1])
    return content, commit


def test_scorm12_upload_stores_the_package_unpacked(world, login):
    item = add(world, login, builders.scorm12())
    package = db.session.get(Package, item.id)
    assert item.title == "Gói SCORM 1.2 thử" and package.standard.name == "SCORM12" and package.launch == "index.html"
    assert (uploads.upload_dir("packages") / package.folder / "img" / "a.txt").read_text() == "ảnh"
    page = login(world["trainer"]).get(f"/teach/{world['course'].id}")
    assert "Thêm gói SCORM / cmi5" in page.get_data(as_text=True)
    outline = login(world["cadre"]).get(f"/courses/{world['course'].slug}").get_data(as_text=True)
    assert f'href="/learn/{item.id}/package"' in outline


def test_scorm2004_and_cmi5_are_recognised(world, login):
    assert db.session.get(Package, add(world, login, builders.scorm2004()).id).launch == "content/sco.html"
    cmi5 = db.session.get(Package, add(world, login, builders.cmi5()).id)
    assert (cmi5.standard.name, cmi5.move_on, cmi5.mastery_score) == ("CMI5", "CompletedAndPassed", 0.8)
    assert cmi5.activity_id == "https://elearn.test/cmi5/au1"


BOMB = builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x",
                        "zeros.bin": b"\0" * (30 * 1024 * 1024)})
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
          '<manifest><title>&b;</title></manifest>')


@pytest.mark.parametrize("data, message", [
    (builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x", "../evil.html": "x"}),
     "đường dẫn ra ngoài thư mục"),
    (builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x", "/etc/cron.d/x": "x"}),
     "đường dẫn ra ngoài thư mục"),
    (builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x", "a\\..\\..\\x": "x"}),
     "đường dẫn ra ngoài thư mục"),
    (builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x"}, links=("link.html",)),
     "liên kết tượng trưng"),
    (builders.zip_of({"imsmanifest.xml": builders.manifest_12(href="../../x.html"), "index.html": "x"}),
     "đường dẫn ra ngoài thư mục"),
    (builders.zip_of({"index.html": "x"}), "không có imsmanifest.xml"),
    (builders.zip_of({"imsmanifest.xml": builders.manifest_12(href="missing.html"), "index.html": "x"}),
     "không có trong tệp ZIP"),
    (builders.zip_of({"imsmanifest.xml": "<manifest", "index.html": "x"}), "không phải XML hợp lệ"),
    (builders.zip_of({"imsmanifest.xml": LAUGHS, "index.html": "x"}), "không phải XML hợp lệ"),
    (BOMB, "khi giải nén lớn hơn"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "phải là tệp ZIP"),
    (b"imsmanifest.xml", "phải là tệp ZIP"),
])
def test_bad_packages_are_refused_and_nothing_is_written(world, login, data, message):
    client = login(world["trainer"])
    response = upload(client, world["module"].id, data)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert package_items(world["course"].id) == 0 and stored_folders() == []


@pytest.mark.parametrize("app_config", [{"PACKAGE_MAX_BYTES": 2000, "PACKAGE_MAX_FILES": 5}])
def test_oversized_and_crowded_packages_are_refused(world, login, app_config):
    client = login(world["trainer"])
    big = builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x" * 10,
                           "noise.bin": os.urandom(3000)})
    assert "lớn hơn" in upload(client, world["module"].id, big).get_data(as_text=True)
    many = builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x",
                            **{f"f{n}.txt": "x" for n in range(6)}})
    assert "nhiều hơn 5 tệp" in upload(client, world["module"].id, many).get_data(as_text=True)
    db.session.expire_all()
    assert package_items(world["course"].id) == 0 and stored_folders() == []


def test_script_in_the_manifest_title_is_plain_text(world, login):
    item = add(world, login, builders.scorm12(title="&lt;script&gt;alert(1)&lt;/script&gt;Bài <b>mới</b>"))
    assert item.title == "<script>alert(1)</script>Bài mới"  # markup in the XML is dropped, text kept as text
    for page in (login(world["trainer"]).get(f"/teach/{world['course'].id}"),
                 login(world["cadre"]).get(f"/learn/{item.id}/package")):
        text = page.get_data(as_text=True)
        assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text


def test_content_is_sandboxed_and_for_the_enrolled_cadre_only(world, login, client):
    item = add(world, login, builders.scorm12())
    login(world["cadre"])
    content, _commit = launch_of(client, item.id)
    page = client.get(content)
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts allow-forms") and "allow-same-origin" not in csp
    assert "frame-ancestors 'self'" in csp and page.headers["Referrer-Policy"] == "no-referrer"
    body = page.get_data(as_text=True)
    assert body.index("cross-frame-api.min.js") < body.index("Bài học SCORM 1.2")
    # After the page's own <meta charset> (which must stay in its first 1024 bytes), and it decides.
    assert body.index('<meta charset="utf-8">') < body.index("cross-frame-api.min.js")
    assert page.headers["Content-Type"] == "text/html"
    assert "Set-Cookie" not in page.headers
    assert client.get(content.replace("index.html", "img/a.txt")).get_data(as_text=True) == "ảnh"
    for escape in ("../../../../etc/passwd", "%2e%2e/%2e%2e/secret_key", "img/../../x"):
        assert client.get(content.replace("index.html", escape)).status_code == 404
    token = content.split("/")[2]
    assert client.get(f"/package-content/{token[:-2]}xx/index.html").status_code == 404
    client.post("/logout")
    assert client.get(content).status_code == 200  # the token, not the cookie (the frame sends none)
    enrolment.unenroll(course_services.get_enrollment(world["cadre"], world["course"]), world["trainer"])
    db.session.commit()
    assert client.get(content).status_code == 404
    stranger = make_user()
    db.session.commit()
    login(stranger)
    assert client.get(f"/learn/{item.id}/package").status_code == 404


def commit(client, url: str, seq: int, **values):
    body = {"commitSequence": seq, **values}
    return client.post(url, data=json.dumps(body), content_type="text/plain;charset=UTF-8")


def test_commits_are_kept_in_order_and_complete_the_item(world, login, client):
    item = add(world, login, builders.scorm12())
    cadre = world["cadre"]
    login(cadre)
    _content, url = launch_of(client, item.id)
    first = commit(client, url, 1, **{"cmi.core.lesson_status": "incomplete", "cmi.suspend_data": "a",
                                      "cmi.core.total_time": "0000:02:00"})
    assert first.status_code == 200 and first.json["result"] is True
    done = commit(client, url, 3, **{"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "85",
                                     "cmi.suspend_data": "b", "cmi.core.lesson_location": "p3",
                                     "cmi.core.total_time": "0000:05:00"})
    assert done.json["kept"] is True
    assert commit(client, url, 3, **{"cmi.core.lesson_status": "passed"}).json["kept"] is False  # a resend
    late = commit(client, url, 2, **{"cmi.core.lesson_status": "incomplete", "cmi.suspend_data": "old"})
    assert late.status_code == 200 and late.json["kept"] is False
    db.session.expire_all()
    row = db.session.scalar(select(PackageAttempt).where(PackageAttempt.user_id == cadre.id))
    assert (row.completion_status, row.success_status, row.score, row.suspend_data, row.location,
            row.total_seconds) == ("completed", "passed", 85.0, "b", "p3", 300)
    progress = db.session.scalar(select(Progress).where(Progress.user_id == cadre.id, Progress.item_id == item.id))
    assert progress.completed_at is not None and progress.best_score == 85.0 and progress.time_spent_seconds == 300
    # The course had this one item: completing it completed the course (certificate and all).
    assert course_services.get_enrollment(cadre, world["course"]).completed_at is not None
    # The next launch resumes from the stored data.
    text = client.get(f"/learn/{item.id}/package").get_data(as_text=True)
    assert "cmi.core.entry&#34;: &#34;resume" in text or "&#34;cmi.core.entry&#34;: &#34;resume&#34;" in text


def test_commit_refusals_write_nothing(world, login, client):
    item = add(world, login, builders.scorm12())
    login(world["cadre"])
    _content, url = launch_of(client, item.id)
    assert commit(client, url, 1, **{"cmi.core.lesson_status": "hacked"}).status_code == 400
    assert commit(client, url, 1, **{"cmi.suspend_data": "x" * 70000}).status_code == 400
    assert client.post(url, data="{not json", content_type="text/plain").status_code == 400
    assert client.post(url, data=json.dumps({"cmi.core.lesson_status": "passed"})).status_code == 400  # no sequence
    assert client.post(url.rsplit("/", 1)[0] + "/x", data=json.dumps({"commitSequence": 1})).status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PackageAttempt.id))) == 0
    # Another cadre cannot write with this launch, nor with their own into this cadre's row.
    login(world["other"])
    assert commit(client, url, 5, **{"cmi.core.lesson_status": "passed"}).status_code == 403
    _content, theirs = launch_of(client, item.id)
    assert commit(client, theirs, 5, **{"cmi.core.lesson_status": "failed"}).json["kept"] is True
    db.session.expire_all()
    rows = db.session.scalars(select(PackageAttempt)).all()
    assert [(r.user_id, r.success_status) for r in rows] == [(world["other"].id, "failed")]
    assert db.session.scalar(select(func.count(Progress.id)).where(Progress.completed_at.is_not(None))) == 0


def test_scorm2004_commit_completes(world, login, client):
    item = add(world, login, builders.scorm2004())
    login(world["cadre"])
    _content, url = launch_of(client, item.id)
    assert commit(client, url, 1, **{"cmi.completion_status": "completed", "cmi.success_status": "failed",
                                     "cmi.score.scaled": "0.4"}).json["kept"]
    db.session.expire_all()
    assert db.session.scalar(select(Progress.completed_at).where(Progress.item_id == item.id)) is None
    assert commit(client, url, 2, **{"cmi.completion_status": "completed", "cmi.success_status": "passed",
                                     "cmi.score.scaled": "0.9", "cmi.total_time": "PT1M30S"}).json["kept"]
    db.session.expire_all()
    progress = db.session.scalar(select(Progress).where(Progress.item_id == item.id))
    assert progress.completed_at is not None and progress.best_score == 90.0 and progress.time_spent_seconds == 90


def test_cmi5_launch_fetch_and_statements(world, login, client):
    item = add(world, login, builders.cmi5())
    login(world["cadre"])
    content, _commit = launch_of(client, item.id)
    params = dict(re.findall(r"[?&]([a-zA-Z]+)=([^&]*)", content))
    from urllib.parse import unquote
    assert unquote(params["activityId"]) == "https://elearn.test/cmi5/au1"
    assert client.get(content.split("?")[0]).status_code == 200
    fetch = unquote(params["fetch"]).replace("http://localhost", "")
    preflight = client.open(fetch, method="OPTIONS")
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    token = client.post(fetch).json["auth-token"]
    assert client.post(fetch).json["error-code"] == "1"  # once per launch
    launch_token = fetch.split("/")[2]
    assert client.post(fetch.replace(launch_token, launch_token[:-3] + "abc")).json["error-code"] == "2"
    client.post("/logout")  # the AU has no cookie; its token is enough
    auth = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}
    state = client.get("/cmi5/xapi/activities/state", headers=auth, query_string={
        "stateId": "LMS.LaunchData", "activityId": "https://elearn.test/cmi5/au1", "agent": "{}"})
    assert state.json["moveOn"] == "CompletedAndPassed" and state.json["launchMode"] == "Normal"
    assert client.post("/cmi5/xapi/statements", json={"verb": {"id": "http://adlnet.gov/expapi/verbs/passed"},
                                                      "object": {"id": "x"}}).status_code == 401

    def send(verb, scaled=None):
        statement = {"actor": {}, "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                     "object": {"id": "https://elearn.test/cmi5/au1"}}
        if scaled is not None:
            statement["result"] = {"score": {"scaled": scaled}}
        response = client.post("/cmi5/xapi/statements", json=statement, headers=auth)
        assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"

    def done():
        db.session.expire_all()
        return db.session.scalar(select(Progress.completed_at).where(Progress.item_id == item.id))

    send("initialized")
    send("completed")
    assert done() is None  # CompletedAndPassed: not yet passed
    send("failed", 0.5)
    assert done() is None
    send("passed", 0.9)
    assert done() is not None
    send("failed", 0.2)  # late: a passed AU stays passed
    db.session.expire_all()
    row = db.session.scalar(select(PackageAttempt).where(PackageAttempt.item_id == item.id))
    assert (row.completion_status, row.success_status, row.score) == ("completed", "passed", 90.0)
    other_token = None
    login(world["other"])
    other_content, _ = launch_of(client, item.id)
    other_fetch = unquote(dict(re.findall(r"[?&]([a-zA-Z]+)=([^&]*)", other_content))["fetch"])
    other_token = client.post(other_fetch.replace("http://localhost", "")).json["auth-token"]
    assert other_token != token
    db.session.expire_all()
    theirs = db.session.scalar(select(PackageAttempt).where(PackageAttempt.user_id == world["other"].id))
    assert (theirs.completion_status, theirs.success_status) == ("not attempted", "unknown")


@pytest.mark.parametrize("app_config", [{"XAPI_LRS_URL": "http://127.0.0.1:9/xAPI"}])
def test_a_completed_package_is_an_xapi_statement_with_its_score(world, login, client, app_config, monkeypatch):
    from elearn.xapi.models import XapiOutbox

    monkeypatch.setattr("elearn.jobs.services.run_later", lambda *args: None)  # nothing is sent here
    item = add(world, login, builders.scorm12())
    login(world["cadre"])
    _content, url = launch_of(client, item.id)
    commit(client, url, 1, **{"cmi.core.lesson_status": "passed", "cmi.core.score.raw": "85"})
    db.session.expire_all()
    statements = [row.statement for row in db.session.scalars(select(XapiOutbox))]
    mine = [s for s in statements if s["object"]["id"].endswith(f"/courses/items/{item.id}")]
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in mine] == ["completed"]
    assert mine[0]["result"]["score"]["raw"] == 85.0


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 4000}])
def test_a_package_may_be_larger_than_other_uploads(world, login, app_config):
    data = builders.zip_of({"imsmanifest.xml": builders.manifest_12(), "index.html": "x", "media.bin": os.urandom(6000)})
    assert len(data) > 4000
    assert add(world, login, data) is not None
    lesson = login(world["trainer"]).post(f"/teach/modules/{world['module'].id}/lessons/new",
                                          content_type="multipart/form-data",
                                          data={"title": "Bài", "attachment": (io.BytesIO(data), "a.pdf")})
    assert lesson.status_code == 413  # everything else keeps the site's limit
