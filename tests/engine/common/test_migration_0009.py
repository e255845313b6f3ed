"""Migration 0009 turns each ballot's and signature's owner id into the key of its unit's voter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from engine.common.db import make_engine
from engine.common.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS, PG_SCHEMA, POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, migrated to 0008 (a schema of its own on PostgreSQL)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    else:
        assert POSTGRES_URL is not None
        schema = f"{PG_SCHEMA}_0009"
        admin = make_engine(POSTGRES_URL.split("?")[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(POSTGRES_URL.replace(PG_SCHEMA, schema))
    upgrade(engine, "0008")
    yield engine
    engine.dispose()
    if request.param != "sqlite":
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


ROWS = """
INSERT INTO estates (id, name, address) VALUES (1, 'Old estate', '');
INSERT INTO buildings (id, estate_id, code, name) VALUES (1, 1, 'A', 'Block A');
INSERT INTO owners (id, name, phone, address, is_developer) VALUES (1, 'A', '', '', false),
    (2, 'B', '', '', false), (3, 'C', '', '', false), (9, 'Developer', '', '', true);
INSERT INTO units (id, building_id, number, floor, area, delivered) VALUES
    (1, 1, 'A-1', 1, 80, true), (2, 1, 'A-2', 1, 80, true), (3, 1, 'A-3', 1, 80, false);
INSERT INTO ownerships (owner_id, unit_id) VALUES (1, 1), (2, 1), (2, 2), (3, 2), (9, 3);
INSERT INTO petitions (id, estate_id, purpose, recorded_at, headcount_signed,
    headcount_total, meets_threshold) VALUES (1, 1, 'Repairs', '2026-03-02 09:00:00', 1, 2, true);
INSERT INTO petition_signatures (id, petition_id, unit_id, owner_id) VALUES (1, 1, 1, 1);
INSERT INTO meetings (id, estate_id, kind, round, state, meeting_at, notice_sent_at,
    notice_text, residents_committee_notified)
    VALUES (1, 1, 'annual', 1, 'voting', '2026-03-20 09:00:00', '2026-03-02 09:00:00', '', false);
INSERT INTO agenda_matters (id, meeting_id, position, title, matter_class)
    VALUES (1, 1, 1, 'Report', 'ordinary');
INSERT INTO meeting_ballots (id, meeting_id, matter_id, unit_id, owner_id, channel, vote,
    cast_at) VALUES (1, 1, 1, 1, 1, 'paper', 'agree', '2026-03-03 09:00:00'),
                    (2, 1, 1, 3, 9, 'paper', 'abstain', '2026-03-03 09:00:00');
"""


def migrate_old_rows(engine: Engine) -> None:
    """Write ROWS as 0008 held them, then migrate to the head."""
    with engine.begin() as conn:
        for statement in ROWS.split(";"):
            if statement.strip():
                conn.execute(text(statement))
    upgrade(engine)


def test_existing_ballots_and_signatures_get_their_units_voter_key(at_0008: Engine) -> None:
    migrate_old_rows(at_0008)
    with at_0008.connect() as conn:
        ballots = conn.execute(text("SELECT unit_id, voter FROM meeting_ballots ORDER BY id"))
        signatures = conn.execute(text("SELECT unit_id, voter FROM petition_signatures"))
        # A+B's unit was recorded under A alone; the developer's unit keeps the developer.
        assert ballots.all() == [(1, "1+2"), (3, "9")]
        assert signatures.all() == [(1, "1+2")]


def test_downgrading_0009_names_each_voter_by_its_lowest_owner_id_again(at_0008: Engine) -> None:
    migrate_old_rows(at_0008)
    command.downgrade(alembic_config(at_0008), "0008")
    with at_0008.connect() as conn:
        ballots = conn.execute(text("SELECT unit_id, owner_id FROM meeting_ballots ORDER BY id"))
        signatures = conn.execute(text("SELECT unit_id, owner_id FROM petition_signatures"))
        assert ballots.all() == [(1, 1), (3, 9)]
        assert signatures.all() == [(1, 1)]
