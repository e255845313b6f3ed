"""Migration 0012: petitions without an area, a first meeting's convener, the old filing kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from engine.common.db import make_engine
from engine.common.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS, PG_SCHEMA, POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own, migrated to 0011 (a schema of its own on PostgreSQL)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    else:
        assert POSTGRES_URL is not None
        schema = f"{PG_SCHEMA}_0012"
        admin = make_engine(POSTGRES_URL.split("?")[0], isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        engine = make_engine(POSTGRES_URL.replace(PG_SCHEMA, schema))
    upgrade(engine, "0011")
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
    (2, 'B', '', '', false);
INSERT INTO units (id, building_id, number, floor, area, delivered) VALUES
    (1, 1, 'A-1', 1, 80, true), (2, 1, 'A-2', 1, 80, true), (3, 1, 'A-3', 1, 80, true);
INSERT INTO ownerships (owner_id, unit_id) VALUES (1, 1), (1, 2), (2, 3);
INSERT INTO petitions (id, estate_id, purpose, recorded_at, headcount_signed,
    headcount_total, meets_threshold) VALUES (1, 1, 'Repairs', '2026-03-02 09:00:00', 1, 2, true);
INSERT INTO petition_signatures (id, petition_id, unit_id, voter) VALUES (1, 1, 1, '1');
INSERT INTO committees (id, estate_id, state, opened_at, elected_at, filing_due_at, filed_at,
    filing_reference, filing_authority) VALUES
    (1, 1, 'filed', '2026-01-02 09:00:00', '2026-02-01 09:00:00', '2026-03-03 09:00:00',
     '2026-02-20 02:00:00', 'BA-17', 'District housing bureau'),
    (2, 1, 'forming', '2026-03-02 09:00:00', NULL, NULL, NULL, NULL, NULL);
INSERT INTO meetings (id, estate_id, kind, round, state, meeting_at, notice_sent_at,
    notice_text, residents_committee_notified) VALUES
    (1, 1, 'first', 1, 'voting', '2026-03-20 09:00:00', '2026-03-02 09:00:00', '', true),
    (2, 1, 'annual', 1, 'voting', '2026-03-20 09:00:00', '2026-03-02 09:00:00', '', false);
"""


def migrate_old_rows(engine: Engine) -> None:
    """Write ROWS as 0011 held them, then migrate to the head."""
    with engine.begin() as conn:
        for statement in ROWS.split(";"):
            if statement.strip():
                conn.execute(text(statement))
    upgrade(engine)


def test_old_rows_keep_what_they_said_and_claim_nothing_they_did_not(at_0011: Engine) -> None:
    migrate_old_rows(at_0011)
    with at_0011.connect() as conn:
        # The area of an old petition is not known: it cannot call a meeting until re-recorded.
        assert conn.execute(text("SELECT area_signed, area_total FROM petitions")).all() == [
            (None, None)]
        assert conn.execute(text("SELECT kind, convener FROM meetings ORDER BY id")).all() == [
            ("first", "preparatory_group"), ("annual", None)]
        filings = conn.execute(text(
            "SELECT committee_id, authority, authority_name, reference, filed_on "
            "FROM committee_filings")).all()
    assert [(c, a, n, r, str(d)[:10]) for c, a, n, r, d in filings] == [
        (1, "housing_department", "District housing bureau", "BA-17", "2026-02-20")]


def test_a_voter_signs_for_each_unit_but_a_unit_signs_once(at_0011: Engine) -> None:
    migrate_old_rows(at_0011)
    with at_0011.begin() as conn:  # owner 1's second unit: a row of its own now
        conn.execute(text("INSERT INTO petition_signatures (id, petition_id, unit_id, voter) "
                          "VALUES (2, 1, 2, '1')"))
    with pytest.raises(IntegrityError), at_0011.begin() as conn:
        conn.execute(text("INSERT INTO petition_signatures (id, petition_id, unit_id, voter) "
                          "VALUES (3, 1, 1, '1')"))


def test_downgrading_0012_keeps_one_signature_per_voter(at_0011: Engine) -> None:
    migrate_old_rows(at_0011)
    with at_0011.begin() as conn:
        conn.execute(text("INSERT INTO petition_signatures (id, petition_id, unit_id, voter) "
                          "VALUES (2, 1, 2, '1')"))
    command.downgrade(alembic_config(at_0011), "0011")
    with at_0011.connect() as conn:
        assert conn.execute(text("SELECT id, unit_id, voter FROM petition_signatures")).all() \
            == [(1, 1, "1")]
