"""Data-driven feed fixtures: tests/data/feeds/NAME.xml beside NAME.expected.json.

The expected files were written from the parser's output and checked by hand; after a
deliberate change, regenerate them with `python -m tests.regen_feeds` and read the diff.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.sources.parse import parse_document

FEEDS = Path(__file__).parent / "data" / "feeds"
NOW = datetime(2026, 2, 10, tzinfo=UTC)


def parse_fixture(path: Path) -> list[dict[str, object]]:
    parsed = parse_document(
        path.read_bytes(),
        {"content-type": "application/rss+xml"},
        feed="fixture",
        feed_url=f"https://feeds.example/{path.name}",
        kind="wire",
        now=NOW,
    )
    return [
        {
            "title": i.title,
            "url": i.url,
            "source": i.source,
            "published": i.published.isoformat(),
            "published_raw": i.published_raw,
            "flags": i.flags,
            "text": i.text,
            "guid": i.guid,
        }
        for i in parsed.items
    ]


@pytest.mark.parametrize("path", sorted(FEEDS.glob("*.xml")), ids=lambda p: p.stem)
def test_feed_fixture(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert parse_fixture(path) == expected


def test_hostile_markup_is_gone_from_text_and_html() -> None:
    parsed = parse_document(
        (FEEDS / "rss2-basic.xml").read_bytes(),
        {},
        feed="f",
        feed_url="https://x.example/",
        kind="wire",
        now=NOW,
    )
    for item in parsed.items:
        assert "<script" not in item.summary_html and "alert(1)" not in item.text


@pytest.mark.parametrize("name", ["xxe.xml", "billion-laughs.xml"])
def test_entities_are_never_expanded(name: str) -> None:
    items = parse_fixture(FEEDS / name)
    text = json.dumps(items)
    assert "root:" not in text
    assert "lollol" not in text
