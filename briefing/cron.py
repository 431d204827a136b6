"""Crontab expressions -> APScheduler triggers, systemd OnCalendar lines and fire times.

Schedules are written in standard crontab syntax (`minute hour day month weekday`, or `@daily`,
`@weekly` ...). Two differences between cron and APScheduler 3.x would silently move a run:

- APScheduler 3 counts weekdays from Monday = 0, cron from Sunday = 0 (APScheduler issue 286),
  so `0 7 * * 1` would fire on Tuesdays. Weekday numbers are therefore translated to names.
- cron fires when the day of month OR the weekday matches (when both are restricted),
  APScheduler when both match. Such expressions are refused instead of guessed.

Only the portable subset is accepted (`*`, numbers, names, `a-b`, `,` and `/step`), so that the
same expression can be handed to cron and turned into a systemd OnCalendar line.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SHORTCUTS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}
# field name, lowest value, highest value, names (index = value - offset)
_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("weekday", 0, 7),
)
_ITEM = re.compile(r"^(?:(\*)|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:/(\d+))?$")


class CronError(ValueError):
    pass


def _value(token: str, field: str, low: int, high: int) -> int:
    if token.isdigit():
        number = int(token)
    elif field == "month" and token[:3] in MONTHS and len(token) == 3:
        number = MONTHS.index(token) + 1
    elif field == "weekday" and token[:3] in DAYS and len(token) == 3:
        number = DAYS.index(token)
    else:
        raise CronError(f"{field}: {token!r} is not a value")
    if not low <= number <= high:
        raise CronError(f"{field}: {number} is outside {low}-{high}")
    return number


def _expand(text: str, field: str, low: int, high: int) -> list[int] | None:
    """The values a field matches, or None for `*` (every value)."""
    if text == "*":
        return None
    values: set[int] = set()
    for item in text.split(","):
        match = _ITEM.match(item)
        if not match:
            raise CronError(f"{field}: cannot read {item!r}")
        star, first, last, step = match.groups()
        if star:
            start, end = low, high
        else:
            start = _value(first, field, low, high)
            end = _value(last, field, low, high) if last else (high if step else start)
        if end < start:
            raise CronError(f"{field}: range {item!r} runs backwards")
        values.update(range(start, end + 1, int(step) if step else 1))
    if field == "weekday":
        values = {v % 7 for v in values}
    return sorted(values)


def fields(expression: str) -> list[list[int] | None]:
    """The five fields of a crontab expression, each a sorted value list or None for `*`."""
    text = SHORTCUTS.get(expression.strip().lower(), expression.strip().lower())
    parts = text.split()
    if len(parts) != 5:
        raise CronError(f"{expression!r}: a crontab expression has 5 fields, not {len(parts)}")
    expanded = [_expand(part, *spec) for part, spec in zip(parts, _FIELDS, strict=True)]
    if expanded[2] is not None and expanded[4] is not None:
        raise CronError(
            f"{expression!r}: restricting both the day of month and the weekday means 'either' in cron "
            "and 'both' in most schedulers; schedule the two separately"
        )
    return expanded


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"unknown time zone {name!r} (use an IANA name such as Europe/London)") from None


def trigger(expression: str, timezone: str = "UTC") -> CronTrigger:
    parsed = fields(expression)
    minute, hour, day, month, weekday = ("*" if v is None else ",".join(map(str, v)) for v in parsed)
    if parsed[4] is not None:
        weekday = ",".join(DAYS[v] for v in parsed[4])  # names: APScheduler's numbers start on Monday
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=weekday, timezone=zone(timezone)
    )


def on_calendar(expression: str, timezone: str = "UTC") -> str:
    """The systemd OnCalendar= value that fires at the same moments as the crontab expression."""
    minute, hour, day, month, weekday = fields(expression)
    zone(timezone)

    def join(values: list[int] | None, width: int = 2) -> str:
        return "*" if values is None else ",".join(f"{v:0{width}d}" for v in values)

    when = f"*-{join(month)}-{join(day)} {join(hour)}:{join(minute)}:00 {timezone}"
    if weekday is None:
        return when
    return ",".join(DAYS[v].capitalize() for v in weekday) + " " + when


def next_fire(cron: CronTrigger, after: datetime) -> datetime:
    """The first fire time strictly after `after`."""
    fire = cron.get_next_fire_time(None, after + timedelta(microseconds=1))
    if fire is None:  # pragma: no cover - a crontab expression always fires again
        raise CronError("the schedule never fires again")
    result: datetime = fire
    return result


def latest_fire(cron: CronTrigger, now: datetime) -> datetime | None:
    """The last fire time at or before `now` (None if there was none in the past 400 days)."""
    # Look back a little first: walking forward from a year ago is slow for frequent schedules.
    for lookback in (
        timedelta(hours=2),
        timedelta(days=2),
        timedelta(days=9),
        timedelta(days=63),
        timedelta(days=400),
    ):
        fire = cron.get_next_fire_time(None, now - lookback)
        if fire is None or fire > now:
            continue
        while (following := next_fire(cron, fire)) <= now:
            fire = following
        result: datetime = fire
        return result
    return None
