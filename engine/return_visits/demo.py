"""The demo office's last month: work orders completed over the departments, some from
complaints, so a new user can open this month's round of return visits at once."""

from __future__ import annotations

import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.directory.models import Estate
from engine.return_visits.history import add_month_of_orders
from engine.return_visits.models import CallScript
from engine.return_visits.orders import Month
from engine.workflow.runtime import Runtime

__all__ = ["DEMO_CALL_SCRIPT", "DEMO_ORDERS", "add_last_month"]

DEMO_ORDERS = 64
DEMO_COMPLAINT_SHARE = 0.35
DEMO_SEED = 2026
# The demo estate's call script, as its supervisor would write it for owners.
DEMO_CALL_SCRIPT = ("您好，我是和諧花園管理處客服，想了解上月為您處理的派工單：問題是否已解決？"
                    "您對處理是否滿意？還有甚麼需要我們改進？")


def add_last_month(session: Session, rt: Runtime) -> int:
    """Add last month's completed work orders (office time) and the estate's call script;
    how many orders were added."""
    month = Month.of(rt.clock.now(), rt.office_zone).previous
    estate = session.scalars(select(Estate).order_by(Estate.id)).first()
    if estate is not None and session.get(CallScript, estate.id) is None:
        session.add(CallScript(estate_id=estate.id, text=DEMO_CALL_SCRIPT, updated_by=None,
                               updated_at=rt.clock.now()))
    return len(add_month_of_orders(session, month=month, zone=rt.office_zone,
                                   orders=DEMO_ORDERS, complaint_share=DEMO_COMPLAINT_SHARE,
                                   rng=random.Random(DEMO_SEED)))
