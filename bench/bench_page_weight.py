"""Bytes over the wire of a cadre's first visit to the home page and to a lesson (issue 21: ≤ 100 KB).

    .venv/bin/python bench/bench_page_weight.py

Through the real app (Flask test client, a temporary SQLite database): a cadre enrolled in a course
whose lesson is ~12 KB of Vietnamese HTML signs in, opens the home page, then a lesson. Each page
and every same-origin file it names (stylesheets, scripts, images, the manifest) is fetched once,
as a browser with an empty cache would; the service worker (/sw.js) and what it stores when it
installs are counted too. Printed per file: raw bytes and gzip at level 1 (nginx's default) and 5
(deploy/nginx-elearn.conf sets 5); images are not compressed (gzip_types). Headers not counted.
"""
from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LESSON = "".join(
    f"<h2>Phần {i}. Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh</h2>"
    f"<p>Cán bộ tuyên giáo cơ sở cần nắm vững nội dung cơ bản của Nghị quyết, gắn việc học tập với "
    f"thực tiễn địa phương, phát huy sức mạnh giá trị văn hóa, con người, phát triển nhanh, bền vững. "
    f"Đoạn {i} trình bày các nhiệm vụ trọng tâm và giải pháp thực hiện trong năm.</p>"
    for i in range(1, 31))
COMPRESSED = ("text/", "application/javascript", "application/json", "application/manifest+json", "image/svg")


def main() -> None:
    from elearn import db
    from elearn.app import create_app
    from elearn.cli import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="elearn-weight-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'w.sqlite'}", "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp / "instance"), "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        from courses import enrolment
        from courses.models import Lesson
        from tests.courses.factories import items_of, make_course
        from tests.factories import PASSWORD, make_user

        course = make_course(lessons=3, title="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh")
        lesson_item = items_of(course)[1]
        db.session.get(Lesson, lesson_item.id).body_html = LESSON
        cadre = make_user("bench.weight", full_name="Nguyễn Thị Thu Hằng")
        enrolment.enroll(cadre, course)
        db.session.commit()
        lesson_url = f"/learn/{lesson_item.id}"

    client = app.test_client()
    assert client.post("/login", data={"username": "bench.weight", "password": PASSWORD}).status_code == 302
    seen: set[str] = set()

    def fetch(url: str) -> tuple[int, int, int, str]:
        response = client.get(url)
        body = response.data
        mime = response.mimetype or ""
        response.close()
        if any(mime.startswith(m) for m in COMPRESSED):
            return len(body), len(gzip.compress(body, 1)), len(gzip.compress(body, 5)), mime
        return len(body), len(body), len(body), mime

    def visit(name: str, url: str, extra: list[str]) -> None:
        rows = [(url, *fetch(url))]
        html = client.get(url).get_data(as_text=True)
        names = re.findall(r'(?:href|src)="(/[^"/][^"]*)"', html)
        assets = [u for u in names if re.search(r"\.(css|js|png|ico|svg|webmanifest)$", u)] + extra
        for asset in assets:
            if asset not in seen:
                seen.add(asset)
                rows.append((asset, *fetch(asset)))
        print(f"\n{name}: {url}")
        print(f"  {'file':52} {'raw':>8} {'gzip -1':>8} {'gzip -5':>8}")
        for path, raw, g1, g5, _mime in rows:
            print(f"  {path[:52]:52} {raw:8,} {g1:8,} {g5:8,}")
        total = [sum(r[i] for r in rows) for i in (1, 2, 3)]
        print(f"  {'total':52} {total[0]:8,} {total[1]:8,} {total[2]:8,}   budget 102,400: "
              f"{'within' if total[1] <= 102400 else 'OVER'} at nginx's default level")

    # The first page also installs the service worker, which stores its shell (elearn/static/sw.js).
    visit("first visit, home", "/", ["/sw.js", "/offline"])
    visit("first visit, a lesson (after the home page: its files are cached)", lesson_url, [])
    seen.clear()
    visit("a lesson opened first (empty cache)", lesson_url, ["/sw.js", "/offline"])


if __name__ == "__main__":
    main()
