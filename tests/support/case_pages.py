"""An office for the case, registration and approval pages: an estate, its staff, a neighbour.

Also ``untranslated``: the interface messages a Chinese page still shows in English.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel.messages.pofile import read_po
from sqlalchemy import select

from engine.common.clock import FrozenClock
from engine.common.settings import PROJECT_ROOT
from engine.directory.models import User
from engine.system import System
from tests.support.cases import CaseDriver, add_contact_directory
from tests.support.people import create_estate, unit_id
from tests.support.staff import create_user

CATALOG = PROJECT_ROOT / "api" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# Who works where; every password is "<username>-pw".
STAFF = {"clerk": ("customer_service",), "supervisor": ("supervisor", "customer_service"),
         "cleaner": ("cleaning",), "manager": ("superior",)}


@dataclass(frozen=True)
class Office:
    system: System
    estate_id: int
    other_estate_id: int
    unit_a1203: int
    unit_b1204: int
    other_unit: int

    def case(self, **values: Any) -> CaseDriver:
        """Register a case on unit A-1203 of the office's estate."""
        values.setdefault("unit_id", self.unit_a1203)
        return CaseDriver.register(self.system, **values)


def open_office(system: System, clock: FrozenClock) -> Office:
    """The shipped processes' office: Harmony Gardens with its staff, and a neighbour estate."""
    add_contact_directory(system)
    estate = create_estate(system, "Harmony Gardens", buildings=("A", "B"),
                           units=("1203", "1204", "803"))
    other = create_estate(system, "Other Court", buildings=("A",), units=("1203",))
    for username, roles in STAFF.items():
        add_staff(system, clock, username, roles, estate.id)
    add_staff(system, clock, "outsider", ("supervisor", "customer_service"), other.id)
    return Office(system, estate.id, other.id, unit_id(system, estate, "A", "1203"),
                  unit_id(system, estate, "B", "1204"), unit_id(system, other, "A", "1203"))


def add_staff(system: System, clock: FrozenClock, username: str, roles: tuple[str, ...],
              estate_id: int | None) -> None:
    with system.sessions() as session:
        user = create_user(session, clock, username, roles=roles, display_name=username)
        user.estate_id = estate_id
        session.commit()


def user_named(system: System, username: str) -> User:
    with system.sessions() as session:
        return session.scalars(select(User).where(User.username == username)).one()


def diagram_data(page: str, index: int) -> dict[str, Any]:
    """The data block a case page's diagram is drawn from."""
    match = re.search(rf'<script type="application/json" id="diagram-data-{index}">(.*?)</script>',
                      page, re.S)
    assert match, f"no diagram data block {index}"
    data: dict[str, Any] = json.loads(match.group(1))
    return data


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, no tags, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@cache
def _english_messages() -> tuple[str, ...]:
    """Literal parts of every message whose Chinese differs, long enough to be telling."""
    with CATALOG.open("rb") as po:
        catalog = read_po(po, locale="zh")
    parts = set()
    for message in catalog:
        if not (message.id and isinstance(message.id, str) and message.string
                and message.string != message.id):
            continue
        for part in re.split(r"%\(\w+\)[sd]", message.id):
            if len(part.strip()) >= 4:
                parts.add(part.strip())
    return tuple(sorted(parts))


def untranslated(page: str) -> list[str]:
    """The interface messages still in English on a page that should be all Chinese.

    The forms' own field titles and answers (``process-text``) are bilingual as the
    process owner wrote them, and are not interface messages.
    """
    text = visible_text(re.sub(r'<(dt|dd) class="process-text">.*?</\1>', " ", page,
                               flags=re.S))
    return [m for m in _english_messages() if re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])",
                                                        text)]
