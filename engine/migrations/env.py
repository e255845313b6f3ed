"""Alembic environment: the engine comes from ``engine.migrate``, the tables from the models."""

from alembic import context

import engine.models  # noqa: F401  (registers every table on the metadata)
from engine.db import Base

config = context.config


def run_migrations_online() -> None:
    db_engine = config.attributes["engine"]
    with db_engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
