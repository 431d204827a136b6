"""Rendering: templates, escaping, audiences, PDF craft (pages, footnotes, bookmarks, metadata).

Every test goes through the public functions in briefing.render and reads the PDFs back with
pypdf rather than trusting that a file exists. Safety (fetcher, limits, fonts) is in
test_render_safety.py; the `render` and `init` commands in test_render_cli.py.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from briefing.config import Config
from briefing.errors import RenderError
from briefing.models import (
    Briefing,
    Changes,
    Contrast,
    Coverage,
    Development,
    Judgement,
    Position,
    Statement,
)
from briefing.render import (
    escape_markdown,
    render_document,
    render_html,
    render_markdown,
    template_dirs,
    write_pdf,
)
from briefing.resources import default_dir, search_path
from tests.render_data import (
    CN,
    SCRIPT_QUOTE,
    TEMPLATE_TITLE,
    US,
    audience,
    flat,
    link_uris,
    make_briefing,
    make_config,
    pdf_text,
)


@pytest.fixture
def briefing() -> Briefing:
    return make_briefing()


@pytest.fixture
def config() -> Config:
    return make_config()


@pytest.fixture
def no_weasyprint_warnings(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """WeasyPrint reports CSS and fetch problems by logging (relayed from the worker); none expected."""
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        yield
    problems = [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]
    assert problems == []


def _pdf(html: str, path: Path, config: Config) -> PdfReader:
    write_pdf(
        html,
        path,
        title="Critical minerals policy briefing",
        author="Minerals Desk",
        subject="Executive brief, 1-6 Feb 2026",
        keywords=["critical minerals", "price floors"],
        templates=template_dirs(config),
        created=datetime(2026, 2, 6, 7, 0, tzinfo=UTC),
    )
    return PdfReader(path)


def _outline_titles(outline: list[object]) -> list[object]:
    """The outline as nested lists of titles."""
    titles: list[object] = []
    for entry in outline:
        if isinstance(entry, list):
            titles.append(_outline_titles(entry))
        elif isinstance(entry, Destination):
            titles.append(entry.title)
    return titles


# --------------------------------------------------------------------------- resources


def test_bundled_templates_fonts_and_licence_are_in_the_templates_folder() -> None:
    folder = default_dir("templates")
    for name in ("base.html.j2", "executive.html.j2", "analyst.html.j2", "briefing.md.j2", "style.css"):
        assert (folder / name).is_file(), name
    fonts_css = (folder / "fonts.css").read_text(encoding="utf-8")
    named = re.findall(r"url\((fonts/[^)]+)\)", fonts_css)
    assert len(named) >= 9
    assert all((folder / n).is_file() for n in named)
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    size = sum(p.stat().st_size for p in (folder / "fonts").iterdir())
    assert size < 4 * 1024 * 1024  # subsets, not whole families


def test_search_path_puts_the_user_folder_first(tmp_path: Path) -> None:
    assert search_path("templates", tmp_path) == [tmp_path.resolve(), default_dir("templates").resolve()]
    assert search_path("templates", None) == [default_dir("templates").resolve()]


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("name", ["executive", "analyst"])
def test_feed_text_is_escaped_in_html(briefing: Briefing, config: Config, name: str) -> None:
    # The executive brief shows each side's lead statement only: make the hostile one lead.
    briefing.statements[1].quote = SCRIPT_QUOTE
    html = render_html(briefing, audience(config, name), config)
    assert "<script" not in html
    assert "&lt;script&gt;alert(" in html
    if name == "analyst":  # story summaries and item titles carry the other payloads
        assert 'rel="attachment"' not in html and "<img" not in html
        assert "&lt;a rel=&#34;attachment&#34;" in html
        assert "@import url(file:" in html and "<style>@import" not in html
        assert html.count("<link ") == 2  # fonts.css and style.css, nothing from the feed


def test_template_syntax_in_data_renders_literally(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, audience(config, "analyst"), config)
    assert TEMPLATE_TITLE in html
    assert "Reference prices 49" not in html
    markdown = render_markdown(briefing, audience(config, "analyst"), config)
    assert "Reference prices {{ 7\\*7 }} debated" in markdown


def test_markdown_escapes_feed_text(briefing: Briefing, config: Config) -> None:
    briefing.statements[1].quote = SCRIPT_QUOTE
    markdown = render_markdown(briefing, audience(config, "analyst"), config)
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown
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
    for name in ("analyst", "executive"):
        html = render_html(briefing, audience(config, name), config)
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs
        assert all(h in ("fonts.css", "style.css") or h.startswith(("https://", "#")) for h in hrefs), hrefs
    markdown = render_markdown(briefing, audience(config, "analyst"), config)
    targets = re.findall(r"\]\(<([^>]*)>\)", markdown)
    assert targets and all(t.startswith("https://") for t in targets)


# --------------------------------------------------------------------------- the executive brief


def test_executive_pdf_is_a_two_page_brief_with_footnotes_and_metadata(
    briefing: Briefing, config: Config, tmp_path: Path, no_weasyprint_warnings: None
) -> None:
    html = render_html(briefing, audience(config, "executive"), config)
    reader = _pdf(html, tmp_path / "executive.pdf", config)
    assert 1 <= len(reader.pages) <= 2
    first = flat(reader.pages[0].extract_text())
    text = flat(pdf_text(reader))
    assert first.count("UNCLASSIFIED // FOR INTERNAL DISTRIBUTION") >= 2  # header and footer
    assert f"Page 1 of {len(reader.pages)}" in first
    assert "Critical minerals policy briefing 1\u20136 Feb 2026" in first  # running header: title, window
    assert "KEY JUDGEMENTS" in first and "was the most contested topic" in first
    for speaker in ("Dana Whitcombe", "Liu Wenhai", "Tom Haldane"):
        assert speaker in text
    # Sources are footnotes at the foot of the page that first cites them: outlet, date, title.
    assert "1 U.S. Department of State, 4 Feb 2026 (Government). Secretary hosts Critical Minerals" in first
    assert "3 USTR, 4 Feb 2026 (Government). United States and Mexico adopt 60-day Action Plan" in first
    assert "Sources" not in text  # no separate list in the PDF
    uris = link_uris(reader)
    assert "https://www.state.gov/releases/2026/02/critical-minerals-ministerial" in uris
    assert all(u.startswith("https://") for u in uris)
    # The colophon carries the manifest.
    assert "r-20260206-0700" in text
    assert "sha256:ab12cd34ef56" in text
    assert "10 verified against the source text, 1 unverified (marked), 3 dropped" in text
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Critical minerals policy briefing"
    assert meta.author == "Minerals Desk"
    assert meta.subject == "Executive brief, 1-6 Feb 2026"
    assert "price floors" in str(meta.get("/Keywords"))
    assert meta.creation_date == datetime(2026, 2, 6, 7, 0, tzinfo=UTC)
    assert meta.creator == "briefing 0.1.0"


def test_executive_stays_within_two_pages_with_many_topics(config: Config, tmp_path: Path) -> None:
    briefing = _many_topics(12)
    html = render_html(briefing, audience(config, "executive"), config)
    reader = _pdf(html, tmp_path / "executive.pdf", config)
    assert len(reader.pages) <= 2
    assert "9 further topics in the analyst brief" in flat(pdf_text(reader))  # three shown


def test_footnotes_follow_reading_order(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, audience(config, "executive"), config)
    cited = [int(n) for n in re.findall(r'(?:id="src-|href="#src-)(\d+)"', html)]
    first_seen = list(dict.fromkeys(cited))
    assert first_seen == list(range(1, len(first_seen) + 1))
    # Each source is a footnote exactly once, at its first citation; later citations refer to it.
    footnotes = [int(n) for n in re.findall(r'<span class="fn" id="src-(\d+)"', html)]
    assert footnotes == first_seen


# --------------------------------------------------------------------------- the analyst brief


def test_analyst_pdf_has_cover_contents_sections_appendix_and_bookmarks(
    briefing: Briefing, config: Config, tmp_path: Path, no_weasyprint_warnings: None
) -> None:
    html = render_html(briefing, audience(config, "analyst"), config)
    reader = _pdf(html, tmp_path / "analyst.pdf", config)
    pages = [flat(p.extract_text()) for p in reader.pages]
    assert len(pages) >= 4
    assert "Analyst brief".upper() in pages[0] and "Page 1 of" in pages[0]
    # Contents with page numbers that point at the pages the sections are on.
    contents = pages[1]
    found = re.search(r"Feed health \.[ .]*(\d+)", contents)
    assert found, contents
    assert "Feed health" in pages[int(found.group(1)) - 1]
    text = " ".join(pages)
    for speaker in ("Dana Whitcombe", "Priya Raman", "Liu Wenhai", "Zhao Ming", "Chen Yufei"):
        assert speaker in text
    assert "HTTP 403 Forbidden" in text and "paused after 5 consecutive failures" in text  # feed health
    assert TEMPLATE_TITLE in text
    assert "Token budget reached after 4 stories" in text  # run notes
    assert {i.url for i in briefing.items} <= link_uris(reader)  # the appendix links every item
    outline = _outline_titles(reader.outline)
    assert outline[0] == "Critical minerals policy briefing"
    sections = outline[1]
    assert isinstance(sections, list)
    for title in (
        "Key developments",
        "Positions by topic",
        "Stories: who said what",
        "Coverage balance",
        "Feed health",
        "Appendix: sources",
        "Colophon",
    ):
        assert title in sections
    stories = sections[sections.index("Stories: who said what") + 1]
    assert isinstance(stories, list) and briefing.stories[0].title in stories


def test_analyst_coverage_chart_is_inline_svg(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, audience(config, "analyst"), config)
    charts = re.findall(r'<svg class="chart".*?</svg>', html, flags=re.S)
    assert len(charts) == 2
    by_side = charts[0]
    assert "United States" in by_side and "China" in by_side and "State media" in by_side
    assert "<script" not in by_side and "href" not in by_side and "url(" not in by_side
    # Bars are as long as their counts: United States 6 statements, China 4 (coverage above).
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="14"', by_side)]
    assert widths and abs(sum(widths[:2]) / sum(widths[2:]) - 6 / 4) < 0.6


def test_contrast_rows_never_split_across_pages(config: Config, tmp_path: Path) -> None:
    briefing = _many_topics(9)
    html = render_html(briefing, audience(config, "analyst"), config)
    reader = _pdf(html, tmp_path / "analyst.pdf", config)
    pages = [flat(p.extract_text()) for p in reader.pages]
    # In the table a row starts with its label and count and ends with the last side's last quote.
    starts = [
        next(i for i, p in enumerate(pages) if f"Topic {n:02d} 4 statements" in p) for n in range(1, 10)
    ]
    ends = [next(i for i, p in enumerate(pages) if f"end of T{n:02d} CN B" in p) for n in range(1, 10)]
    assert len(set(starts)) >= 3  # the table runs over several pages
    assert starts == ends


def test_flags_notes_translations_and_summaries_are_shown(briefing: Briefing, config: Config) -> None:
    briefing.stories[0].flags = ["offline_fallback"]
    briefing.stories[2].flags = ["analysis_failed"]
    briefing.stories[3].flags = ["fulltext_failed"]
    briefing.statements[6].translation = "Our position is consistent."
    briefing.contrasts[1].summary = "Washington frames licensing as leverage; Beijing calls it lawful."
    analyst = render_html(briefing, audience(config, "analyst"), config)
    for label in ("Offline fallback", "Analysis failed", "Full text unavailable"):
        assert label in analyst
    assert "Our position is consistent." in analyst
    assert "Beijing calls it lawful." in analyst
    executive = render_html(briefing, audience(config, "executive"), config)
    assert "Notes on this briefing" in executive
    assert "analysed by the offline fallback" in executive and "could not be analysed" in executive
    assert "Token budget reached" in executive
    assert "Mining.com (error)" in executive and "METI (paused)" in executive
    markdown = render_markdown(briefing, audience(config, "analyst"), config)
    assert "Offline fallback" in markdown and "Token budget reached" in markdown


def test_a_briefing_without_judgements_gets_them_from_its_data(briefing: Briefing, config: Config) -> None:
    assert not briefing.judgements  # as a run stored before key judgements existed
    html = render_html(briefing, audience(config, "executive"), config)
    points = re.findall(r'<ol class="judgements">(.*?)</ol>', html, flags=re.S)[0]
    items = re.findall(r"<li>(.*?)</li>", points, flags=re.S)
    assert 3 <= len(items) <= 5
    assert items[0].startswith(
        "Price floors and reference prices was the most contested topic this period (United States 4, "
        "China 2 statements): Dana Whitcombe (Department of State) said “A reference price"
    )
    assert any(
        "A new measure was announced: “United States and Mexico adopt 60-day Action Plan" in i for i in items
    )
    assert any("Coverage is uneven: the United States accounts for 6 of 11 statements" in i for i in items)
    assert all('class="fn"' in i or 'class="ref"' in i for i in items)  # every judgement cites its sources
    assert "The briefing's assessments, drawn by rules from the cited statements;" in html


def test_model_judgements_are_marked_as_the_models(briefing: Briefing, config: Config) -> None:
    briefing.judgements = [
        Judgement(
            text="Washington pairs price floors with a stockpile.",
            kind="model",
            basis="model",
            statement_ids=["st-01", "st-05"],
        ),
        Judgement(text="Beijing casts the floors as a small circle.", basis="model", statement_ids=["st-06"]),
    ]
    html = render_html(briefing, audience(config, "executive"), config)
    assert "Washington pairs price floors with a stockpile." in html
    assert "most contested topic" not in html
    assert "written by the model from the cited statements only and checked by code" in html


def test_developments_of_an_older_run_become_its_judgements(briefing: Briefing, config: Config) -> None:
    briefing.developments = [
        Development(text="Washington pairs price floors with a stockpile.", statement_ids=["st-01", "st-05"]),
    ]
    html = render_html(briefing, audience(config, "analyst"), config)
    box = re.findall(r'<ol class="judgements">(.*?)</ol>', html, flags=re.S)[0]
    assert "Washington pairs price floors with a stockpile." in box
    assert "Developments reported" in html


def test_standalone_html_inlines_the_stylesheet_and_lists_sources(briefing: Briefing, config: Config) -> None:
    html = render_html(briefing, audience(config, "executive"), config, standalone=True)
    assert "<style>" in html and "size: A4" in html
    assert 'rel="stylesheet"' not in html
    assert "@font-face" not in html  # the fonts live beside the templates, not beside the HTML
    assert 'class="fn"' not in html  # no pages, so no page footnotes ...
    assert '<section class="sources" id="sources">' in html  # ... but a source list
    assert len(re.findall(r'<li id="src-\d+">', html)) == len(set(re.findall(r'href="#src-(\d+)"', html)))


def test_empty_briefing_renders_every_format(config: Config, tmp_path: Path) -> None:
    empty = make_briefing().model_copy(
        update={
            "stories": [],
            "statements": [],
            "contrasts": [],
            "items": [],
            "feeds": [],
            "notes": [],
            "changes": Changes(),
            "coverage": Coverage(),
            "manifest": None,
        }
    )
    for name, pages in (("executive", 1), ("analyst", 3)):
        html = render_html(empty, audience(config, name), config)
        reader = _pdf(html, tmp_path / f"{name}.pdf", config)
        assert len(reader.pages) >= pages
        text = flat(pdf_text(reader))
        assert "nothing to compare with" in text
        assert "No on-topic story was found" in text
    markdown = render_markdown(empty, audience(config, "analyst"), config)
    assert "No topic drew statements from more than one side" in markdown


def test_max_statements_limits_each_story(briefing: Briefing, config: Config) -> None:
    analyst = audience(config, "analyst").model_copy(update={"max_statements": 1, "max_stories": 2})
    html = render_html(briefing, analyst, config)
    assert html.count('<table class="statements">') == 2
    assert "2 further statements not shown" in html
    assert "further stories in the window are listed in the appendix" in html


def test_bundled_templates_never_mark_data_safe() -> None:
    """Feed and model text must go through escaping: no |safe, no Markup, no autoescape off."""
    for path in default_dir("templates").glob("*.j2"):
        source = path.read_text(encoding="utf-8")
        for forbidden in ("|safe", "| safe", "Markup", "autoescape false", "|unescape"):
            assert forbidden not in source, f"{path.name}: {forbidden}"


# --------------------------------------------------------------------------- user templates, errors


def test_user_folder_overrides_by_file_name(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block content %}<p id="mine">Custom {{ sides|length }} sides'
        "</p>{% endblock %}",
        encoding="utf-8",
    )
    config = make_config(templates=tmp_path)
    html = render_html(briefing, audience(config, "executive"), config)
    assert '<p id="mine">Custom 2 sides</p>' in html
    assert "Bottom line" not in html
    assert 'class="page-head"' in html  # base.html.j2 still comes from the defaults


def test_a_new_audience_is_a_template_named_in_config(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "minister.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block kicker %}For the minister{% endblock %}\n'
        "{% block content %}<ol>{% for j in judgements %}<li>{{ j.text }}"
        "{% for i in j.item_ids %}{{ footnote(i) }}{% endfor %}</li>{% endfor %}</ol>{% endblock %}\n",
        encoding="utf-8",
    )
    config = make_config(templates=tmp_path)
    config.audiences.append(
        config.audiences[0].model_copy(
            update={"name": "minister", "template": "minister.html.j2", "classification": "MINISTER ONLY"}
        )
    )
    html = render_html(briefing, audience(config, "minister"), config)
    reader = _pdf(html, tmp_path / "minister.pdf", config)
    text = flat(pdf_text(reader))
    assert "FOR THE MINISTER" in text and "MINISTER ONLY" in text
    assert "was the most contested topic" in text
    assert len(reader.pages) == 1


def test_user_stylesheet_overrides_the_bundled_one_and_keeps_the_fonts(
    briefing: Briefing, tmp_path: Path
) -> None:
    (tmp_path / "style.css").write_text(
        '@page { size: A5; } body { font-family: "Briefing Sans"; }', encoding="utf-8"
    )
    config = make_config(templates=tmp_path)
    html = render_html(briefing, audience(config, "executive"), config)
    rendered = render_document(html, title="t", templates=template_dirs(config))
    path = tmp_path / "a5.pdf"
    path.write_bytes(rendered.pdf)
    box = PdfReader(path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (420, 595)
    served = {
        url.rsplit("/templates/", 1)[-1] if "/templates/" in url else url for url, _ in rendered.fetched
    }
    assert (tmp_path / "style.css").as_uri() in served
    assert "fonts/NotoSans-Regular.ttf" in served  # the bundled fonts, found from the user's folder


def test_missing_variable_names_template_and_line(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block content %}\n<p>ok</p>\n<p>{{ no_such_thing }}</p>\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    config = make_config(templates=tmp_path)
    output = tmp_path / "out"
    with pytest.raises(RenderError, match=r"executive\.html\.j2, line 4: .*no_such_thing"):
        html = render_html(briefing, audience(config, "executive"), config)
        write_pdf(html, output / "executive.pdf", title="t", author="a", templates=template_dirs(config))
    assert not output.exists()


def test_syntax_error_names_template_and_line(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text("<p>\n{% if %}\n</p>\n", encoding="utf-8")
    config = make_config(templates=tmp_path)
    with pytest.raises(RenderError, match=r"executive\.html\.j2, line 2"):
        render_html(briefing, audience(config, "executive"), config)


def test_missing_template_is_a_render_error(briefing: Briefing) -> None:
    config = make_config(template="nope.html.j2")
    with pytest.raises(RenderError, match=r"nope\.html\.j2"):
        render_html(briefing, audience(config, "executive"), config)


def test_sandbox_blocks_unsafe_attribute_access(briefing: Briefing, tmp_path: Path) -> None:
    (tmp_path / "executive.html.j2").write_text(
        "{{ briefing.__class__.__mro__ }}\n{{ sides.append(1) }}", encoding="utf-8"
    )
    config = make_config(templates=tmp_path)
    with pytest.raises(RenderError, match=r"executive\.html\.j2, line \d"):
        render_html(briefing, audience(config, "executive"), config)


def test_sections_limit_what_is_shown(briefing: Briefing) -> None:
    config = make_config(sections=["contrasts"])
    html = render_html(briefing, audience(config, "executive"), config)
    assert "Positions side by side" in html
    assert "Bottom line" not in html and "What changed" not in html and "Notes on this briefing" not in html


# --------------------------------------------------------------------------- helpers


def _many_topics(n: int) -> Briefing:
    """The fixture week with ``n`` contrasted topics, two long statements per side on each."""
    briefing = make_briefing()
    statements: list[Statement] = []
    contrasts: list[Contrast] = []
    base = briefing.statements[0]
    for t in range(1, n + 1):
        ids: dict[str, list[str]] = {US: [], CN: []}
        for side, tag in ((US, "US"), (CN, "CN")):
            for k in "AB":
                quote = f"Quote T{t:02d} {tag} {k}: " + "the sides set out their positions at length " * 4
                quote += f"end of T{t:02d} {tag} {k}"
                sid = f"st-t{t:02d}-{tag}-{k}"
                statements.append(
                    base.model_copy(
                        update={"id": sid, "side": side, "quote": quote, "claim": quote, "topic": f"t{t:02d}"}
                    )
                )
                ids[side].append(sid)
        contrasts.append(
            Contrast(
                topic=f"t{t:02d}",
                label=f"Topic {t:02d}",
                positions=[Position(side=s, statement_ids=v) for s, v in ids.items()],
            )
        )
    return briefing.model_copy(
        update={
            "statements": statements,
            "contrasts": contrasts,
            "topics": {c.topic: c.label for c in contrasts},
        }
    )
