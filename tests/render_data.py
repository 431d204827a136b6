"""A realistic week of briefing data for the render tests: two sides, five stories, eleven
statements, three contrasts (one a gap), six feeds (one failing, one paused), and hostile text in
the places feed text can reach (summaries, titles, quotes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from briefing.config import Audience, Config
from briefing.models import (
    Briefing,
    Changes,
    Contrast,
    Coverage,
    FeedResult,
    Item,
    Manifest,
    Position,
    RunInfo,
    Statement,
    StatementKind,
    Story,
    StorySource,
    Usage,
    Window,
)

US, CN = "United States", "China"
SCRIPT_QUOTE = 'Prices must hold <script>alert("x")</script> for allies'
TEMPLATE_TITLE = "Reference prices {{ 7*7 }} debated at ministerial"
HOSTILE_HTML = (
    '<p>Wire copy <a rel="attachment" href="file:///etc/passwd">notes</a>'
    '<img src="http://169.254.169.254/latest/meta-data/"></p>'
    '<link rel="stylesheet" href="file:///etc/hostname"><style>@import url(file:///etc/hosts);</style>'
    '<script>alert("x")</script>'
)


def _t(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 2, day, hour, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- fixture data


def make_briefing() -> Briefing:
    """A realistic week: two sides, five stories, eleven statements, three contrasts (one gap)."""
    items = [
        Item(
            id="i-state-01",
            feed="State Dept",
            guid="state-1",
            source="U.S. Department of State",
            source_kind="government",
            published=_t(4, 15),
            title="Secretary hosts Critical Minerals Ministerial with 54 partner countries",
            url="https://www.state.gov/releases/2026/02/critical-minerals-ministerial",
            summary="The ministerial launched FORGE and discussed reference prices.",
            text="Officials discussed reference prices and offtake agreements.",
        ),
        Item(
            id="i-state-02",
            feed="Google News: minerals",
            guid="gn-1",
            source="Mining Weekly",
            source_kind="news_search",
            published=_t(4, 18),
            title="Ministerial ends with eleven new bilateral frameworks",
            url="https://www.miningweekly.com/article/ministerial-frameworks-2026-02-04",
            summary="Syndicated report of the ministerial.",
        ),
        Item(
            id="i-ustr-01",
            feed="USTR",
            guid="ustr-1",
            source="USTR",
            source_kind="government",
            published=_t(4, 20),
            title="United States and Mexico adopt 60-day Action Plan on Critical Minerals",
            url="https://ustr.gov/about/policy-offices/press-office/press-releases/2026/february/us-mexico-action-plan",
            summary="The plan explores border-adjusted price floors.",
        ),
        Item(
            id="i-xinhua-01",
            feed="Xinhua",
            guid="xh-1",
            source="Xinhua",
            source_kind="state_media",
            published=_t(5, 3),
            title="Foreign ministry: China's position on export controls remains unchanged",
            url="https://english.news.cn/20260205/export-controls-position/c.html",
            summary="Spokesperson urged a constructive role.",
        ),
        Item(
            id="i-gt-01",
            feed="Global Times",
            guid="gt-1",
            source="Global Times",
            source_kind="state_media",
            published=_t(5, 11),
            title="Commentary: 'small-circle' mineral rules will not hold",
            url="https://www.globaltimes.cn/page/202602/small-circle-rules.shtml",
            summary="Commentary quoting a trade researcher.",
        ),
        Item(
            id="i-wire-01",
            feed="Wire search",
            guid="wire-1",
            source="Reuters",
            source_kind="wire",
            published=_t(6, 8),
            title=TEMPLATE_TITLE,
            url="https://www.reuters.com/markets/commodities/reference-prices-debated-2026-02-06/",
            summary="Delegates debated price floors. " + HOSTILE_HTML,
            summary_html=HOSTILE_HTML,
            text="Delegates debated price floors. " + HOSTILE_HTML,
        ),
    ]
    stories = [
        Story(
            id="s-ministerial",
            title=items[0].title,
            url=items[0].url,
            source=items[0].source,
            source_kind="government",
            published=items[0].published,
            summary="Fifty-four countries and the European Commission met in Washington; the United "
            "States launched FORGE and proposed reference prices enforced through adjustable tariffs.",
            item_ids=["i-state-01", "i-state-02"],
            sources=[
                StorySource(
                    item_id="i-state-01",
                    feed="State Dept",
                    source=items[0].source,
                    url=items[0].url,
                    published=items[0].published,
                ),
                StorySource(
                    item_id="i-state-02",
                    feed="Google News: minerals",
                    source="Mining Weekly",
                    url=items[1].url,
                    published=items[1].published,
                ),
            ],
            topics=["price_floors", "stockpiles"],
            minerals=["rare earths"],
            sides=[US],
        ),
        Story(
            id="s-mexico",
            title=items[2].title,
            url=items[2].url,
            source="USTR",
            source_kind="government",
            published=items[2].published,
            summary="A 60-day plan to choose minerals, explore border-adjusted price floors and consult "
            "on a plurilateral agreement.",
            item_ids=["i-ustr-01"],
            topics=["price_floors"],
            sides=[US],
        ),
        Story(
            id="s-mfa",
            title=items[3].title,
            url=items[3].url,
            source="Xinhua",
            source_kind="state_media",
            published=items[3].published,
            summary="The foreign ministry said China's position was unchanged and urged a constructive role.",
            item_ids=["i-xinhua-01"],
            topics=["export_controls", "price_floors"],
            sides=[CN],
        ),
        Story(
            id="s-commentary",
            title=items[4].title,
            url=items[4].url,
            source="Global Times",
            source_kind="state_media",
            published=items[4].published,
            summary="State-media commentary rejecting exclusive supply-chain clubs.",
            item_ids=["i-gt-01"],
            topics=["export_controls"],
            sides=[CN],
        ),
        Story(
            id="s-wire",
            title=items[5].title,
            url=items[5].url,
            source="Reuters",
            source_kind="wire",
            published=items[5].published,
            summary="Delegates debated floors. " + HOSTILE_HTML,
            item_ids=["i-wire-01"],
            topics=["price_floors"],
            sides=[US, CN],
        ),
    ]

    def st(
        n: int,
        story: str,
        item: str,
        speaker: str,
        title: str,
        org: str,
        side: str | None,
        quote: str,
        topic: str,
        *,
        kind: StatementKind = "direct",
        verified: bool = True,
    ) -> Statement:
        return Statement(
            id=f"st-{n:02d}",
            story_id=story,
            item_id=item,
            speaker=speaker,
            speaker_title=title,
            organization=org,
            side=side,
            resolved_by="alias" if side else "unknown",
            kind=kind,
            quote=quote,
            claim=quote,
            start=0,
            end=len(quote),
            topic=topic,
            verified=verified,
            url=next(i.url for i in items if i.id == item),
        )

    statements = [
        st(
            1,
            "s-ministerial",
            "i-state-01",
            "Dana Whitcombe",
            "Under Secretary for Economic Affairs",
            "Department of State",
            US,
            "A reference price that acts as a floor gives producers outside China a reason to invest.",
            "price_floors",
        ),
        st(
            2,
            "s-mexico",
            "i-ustr-01",
            "Marcus Ellery",
            "Deputy Trade Representative",
            "USTR",
            US,
            "We will use the next sixty days to identify the minerals and test border-adjusted floors.",
            "price_floors",
        ),
        st(
            3,
            "s-wire",
            "i-wire-01",
            "Priya Raman",
            "Assistant Secretary",
            "Department of Energy",
            US,
            SCRIPT_QUOTE,
            "price_floors",
        ),
        st(
            4,
            "s-ministerial",
            "i-state-01",
            "Tom Haldane",
            "Senior official",
            "Department of Commerce",
            US,
            "Licensing regimes abroad cannot be allowed to set the price of our defence supply chain.",
            "export_controls",
            kind="indirect",
        ),
        st(
            5,
            "s-ministerial",
            "i-state-02",
            "Dana Whitcombe",
            "Under Secretary for Economic Affairs",
            "Department of State",
            US,
            "Project Vault gives us a stockpile that can stand behind offtake agreements.",
            "stockpiles",
        ),
        st(
            6,
            "s-mfa",
            "i-xinhua-01",
            "Liu Wenhai",
            "Foreign Ministry spokesperson",
            "Ministry of Foreign Affairs",
            CN,
            "Price arrangements built by a small circle distort the market and will not last.",
            "price_floors",
        ),
        st(
            7,
            "s-mfa",
            "i-xinhua-01",
            "Liu Wenhai",
            "Foreign Ministry spokesperson",
            "Ministry of Foreign Affairs",
            CN,
            "China's position on export controls is consistent and has not changed.",
            "export_controls",
        ),
        st(
            8,
            "s-commentary",
            "i-gt-01",
            "Zhao Ming",
            "Spokesperson",
            "Ministry of Commerce",
            CN,
            "Export licensing is applied in accordance with law and is not aimed at any country.",
            "export_controls",
        ),
        st(
            9,
            "s-commentary",
            "i-gt-01",
            "Chen Yufei",
            "Researcher",
            "Chinese Academy of International Trade and Economic Cooperation",
            CN,
            "Exclusive clubs raise costs for everyone, including the countries that join them.",
            "price_floors",
            verified=False,
        ),
        st(
            10,
            "s-wire",
            "i-wire-01",
            "a delegate",
            "",
            "",
            None,
            "Several delegations asked who would pay for the floor.",
            "price_floors",
            kind="indirect",
        ),
        st(
            11,
            "s-mexico",
            "i-ustr-01",
            "Marcus Ellery",
            "Deputy Trade Representative",
            "USTR",
            US,
            "Mexico and the United States will consult partners on a binding plurilateral agreement.",
            "price_floors",
        ),
    ]
    contrasts = [
        Contrast(
            topic="price_floors",
            label="Price floors and reference prices",
            positions=[
                Position(side=US, statement_ids=["st-02", "st-01", "st-03", "st-11"]),
                Position(side=CN, statement_ids=["st-06", "st-09"]),
            ],
        ),
        Contrast(
            topic="export_controls",
            label="Export controls",
            positions=[
                Position(side=US, statement_ids=["st-04"]),
                Position(side=CN, statement_ids=["st-07", "st-08"]),
            ],
        ),
        Contrast(
            topic="stockpiles",
            label="Stockpiling",
            gap=True,
            positions=[
                Position(side=US, statement_ids=["st-05"]),
            ],
        ),
    ]
    feeds = [
        FeedResult(
            name="State Dept",
            url="https://www.state.gov/rss-feed/press-releases/feed/",
            kind="government",
            status="ok",
            items=20,
            new=2,
        ),
        FeedResult(
            name="USTR", url="https://ustr.gov/rss.xml", kind="government", status="ok", items=10, new=1
        ),
        FeedResult(
            name="Xinhua",
            url="https://rsshub.example.org/xinhua",
            kind="state_media",
            status="not_modified",
            items=30,
        ),
        FeedResult(
            name="Global Times",
            url="https://www.globaltimes.cn/rss/outbrain.xml",
            kind="state_media",
            status="ok",
            items=15,
            new=1,
        ),
        FeedResult(
            name="Mining.com",
            url="https://www.mining.com/feed/",
            kind="trade_press",
            status="error",
            error="HTTP 403 Forbidden (Cloudflare challenge)",
        ),
        FeedResult(
            name="METI",
            url="https://www.meti.go.jp/ml_index_release_atom.xml",
            kind="government",
            status="paused",
            error="paused after 5 consecutive failures: timeout after 20 s",
        ),
    ]
    return Briefing(
        title="Critical minerals policy briefing",
        run=RunInfo(
            id="r-20260206-0700",
            created=datetime(2026, 2, 6, 7, 0, tzinfo=UTC),
            window=Window(since=_t(1, 0), until=_t(6, 7)),
            backend="offline",
            model=None,
            usage=Usage(),
            version="0.1.0",
        ),
        feeds=feeds,
        stories=stories,
        statements=statements,
        contrasts=contrasts,
        items=items,
        coverage=Coverage(
            by_side={US: {"statements": 6, "stories": 3}, CN: {"statements": 4, "stories": 3}},
            by_source_kind={"government": 2, "state_media": 2, "wire": 1},
        ),
        changes=Changes(
            previous_run="r-20260130-0700",
            new_stories=["s-mfa", "s-commentary"],
            new_topics=["stockpiles"],
            new_actors=["MOFCOM"],
            quiet_actors=["METI"],
        ),
        sides=[US, CN],
        topics={
            "price_floors": "Price floors and reference prices",
            "export_controls": "Export controls",
            "stockpiles": "Stockpiling",
        },
        manifest=Manifest(
            run_id="r-20260206-0700",
            window=Window(since=_t(1, 0), until=_t(6, 7)),
            backend="offline",
            prompts={"story.j2": "ab12cd34ef56" + "0" * 52},
            feeds={f.name: f.status for f in feeds},
            statements_verified=10,
            statements_unverified=1,
            statements_dropped=3,
            stories=5,
            version="0.1.0",
        ),
        notes=["Token budget reached after 4 stories; the rest were analysed offline."],
    )


def make_config(templates: Path | None = None, **audience: Any) -> Config:
    return Config.model_validate(
        {
            "title": "Critical minerals policy briefing",
            "author": "Minerals Desk",
            "templates": templates,
            "sides": [{"name": US, "color": "#1d3f73"}, {"name": CN, "color": "#a4262c"}],
            "feeds": [{"name": "USTR", "url": "https://ustr.gov/rss.xml", "kind": "government"}],
            "topics": {"terms": ["critical minerals"]},
            "audiences": [
                {"name": "executive", "template": "executive.html.j2", **audience},
                {"name": "analyst", "template": "analyst.html.j2", "max_statements": 8},
            ],
        }
    )


def audience(config: Config, name: str) -> Audience:
    found = config.audience(name)
    assert found is not None
    return found


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def link_uris(reader: PdfReader) -> set[str]:
    uris = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


def font_names(reader: PdfReader) -> set[str]:
    """The base names of every font the PDF's pages use, subset prefixes removed."""
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font") or {}
        for ref in fonts.values():
            base = str(ref.get_object()["/BaseFont"]).lstrip("/")
            names.add(base.split("+", 1)[-1])
    return names
