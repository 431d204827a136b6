"""Story selection: relevance by topic terms and merging of duplicates."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing import config as config_module
from briefing.models import Item
from briefing.select import matcher, select_stories
from briefing.window import resolve

BASE = datetime(2026, 2, 4, 8, tzinfo=UTC)


def make_item(
    n: int,
    title: str,
    text: str = "",
    *,
    url: str | None = None,
    feed: str = "wire",
    kind: str = "wire",
    hours: int = 0,
) -> Item:
    return Item(
        id=f"i-{n:012d}",
        feed=feed,
        guid=str(n),
        title=title,
        url=url or f"https://example.org/{n}",
        source=feed,
        source_kind=kind,
        published=BASE + timedelta(hours=hours),
        text=text,
    )


def config(terms: list[str], exclude: list[str] | None = None) -> config_module.Config:
    return config_module.parse(
        {
            "feeds": [{"name": "wire", "url": "https://example.org/feed", "kind": "wire"}],
            "topics": {"terms": terms, "exclude": exclude or []},
            "audiences": [{"name": "e", "template": "executive.html.j2"}],
        },
        Path("config.toml"),
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Critical minerals dominate the agenda", ["critical mineral"]),
        ("new export-controlled items", ["export control"]),
        ("商务部宣布对稀土实施出口管制", ["稀土"]),
        ("REE output rose", ["REE"]),
        ("Free trade and reed baskets", []),
        ("the rare-earths market", ["rare earth"]),
        ("mineralogy lecture", []),
    ],
)
def test_terms_match_inflections_scripts_and_acronyms(text: str, found: list[str]) -> None:
    find = matcher(["critical mineral", "export control", "稀土", "REE", "rare earth"])
    assert find(text) == found


def test_off_topic_and_excluded_items_are_dropped() -> None:
    items = [
        make_item(1, "Gallium export controls tightened"),
        make_item(2, "Dairy tariffs discussed", "Cheese and milk quotas."),
        make_item(3, "Gallium quiz night", "A pub quiz about gallium."),
    ]
    stories = select_stories(items, config(["gallium"], exclude=["quiz"]))
    assert [s.item_ids for s in stories] == [["i-000000000001"]]


def test_syndicated_copies_and_duplicates_merge_into_one_story() -> None:
    body = (
        "China's commerce ministry said on Wednesday it would keep licensing requirements for gallium and "
        "germanium exports in place, while officials in Washington called the controls coercive and vowed "
        "to build alternative supply chains with partners in Europe and Japan over the coming months."
    )
    items = [
        make_item(
            1, "China keeps gallium licences", body, feed="wire", url="https://wire.example/a?utm_source=x"
        ),
        make_item(
            2,
            "China keeps gallium licences - Global Times",
            "Source: Xinhua. " + body,
            feed="gt",
            kind="state_media",
            hours=2,
        ),
        make_item(
            3,
            "Gallium: Beijing keeps licensing",
            body[:200] + " Analysts expect little change.",
            feed="trade",
            kind="trade_press",
            hours=3,
        ),
        make_item(
            4,
            "Different story about gallium prices",
            "Gallium prices rose 4% in Rotterdam trading.",
            feed="trade",
            kind="trade_press",
        ),
        make_item(5, "Same link, other title on gallium", "short", url="https://example.org/4", feed="other"),
    ]
    stories = select_stories(items, config(["gallium"]))
    groups = sorted(sorted(s.item_ids) for s in stories)
    assert groups == [
        ["i-000000000001", "i-000000000002", "i-000000000003"],
        ["i-000000000004", "i-000000000005"],
    ]
    merged = next(s for s in stories if len(s.item_ids) == 3)
    assert {src.feed for src in merged.sources} == {"wire", "gt", "trade"}


def test_dedup_scales_without_merging_distinct_stories() -> None:
    vocabulary = [f"word{k}" for k in range(400)]
    items = []
    for n in range(1500):
        # Distinct texts drawn from one shared vocabulary, as a week of minerals news is.
        text = " ".join(random.Random(n).choices(vocabulary, k=80))
        items.append(make_item(n, f"Lithium report number {n}", "lithium " + text))
    stories = select_stories(items, config(["lithium"]))
    assert len(stories) == 1500


def test_window_spans_dates_and_errors() -> None:
    now = datetime(2026, 2, 20, 12, tzinfo=UTC)
    window = resolve("2026-02-01", "2026-02-07", "7d", now)
    assert window.since == datetime(2026, 2, 1, tzinfo=UTC)
    assert window.until == datetime(2026, 2, 8, tzinfo=UTC)
    assert resolve("36h", None, "7d", now).since == now - timedelta(hours=36)
    assert resolve(None, None, "7d", now).since == now - timedelta(days=7)
    with pytest.raises(Exception, match="cannot read"):
        resolve("last tuesday", None, "7d", now)
    with pytest.raises(Exception, match="empty"):
        resolve("2026-02-10", "2026-02-01", "7d", now)
