"""Alembic environment: the engine from ``engine.common.migrate``, tables from ``engine.tables``."""

from alembic import context

import engine.tables  # noqa: F401  (registers every table on the metadata)
from engine.common.db import Base

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
