from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from elearn import db
from elearn.cli import alembic_config, upgrade
from elearn.db import Base


def _diff(app):
    with app.extensions["elearn.engine"].connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_one_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several Alembic heads: {heads}"


def test_upgraded_database_matches_models(app):
    assert _diff(app) == []


def test_downgrade_to_base_and_upgrade_again(app):
    from alembic import command

    db.session.remove()
    command.downgrade(alembic_config(), "base")
    with app.extensions["elearn.engine"].connect() as conn:
        ctx = MigrationContext.configure(conn)
        assert ctx.get_current_revision() is None
    upgrade()
    assert _diff(app) == []
