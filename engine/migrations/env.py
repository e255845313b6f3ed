"""Alembic environment: the engine from ``engine.common.migrate``, tables from ``engine.tables``."""

from alembic import context

import engine.tables  # noqa: F401  (registers every table on the metadata)
from engine.common.db import Base

config = context.config


def run_migrations_online() -> None:
    db_engine = config.attributes["engine"]
    with db_engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration rebuilds a table; with foreign keys on, dropping a table that
            # others point at would fail. They are checked as a whole once the work is done.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=sqlite,  # SQLite cannot ALTER much
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")


run_migrations_online()
