"""Rendering: templates, escaping, the locked-down PDF fetcher, metadata and atomic writes.

Every test goes through the public functions in briefing.render and reads the PDFs back with
pypdf rather than trusting that a file exists.
"""

from __future__ import annotations

import logging
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from weasyprint.urls import URLFetcherResponse

from briefing.config import Audience, Config
from briefing.errors import RenderError
from briefing.models import (
    Briefing,
    Changes,
    Contrast,
    Coverage,
    FeedResult,
    Item,
    Position,
    RunInfo,
    Statement,
    StatementKind,
    Story,
    StorySource,
    Usage,
    Window,
)
from briefing.render import (
    SafeFetcher,
    escape_markdown,
    render_html,
    render_markdown,
    render_pdf,
    template_dirs,
    write_pdf,
    write_text_atomic,
)
from briefing.resources import default_dir, search_path

US, CN = "United States", "China"
SCRIPT_QUOTE = 'Prices must hold <script>alert("x")</script> for allies'
TEMPLATE_TITLE = "Reference prices {{ 7*7 }} debated at ministerial"
HOSTILE_HTML = (
    '<p>Wire copy <a rel="attachment" href="file:///etc/passwd">notes</a>'
    '<img src="http://169.254.169.254/latest/meta-data/"></p>'
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


@pytest.fixture
def briefing() -> Briefing:
    return make_briefing()


@pytest.fixture
def config() -> Config:
    return make_config()


def _audience(config: Config, name: str) -> Audience:
    audience = config.audience(name)
    assert audience is not None
    return audience


class SpyFetcher(SafeFetcher):
    """Records every URL WeasyPrint asks for, and whether it was served."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(roots)
        self.calls: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            response = super().fetch(url, headers)
        except BaseException:
            self.calls.append((url, "refused"))
            raise
        self.calls.append((url, "served"))
        return response


@pytest.fixture
def no_weasyprint_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """WeasyPrint reports CSS and fetch problems by logging; a clean render logs none."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        yield
    problems = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert problems == []


def _pdf(html: str, path: Path, config: Config, fetcher: SafeFetcher | None = None) -> PdfReader:
    write_pdf(
        html,
        path,
        title="Critical minerals policy briefing",
        author="Minerals Desk",
        subject="Executive brief, 1-6 Feb 2026",
        keywords=["critical minerals", "price floors"],
        templates=template_dirs(config),
        url_fetcher=fetcher,
    )
    return PdfReader(path)


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _link_uris(reader: PdfReader) -> set[str]:
    uris = set()
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.add(str(action["/URI"]))
    return uris


def _raw(path: Path) -> bytes:
    return path.read_bytes()


# --------------------------------------------------------------------------- resources


def test_default_templates_folder_holds_the_bundled_templates() -> None:
    folder = default_dir("templates")
    for name in ("base.html.j2", "executive.html.j2", "analyst.html.j2", "briefing.md.j2", "style.css"):
        assert (folder / name).is_file(), name


def test_search_path_puts_the_user_folder_first(tmp_path: Path) -> None:
    assert search_path("templates", tmp_path) == [tmp_path.resolve(), default_dir("templates").resolve()]
    assert search_path("templates", None) == [default_dir("templates").resolve()]


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("audience", ["executive", "analyst"])
def test_feed_text_is_escaped_in_html(briefing: Briefing, config: Config, audience: str) -> None:
    # The executive brief shows each side's lead statement only: make the hostile one lead.
    briefing.statements[1].quote = SCRIPT_QUOTE
    html = render_html(briefing, _audience(config, audience), config)
    assert "<script" not in html
    assert "&lt;script&gt;alert(" in html
    if audience == "analyst":  # story summaries and item titles carry the other payloads
        assert 'rel="attachment"' not in html and "<img" not in html
        assert "&lt;a rel=&#34;attachment&#34;" in html


def test_template_syntax_in_data_renders_literally(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, _audience(config, "analyst"), config)
    assert TEMPLATE_TITLE in html
    assert "Reference prices 49" not in html
    markdown = render_markdown(briefing, _audience(config, "analyst"), config)
    assert "Reference prices {{ 7\\*7 }} debated" in markdown
    assert "Reference prices 49" not in markdown


def test_markdown_escapes_feed_text(briefing: Briefing, config: Config) -> None:
    markdown = render_markdown(briefing, _audience(config, "executive"), config)
    assert "\\<script\\>" in markdown
    assert "\\<img" in markdown
    assert re.search(r"(?<!\\)<(?!https://)", markdown) is None  # every "<" escaped but link targets
    assert "| Topic |" in markdown
    assert "> “" in markdown  # statements as block quotes
    assert "[Secretary hosts Critical Minerals Ministerial" in markdown
    assert "(<https://www.state.gov/releases/2026/02/critical-minerals-ministerial>)" in markdown


def test_escape_markdown_neutralises_structure() -> None:
    assert escape_markdown("# Title\n\n- item | x") == "\\# Title - item \\| x"
    assert escape_markdown("- item\n> quote") == "\\- item \\> quote"
    assert escape_markdown("1. first") == "1\\. first"
    assert escape_markdown("[link](javascript:alert(1))") == "\\[link\\](javascript:alert(1))"
    assert escape_markdown("<b>&amp;</b>") == "\\<b\\>\\&amp;\\</b\\>"


def test_only_http_links_become_anchors(briefing: Briefing, config: Config) -> None:
    bad = ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,<script>x</script>"]
    briefing.items[0].url = bad[0]
    briefing.stories[0].url = bad[1]
    briefing.stories[0].sources[1].url = bad[2]
    for statement in briefing.statements:
        if statement.item_id == "i-state-01":
            statement.url = bad[1]
    html = render_html(briefing, _audience(config, "analyst"), config)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h == "style.css" or h.startswith(("https://", "#")) for h in hrefs)
    markdown = render_markdown(briefing, _audience(config, "analyst"), config)
    targets = re.findall(r"\]\(<([^>]*)>\)", markdown)
    assert targets and all(t.startswith("https://") for t in targets)


# --------------------------------------------------------------------------- PDFs


def test_executive_pdf(
    briefing: Briefing, config: Config, tmp_path: Path, no_weasyprint_warnings: None
) -> None:
    html = render_html(briefing, _audience(config, "executive"), config)
    reader = _pdf(html, tmp_path / "executive.pdf", config)
    assert 1 <= len(reader.pages) <= 2
    text = _text(reader)
    for speaker in ("Marcus Ellery", "Liu Wenhai", "Tom Haldane"):
        assert speaker in text
    assert "Bottom line" in text.replace("BOTTOM LINE", "Bottom line")
    assert "UNCLASSIFIED" in reader.pages[0].extract_text()
    assert f"Page 1 of {len(reader.pages)}" in reader.pages[0].extract_text()
    uris = _link_uris(reader)
    assert (
        "https://ustr.gov/about/policy-offices/press-office/press-releases/2026/february/us-mexico-action-plan"
        in uris
    )
    assert "https://english.news.cn/20260205/export-controls-position/c.html" in uris
    assert all(u.startswith("https://") for u in uris)
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Critical minerals policy briefing"
    assert meta.author == "Minerals Desk"
    assert meta.subject == "Executive brief, 1-6 Feb 2026"
    assert "price floors" in str(meta.get("/Keywords"))


def test_analyst_pdf(
    briefing: Briefing, config: Config, tmp_path: Path, no_weasyprint_warnings: None
) -> None:
    html = render_html(briefing, _audience(config, "analyst"), config)
    reader = _pdf(html, tmp_path / "analyst.pdf", config)
    assert len(reader.pages) >= 3
    text = _text(reader)
    for speaker in ("Dana Whitcombe", "Priya Raman", "Liu Wenhai", "Zhao Ming", "Chen Yufei"):
        assert speaker in text
    assert "HTTP 403 Forbidden" in text  # feed health
    assert "r-20260206-0700" in text  # colophon
    assert TEMPLATE_TITLE in " ".join(text.split())
    uris = _link_uris(reader)
    assert {i.url for i in briefing.items} <= uris  # the appendix links every source item
    top, children = reader.outline[0], reader.outline[1]
    assert isinstance(top, Destination) and top.title == "Critical minerals policy briefing"
    assert isinstance(children, list)
    assert "Positions by topic" in [c.title for c in children if isinstance(c, Destination)]


def test_bundled_css_loads_through_the_fetcher(briefing: Briefing, config: Config, tmp_path: Path) -> None:
    fetcher = SpyFetcher(template_dirs(config))
    html = render_html(briefing, _audience(config, "executive"), config)
    reader = _pdf(html, tmp_path / "brief.pdf", config, fetcher)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 from style.css
    assert [(u.rsplit("/", 1)[-1], outcome) for u, outcome in fetcher.calls] == [("style.css", "served")]


def test_hostile_feed_html_cannot_fetch_or_embed(briefing: Briefing, config: Config, tmp_path: Path) -> None:
    fetcher = SpyFetcher(template_dirs(config))
    html = render_html(briefing, _audience(config, "analyst"), config)
    path = tmp_path / "analyst.pdf"
    reader = _pdf(html, path, config, fetcher)
    assert b"/EmbeddedFile" not in _raw(path)
    assert all(outcome == "served" and url.endswith("/style.css") for url, outcome in fetcher.calls)
    assert "root:x:0:0" not in _text(reader)


@pytest.mark.parametrize(
    "fragment",
    [
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
        '<a rel="attachment" href="../pyproject.toml">up</a>',
        '<link rel="attachment" href="file:///etc/hostname">',
        '<img src="http://169.254.169.254/latest/meta-data/">',
        '<img src="http://127.0.0.1:9/x.png">',
        "<style>@import url(file:///etc/passwd);</style>",
        '<div style="background: url(file:///dev/urandom)">x</div>',
        '<img src="style.css/../../pyproject.toml">',
        '<img src="%2e%2e/pyproject.toml">',
        '<img src="FILE:///etc/passwd">',
        '<svg><image href="file:///etc/passwd"/></svg>',
    ],
)
def test_fetcher_refuses_everything_but_templates(fragment: str, config: Config, tmp_path: Path) -> None:
    """Even raw HTML (a hostile user template) cannot reach files or the network."""
    fetcher = SpyFetcher(template_dirs(config))
    html = (
        f'<html><head><link rel="stylesheet" href="style.css"></head><body><p>x</p>{fragment}</body></html>'
    )
    path = tmp_path / "hostile.pdf"
    try:
        _pdf(html, path, config, fetcher)
    except RenderError as exc:
        assert "refused to load" in str(exc)
        assert not path.exists()
    else:
        assert b"/EmbeddedFile" not in _raw(path)
    assert all(outcome == "refused" for url, outcome in fetcher.calls if not url.endswith("/style.css"))
    assert any(outcome == "refused" for _, outcome in fetcher.calls) or "<link" in fragment


def test_fetcher_serves_data_urls_and_template_files(config: Config) -> None:
    fetcher = SafeFetcher(template_dirs(config))
    css = fetcher.fetch((default_dir("templates") / "style.css").as_uri())
    assert css.content_type == "text/css"
    assert b"size: A4" in css.read()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_pdf_metadata_created_date(tmp_path: Path, config: Config) -> None:
    data = render_pdf(
        '<html><head><link rel="stylesheet" href="style.css"></head><body><h1>x</h1></body></html>',
        title="T",
        author="A",
        created=datetime(2026, 2, 6, 7, 0, tzinfo=UTC),
        templates=template_dirs(config),
    )
    path = tmp_path / "m.pdf"
    path.write_bytes(data)
    meta = PdfReader(path).metadata
    assert meta is not None and meta.creation_date == datetime(2026, 2, 6, 7, 0, tzinfo=UTC)
    assert meta.creator == "briefing 0.1.0"


# --------------------------------------------------------------------------- user templates, errors


def test_user_folder_overrides_by_file_name(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block content %}<p id="mine">Custom {{ sides|length }} sides'
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    config = make_config(templates=tmp_path)
    html = render_html(briefing, _audience(config, "executive"), config)
    assert '<p id="mine">Custom 2 sides</p>' in html
    assert "Bottom line" not in html
    assert 'class="page-head"' in html  # base.html.j2 still comes from the defaults


def test_user_stylesheet_overrides_the_bundled_one(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text("@page { size: A5; }", encoding="utf-8")
    config = make_config(templates=tmp_path)
    html = render_html(briefing, _audience(config, "executive"), config)
    reader = _pdf(html, tmp_path / "a5.pdf", config)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)


def test_missing_variable_names_template_and_line(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block content %}\n<p>ok</p>\n<p>{{ no_such_thing }}</p>\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    config = make_config(templates=tmp_path)
    output = tmp_path / "out"
    with pytest.raises(RenderError, match=r"executive\.html\.j2, line 4: .*no_such_thing"):
        html = render_html(briefing, _audience(config, "executive"), config)
        write_pdf(html, output / "executive.pdf", title="t", author="a", templates=template_dirs(config))
    assert not output.exists()


def test_syntax_error_names_template_and_line(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text("<p>\n{% if %}\n</p>\n", encoding="utf-8")
    config = make_config(templates=tmp_path)
    with pytest.raises(RenderError, match=r"executive\.html\.j2, line 2"):
        render_html(briefing, _audience(config, "executive"), config)


def test_missing_template_is_a_render_error(briefing: Briefing) -> None:
    config = make_config(template="nope.html.j2")
    with pytest.raises(RenderError, match=r"nope\.html\.j2"):
        render_html(briefing, _audience(config, "executive"), config)


def test_sandbox_blocks_unsafe_attribute_access(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text(
        "{{ briefing.__class__.__mro__ }}\n{{ sides.append(1) }}", encoding="utf-8"
    )
    config = make_config(templates=tmp_path)
    with pytest.raises(RenderError, match=r"executive\.html\.j2, line \d"):
        render_html(briefing, _audience(config, "executive"), config)


def test_sections_limit_what_is_shown(briefing: Briefing) -> None:
    config = make_config(sections=["contrasts"])
    html = render_html(briefing, _audience(config, "executive"), config)
    assert "Positions by topic" in html
    assert "Bottom line" not in html and "What changed" not in html


# --------------------------------------------------------------------------- atomic writes


def test_failed_render_leaves_previous_pdf_intact(briefing: Briefing, config: Config, tmp_path: Path) -> None:
    path = tmp_path / "executive.pdf"
    html = render_html(briefing, _audience(config, "executive"), config)
    _pdf(html, path, config)
    before = path.read_bytes()
    hostile = '<link rel="stylesheet" href="style.css"><img src="http://169.254.169.254/">'
    with pytest.raises(RenderError):
        _pdf(hostile, path, config)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["executive.pdf"]


def test_write_text_atomic_replaces_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "briefing.md"
    write_text_atomic(path, "first")
    path.chmod(0o640)
    write_text_atomic(path, "second ✓")
    assert path.read_text(encoding="utf-8") == "second ✓"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["briefing.md"]


# --------------------------------------------------------------------------- content and edge cases


def test_footnotes_follow_reading_order(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, _audience(config, "executive"), config)
    cited = [int(n) for n in re.findall(r'<sup class="ref"><a href="#src-(\d+)">', html)]
    first_seen = list(dict.fromkeys(cited))
    assert first_seen == list(range(1, len(first_seen) + 1))
    listed = [int(n) for n in re.findall(r'<li id="src-(\d+)">', html)]
    assert listed == first_seen  # the executive lists exactly what it cites, 1..n


def test_standalone_html_inlines_the_stylesheet(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, _audience(config, "executive"), config, standalone=True)
    assert "<style>" in html and "size: A4" in html
    assert 'rel="stylesheet"' not in html


def test_empty_briefing_renders_every_format(config: Config, tmp_path: Path) -> None:
    empty = make_briefing().model_copy(
        update={
            "stories": [],
            "statements": [],
            "contrasts": [],
            "items": [],
            "feeds": [],
            "changes": Changes(),
            "coverage": Coverage(),
        }
    )
    for name, pages in (("executive", 1), ("analyst", 3)):
        html = render_html(empty, _audience(config, name), config)
        reader = _pdf(html, tmp_path / f"{name}.pdf", config)
        assert len(reader.pages) >= pages
        assert "nothing to compare with" in _text(reader)
    markdown = render_markdown(empty, _audience(config, "analyst"), config)
    assert "No topic drew statements from more than one side" in markdown


def test_max_statements_limits_each_story(briefing: Briefing) -> None:
    config = make_config()
    analyst = _audience(config, "analyst").model_copy(update={"max_statements": 1, "max_stories": 2})
    html = render_html(briefing, analyst, config)
    assert html.count('<table class="statements">') == 2
    assert "2 further statements not shown" in html
    assert "further stories in the window are listed in the appendix" in html


def _has_cjk_font() -> bool:
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
        )
    except OSError:
        return False
    return bool(listed.stdout.strip())


@pytest.mark.skipif(not _has_cjk_font(), reason="no CJK font installed (apt-get install fonts-wqy-microhei)")
def test_chinese_quote_comes_back_out_of_the_pdf(briefing: Briefing, config: Config, tmp_path: Path) -> None:
    briefing.statements[6].quote = "中方在出口管制问题上的立场是一贯的。"
    briefing.statements[6].speaker = "林建"
    html = render_html(briefing, _audience(config, "executive"), config)
    text = "".join(_text(_pdf(html, tmp_path / "zh.pdf", config)).split())
    assert "中方在出口管制问题上的立场是一贯的" in text
    assert "林建" in text


def test_bundled_templates_never_mark_data_safe() -> None:
    """Feed and model text must go through escaping: no |safe, no Markup, no autoescape off."""
    for path in default_dir("templates").glob("*.j2"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("|safe", "| safe", "Markup", "autoescape false", "|unescape"):
            assert forbidden not in source, f"{path.name}: {forbidden}"
