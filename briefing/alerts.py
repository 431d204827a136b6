"""Feed alerts: sources that went quiet (stale) or were paused, written into the Briefing.

A feed is stale when its newest stored item was published more than `alerts.stale_after_days`
before the end of the window. Measuring against the window end, not the wall clock, keeps a
briefing about a past week truthful about that week.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefing.models import FeedResult
from briefing.store import Store


def latest_items(store: Store, until: datetime) -> dict[str, datetime]:
    """Feed name -> publication time of its newest item before `until`."""
    rows = store.db.execute(
        "SELECT feed, max(published) FROM items WHERE published < ? GROUP BY feed",
        (until.astimezone(UTC).isoformat(),),
    )
    return {feed: datetime.fromisoformat(latest) for feed, latest in rows if latest}


def feed_alerts(
    feeds: list[FeedResult], store: Store, until: datetime, stale_after_days: int
) -> tuple[list[FeedResult], list[str]]:
    """The feeds with `last_new_item` and `stale` filled in, and notes naming stale and paused ones."""
    latest = latest_items(store, until)
    limit = until - timedelta(days=stale_after_days)
    checked: list[FeedResult] = []
    for feed in feeds:
        last = latest.get(feed.name)
        checked.append(
            feed.model_copy(update={"last_new_item": last, "stale": last is not None and last < limit})
        )
    notes: list[str] = []
    stale = [f for f in checked if f.stale and f.last_new_item]
    if stale:
        names = ", ".join(
            f"{f.name} (last item {f.last_new_item:%d %b %Y})" for f in stale if f.last_new_item
        )
        notes.append(
            f"Stale feeds, no new item in the {stale_after_days} days before the window end: {names}."
        )
    paused = [f for f in checked if f.status == "paused"]
    if paused:
        names = ", ".join(f"{f.name} ({(f.error or '').removeprefix('paused: ')})" for f in paused)
        notes.append(f"Paused feeds, not fetched until resumed: {names}.")
    return checked, notes
