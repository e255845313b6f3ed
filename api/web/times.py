"""Times as office staff read them: on the office clock, and "2 h ago" beside the exact time."""

from __future__ import annotations

from datetime import datetime, tzinfo

from flask import Flask
from flask_babel import format_datetime, gettext

from api.web.database import system

__all__ = ["init_app", "local_time", "office_time", "relative_time"]

MINUTE, HOUR, DAY = 60, 3600, 86400


def local_time(moment: datetime | None) -> str:
    """The instant on the office's clock (``LIAISON_TIMEZONE``), to the minute."""
    return format_datetime(moment, "yyyy-MM-dd HH:mm") if moment is not None else ""


def office_time(moment: datetime, zone: tzinfo) -> str:
    """An instant on the office's clock with its offset and zone, as the command prints it.

    A terminal may be anywhere: the offset keeps the line unambiguous; the zone says whose
    clock it is.
    """
    local = moment.astimezone(zone)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {offset[:3]}:{offset[3:]} ({getattr(zone, 'key', zone)})"


def relative_time(moment: datetime | None) -> str:
    """How long ago or how soon ``moment`` is, counted on the engine's clock."""
    if moment is None:
        return ""
    seconds = (moment - system().rt.clock.now()).total_seconds()
    past, span = seconds < 0, abs(seconds)
    if span < MINUTE:
        return gettext("just now")
    if span < HOUR:
        n = int(span // MINUTE)
        return gettext("%(n)d min ago", n=n) if past else gettext("in %(n)d min", n=n)
    if span < 2 * DAY:
        n = int(span // HOUR)
        return gettext("%(n)d h ago", n=n) if past else gettext("in %(n)d h", n=n)
    n = int(span // DAY)
    return gettext("%(n)d d ago", n=n) if past else gettext("in %(n)d d", n=n)


def init_app(app: Flask) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(relative_time, "relative_time")
