"""Part 7: completing one survey follow-up visit with 3 visits open and with 300.

Each visit of a follow-up round is an instance of its own, so recording one
should cost the same however many others are open. A campaign of ``size``
units at 100 % opens its round through the engine (the yearly survey's
service task's own function); the completions timed are those that leave
others open, so no message to the campaign is counted. Not a test: it asserts
nothing about time.

    .venv/bin/python -m bench.survey_follow_up [--repeats 10] [--postgres URL | --postgres '']
"""

from __future__ import annotations

import argparse
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bench.figures import PG_URL, backends, fresh_database, label, median_ms, p95_ms, record
from bench.owner_case import deploy_shipped, runtime
from engine.common.db import make_session_factory
from engine.common.settings import PROJECT_ROOT
from engine.directory.models import Building, Estate, Owner, Unit
from engine.surveys.campaigns import distribute, install_questionnaires, open_campaign, sample_units
from engine.surveys.follow_up import open_follow_up_round
from engine.surveys.models import SurveyFollowUp
from engine.system import QUESTIONNAIRES
from engine.workflow.models import HumanTask
from engine.workflow.runtime import Runtime
from engine.workflow.tasks.complete import complete_task

SIZES = (3, 300)
# Completions timed in each 300-visit round: the open count stays near 300 throughout.
TIMED_OF_LARGE = 30


def _estate(session: Session, name: str, units: int) -> int:
    estate = Estate(name=name)
    session.add(estate)
    session.flush()
    building = Building(estate_id=estate.id, code="A", name="Block A")
    session.add(building)
    session.flush()
    for i in range(units):
        number = f"{1 + i // 10}{1 + i % 10:02d}"
        session.add(Unit(building_id=building.id, number=number, floor=1 + i // 10,
                         area=Decimal("80.00"),
                         owners=[Owner(name=f"Owner of A-{number}", phone=f"139{i:08d}")]))
    session.flush()
    return estate.id


def _round(sessions: sessionmaker[Session], rt: Runtime, *, size: int, n: int) -> list[str]:
    """A campaign of ``size`` units at 100 % with its round opened: the visit tasks' ids."""
    with sessions() as session:
        estate_id = _estate(session, f"Bench estate {size}-{n}", size)
        row = open_campaign(session, rt, year=2026, target_percent=100, estate_id=estate_id,
                            actor="bench")
        sample_units(session, rt, row.id, seed=n, actor="bench")
        distribute(session, rt, row.id, collection_days=21, actor="bench")
        open_follow_up_round(session, rt, campaign_id=row.id, actor="bench")
        tasks = list(session.scalars(
            select(HumanTask.id).join(SurveyFollowUp,
                                      SurveyFollowUp.instance_id == HumanTask.instance_id)
            .where(SurveyFollowUp.campaign_id == row.id).order_by(SurveyFollowUp.id)))
        session.commit()
    assert len(tasks) == size
    return tasks


def _complete(sessions: sessionmaker[Session], rt: Runtime, task_id: str) -> float:
    started = time.perf_counter()
    with sessions() as session:
        complete_task(session, rt, task_id=task_id, data={"visit_outcome": "not_reachable"},
                      actor="bench")
        session.commit()
    return time.perf_counter() - started


def _timings(sessions: sessionmaker[Session], rt: Runtime, size: int,
             repeats: int) -> list[float]:
    """Seconds per completion while at least ``size`` - 1 other visits stay open."""
    timings: list[float] = []
    rounds = repeats if size < TIMED_OF_LARGE else 1
    for n in range(rounds):
        tasks = _round(sessions, rt, size=size, n=n)
        timed = tasks[:-1] if size < TIMED_OF_LARGE else tasks[:TIMED_OF_LARGE]
        timings.extend(_complete(sessions, rt, task) for task in timed)
    return timings


def measure(*, repeats: int, postgres: str | None) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    print(f"\nsurvey follow-up, one visit completed with N open{'median':>19} {'p95':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for backend, url in backends(Path(folder), "survey_follow_up", postgres):
            with fresh_database(url) as db:
                sessions, rt = make_session_factory(db), runtime()
                deploy_shipped(sessions, rt)
                with sessions() as session:
                    install_questionnaires(session, rt, PROJECT_ROOT / "forms" / QUESTIONNAIRES,
                                           actor="bench")
                    session.commit()
                for size in SIZES:
                    timings = _timings(sessions, rt, size, repeats)
                    key = f"survey_follow_up_{backend}_ms_per_completion_{size}_open"
                    figures[key] = median_ms(timings)
                    print(f"{label(backend) + f', {size} open':<48}{median_ms(timings):8.3f} ms "
                          f"{p95_ms(timings):8.3f} ms")
            small, large = (figures[f"survey_follow_up_{backend}_ms_per_completion_{s}_open"]
                            for s in SIZES)
            figures[f"survey_follow_up_300_vs_3_{backend}"] = large / small
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10,
                        help="rounds of 3 visits to time (2 completions each)")
    parser.add_argument("--postgres", default=PG_URL, help="'' for SQLite only")
    args = parser.parse_args()
    record(measure(repeats=args.repeats, postgres=args.postgres or None))


if __name__ == "__main__":
    main()
