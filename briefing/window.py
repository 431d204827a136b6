"""Time windows: `--since/--until` values -> UTC datetimes.

WHEN is an ISO date (`2026-02-04`), an ISO datetime (`2026-02-04T09:00`, UTC unless it
names an offset), or a span back from now (`7d`, `36h`, `2w`, `90m`). A date given to
--until includes that whole day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from briefing.errors import UsageError
from briefing.models import Window

_SPAN = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_when(value: str, now: datetime, *, end_of_day: bool = False) -> datetime:
    span = _SPAN.match(value)
    if span:
        return now - timedelta(**{_UNITS[span.group(2).lower()]: int(span.group(1))})
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            day = date.fromisoformat(value.strip())
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end_of_day else start
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(
            f"cannot read {value!r} as a time: use an ISO date (2026-02-04), a datetime "
            "(2026-02-04T09:00) or a span such as 7d or 36h"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def resolve(since: str | None, until: str | None, default_span: str, now: datetime) -> Window:
    end = parse_when(until, now, end_of_day=True) if until else now
    start = parse_when(since, now) if since else parse_when(default_span, end)
    if start >= end:
        raise UsageError(
            f"the window is empty: since {start.isoformat()} is not before until {end.isoformat()}"
        )
    return Window(since=start, until=end)
