"""Packages built by the tests: a minimal SCORM 1.2 / 2004 SCO that calls the API, a cmi5 AU, and
hostile variants."""
from __future__ import annotations

import io
import stat
import zipfile

SCO_12 = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>SCO</title></head><body>
<h1 id="sco-title">Bài học SCORM 1.2</h1><p id="sco-state">loading</p>
<button id="finish" type="button">Hoàn thành</button>
<script>
var api = window.API;
api.LMSInitialize("");
document.getElementById("sco-state").textContent = "started:" + api.LMSGetValue("cmi.core.student_id");
document.getElementById("finish").addEventListener("click", function () {
  api.LMSSetValue("cmi.core.lesson_location", "page-3");
  api.LMSSetValue("cmi.suspend_data", "da-xem=1,2,3");
  api.LMSSetValue("cmi.core.score.raw", "85");
  api.LMSSetValue("cmi.core.lesson_status", "passed");
  api.LMSCommit("");
  api.LMSFinish("");
  document.getElementById("sco-state").textContent = "finished";
});
</script></body></html>"""

SCO_2004 = """<!doctype html><html><head><title>SCO 2004</title></head><body><script>
var api = window.API_1484_11; api.Initialize(""); api.SetValue("cmi.completion_status", "completed");
api.Commit(""); api.Terminate("");</script></body></html>"""


def manifest_12(title: str = "Gói SCORM 1.2 thử", href: str = "index.html") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="pkg12" version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>{title}</title>
    <item identifier="i1" identifierref="r1"><title>Bài 1</title></item></organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="{href}">
    <file href="{href}"/></resource></resources>
</manifest>"""


MANIFEST_2004 = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="pkg2004" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>Gói SCORM 2004 thử</title>
    <item identifier="i1" identifierref="r1"><title>Bài 1</title></item></organization></organizations>
  <resources><resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="content/sco.html">
    <file href="content/sco.html"/></resource></resources>
</manifest>"""

CMI5_XML = """<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://elearn.test/cmi5/course"><title><langstring lang="vi">Khóa cmi5 thử</langstring></title>
    <description><langstring lang="vi">Thử</langstring></description></course>
  <au id="https://elearn.test/cmi5/au1" moveOn="CompletedAndPassed" masteryScore="0.8">
    <title><langstring lang="vi">AU 1</langstring></title><description><langstring lang="vi">AU</langstring></description>
    <url>au/index.html</url></au>
</courseStructure>"""


def zip_of(files: dict[str, bytes | str], links: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return out.getvalue()


def scorm12(title: str = "Gói SCORM 1.2 thử") -> bytes:
    return zip_of({"imsmanifest.xml": manifest_12(title), "index.html": SCO_12, "img/a.txt": "ảnh"})


def scorm2004() -> bytes:
    return zip_of({"imsmanifest.xml": MANIFEST_2004, "content/sco.html": SCO_2004})


def cmi5() -> bytes:
    return zip_of({"cmi5.xml": CMI5_XML, "au/index.html": "<!doctype html><title>AU</title><p>AU</p>"})

# A cmi5 AU as the spec has it talk: the fetch URL for its token, LMS.LaunchData, then its statements.
AU_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>AU cmi5</title></head><body>
<h1>Bài học cmi5</h1><p id="au-state">loading</p>
<script>
var q = new URLSearchParams(location.search);
var say = function (text) { document.getElementById("au-state").textContent = text; };
var statement = function (verb, scaled) {
  var s = {actor: JSON.parse(q.get("actor")), verb: {id: "http://adlnet.gov/expapi/verbs/" + verb},
           object: {id: q.get("activityId")}};
  if (scaled !== undefined) { s.result = {score: {scaled: scaled}}; }
  return s;
};
fetch(q.get("fetch"), {method: "POST"}).then(function (r) { return r.json(); }).then(function (body) {
  var auth = {"Authorization": "Basic " + body["auth-token"], "X-Experience-API-Version": "1.0.3",
              "Content-Type": "application/json"};
  var endpoint = q.get("endpoint");
  return fetch(endpoint + "activities/state?stateId=LMS.LaunchData&activityId=" +
               encodeURIComponent(q.get("activityId")) + "&agent=" + encodeURIComponent(q.get("actor")) +
               "&registration=" + q.get("registration"), {headers: auth})
    .then(function (r) { return r.json(); })
    .then(function (launch) {
      say("launched:" + launch.moveOn);
      return fetch(endpoint + "statements", {method: "POST", headers: auth,
                   body: JSON.stringify([statement("completed"), statement("passed", 0.9)])});
    })
    .then(function (r) { say(r.ok ? "sent" : "error:" + r.status); });
}).catch(function (e) { say("error:" + e); });
</script></body></html>"""


def cmi5_playable() -> bytes:
    return zip_of({"cmi5.xml": CMI5_XML, "au/index.html": AU_HTML})
