"""The installable app (issue 21): manifest, icons, the service worker at the root, the page shown
with no connection, and what signing out clears on a shared phone."""
from __future__ import annotations

from tests.factories import make_user


def test_the_manifest_names_the_app_in_vietnamese_with_icons_that_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.json
    assert manifest["name"] == "Bồi dưỡng cán bộ tuyên giáo" and manifest["short_name"] == "Học tập"
    assert manifest["lang"] == "vi" and manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {i["sizes"] for i in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes and any(i["purpose"] == "maskable" for i in manifest["icons"])
    for icon in manifest["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
        png.close()


def test_the_service_worker_is_served_at_the_root_never_from_the_http_cache(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["Service-Worker-Allowed"] == "/"
    assert b"addEventListener(\"fetch\"" in response.data
    response.close()


def test_the_no_connection_page_names_nobody(client, login):
    user = make_user(full_name="Trần Văn Bình")
    login(user)
    page = client.get("/offline").get_data(as_text=True)
    assert "Không có mạng" in page and "Trần Văn Bình" not in page and "csrf" not in page


def test_every_page_offers_the_manifest_and_the_worker(client, login):
    login(make_user())
    page = client.get("/").get_data(as_text=True)
    assert 'rel="manifest"' in page and 'data-sw="/sw.js"' in page and "<script>" not in page


def test_signing_out_clears_what_the_phone_kept(client, login):
    login(make_user())
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
