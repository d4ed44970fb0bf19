from tests.conftest import make_test_app


def test_healthz_ok(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_503_and_polite_pages_when_database_is_down(tmp_path):
    app = make_test_app("sqlite:////nonexistent-dir/db.sqlite", tmp_path)
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    response = client.post("/login", data={"username": "a", "password": "b"})
    assert response.status_code == 503
    assert "tạm thời không truy cập được" in response.get_data(as_text=True)


def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
