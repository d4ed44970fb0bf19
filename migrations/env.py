"""Alembic environment: runs inside the Flask app so it uses the app's engine."""
from alembic import context
from flask import current_app, has_app_context

from elearn.db import Base


def run_migrations() -> None:
    if has_app_context():
        engine = current_app.extensions["elearn.engine"]
    else:  # plain `alembic` from the shell
        from elearn.app import create_app

        app = create_app()
        app.app_context().push()
        engine = app.extensions["elearn.engine"]

    from elearn.app import load_models
    load_models()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
