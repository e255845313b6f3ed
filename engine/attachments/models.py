"""One attached file: the row says whose it is and what it is; the bytes live in a ``Storage``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.common.db import Base, BigId

__all__ = ["Attachment"]


class Attachment(Base):
    """A photo or scanned letter on a case, perhaps on one of its work orders or tasks."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), index=True)
    # The task (a visit, a repair step) whose page it was attached on; tasks end, so no key.
    task_id: Mapped[str | None] = mapped_column(String(36))
    original_name: Mapped[str] = mapped_column(String(255))  # shown, never used as a path
    content_type: Mapped[str] = mapped_column(String(100))  # read from the bytes, not the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(100), unique=True)
    uploaded_by: Mapped[str | None] = mapped_column(String(150))
    uploaded_at: Mapped[datetime]
