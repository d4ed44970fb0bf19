import pytest

from elearn.app import create_app


@pytest.fixture(scope="module")
def vi(tmp_path_factory):
    """An app context (no database) so that type messages come out in Vietnamese, as in the CLI."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    with app.app_context():
        yield app
    app.extensions["elearn.engine"].dispose()
