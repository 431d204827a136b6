"""Briefing -> HTML, Markdown and PDF.

    Briefing + Audience --template_context()--> Jinja2 (sandboxed, autoescaped) --> HTML / Markdown
    HTML --WeasyPrint + SafeFetcher (data: URLs and template files only)--> PDF bytes --> atomic write

Everything in a Briefing (feed text, titles, URLs, model output) is untrusted: templates print it
through autoescaping (HTML) or Markdown escaping (every ``{{ }}`` in the Markdown template), and
the few pieces of markup built here in Python (links, footnote references, charts) escape every
value they contain. Audience templates may come from a user's folder, so they run in Jinja's
immutable sandbox, and the PDF renderer may only read files from the templates folders.

Audiences choose sections with ``sections = [...]`` in config; an empty list shows them all.
Section names understood by the bundled templates are in ``SECTIONS``.
"""

from __future__ import annotations

import html as htmllib
import mimetypes
import os
import re
import tempfile
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from briefing import __version__
from briefing.config import Audience, Config
from briefing.errors import RenderError
from briefing.models import Briefing, Contrast, Statement, Story
from briefing.resources import default_dir, search_path

SECTIONS: dict[str, tuple[str, ...]] = {
    "executive.html.j2": ("bottom_line", "contrasts", "gaps", "changes", "sources"),
    "analyst.html.j2": (
        "key_developments",
        "contrasts",
        "gaps",
        "stories",
        "coverage",
        "changes",
        "feeds",
        "appendix",
    ),
    "briefing.md.j2": ("bottom_line", "contrasts", "gaps", "stories", "changes", "feeds", "sources"),
}
MARKDOWN_TEMPLATE = "briefing.md.j2"
STYLESHEET = "style.css"
MAX_OUTPUT_CHARS = 20_000_000
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
UNATTRIBUTED = "Unattributed"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DASH = "\u2013"

_DEFAULT_SIDE_COLOR = "#555555"
_PALETTE = ("#1d3f73", "#a4262c", "#2b6e4f", "#8a5a00", "#5b3f86", "#00677f")
_UNATTRIBUTED_COLOR = "#6b6b6b"
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_KIND_LABELS = {
    "government": "Government",
    "state_media": "State media",
    "wire": "Wire",
    "trade_press": "Trade press",
    "news_search": "News search",
    "other": "Other",
}


# --------------------------------------------------------------------------- view objects


@dataclass(frozen=True)
class SideView:
    """A side as templates see it: name, CSS class, a validated colour and its coverage."""

    name: str
    slug: str
    color: str
    statements: int = 0
    stories: int = 0

    @property
    def css_class(self) -> str:
        return f"side-{self.slug}"


@dataclass(frozen=True)
class Source:
    """One source item, numbered by its first citation (the footnote target)."""

    number: int
    item_id: str
    title: str
    outlet: str
    kind: str
    url: str
    published: datetime


@dataclass(frozen=True)
class _SourceRecord:
    item_id: str
    title: str
    outlet: str
    kind: str
    url: str
    published: datetime


class SourceIndex:
    """Footnote numbers in reading order: a source gets the next number when first cited.

    Templates render top to bottom, so ``cited()`` at the end of a document lists exactly the
    sources the document cited, numbered 1..n without holes; ``everything()`` then numbers the
    remaining items (oldest first) for an appendix.
    """

    def __init__(self, records: dict[str, _SourceRecord]) -> None:
        self._records = records
        self._numbered: dict[str, Source] = {}

    def cite(self, item_id: str) -> Source:
        found = self._numbered.get(item_id)
        if found is not None:
            return found
        record = self._records.get(item_id)
        if record is None:
            raise KeyError(f"no source item {item_id!r} in this briefing")
        found = Source(len(self._numbered) + 1, **vars(record))
        self._numbered[item_id] = found
        return found

    def cited(self) -> list[Source]:
        return list(self._numbered.values())

    def everything(self) -> list[Source]:
        rest = sorted(
            (r for r in self._records.values() if r.item_id not in self._numbered),
            key=lambda r: (r.published, r.item_id),
        )
        for record in rest:
            self.cite(record.item_id)
        return self.cited()


def _source_records(briefing: Briefing) -> dict[str, _SourceRecord]:
    """Every citable item: stored items first, then what stories and statements say about others."""
    records: dict[str, _SourceRecord] = {}
    for item in briefing.items:
        records[item.id] = _SourceRecord(
            item.id, item.title, item.source, item.source_kind, _http_url(item.url), item.published
        )
    for story in briefing.stories:
        for listed in story.sources:
            records.setdefault(
                listed.item_id,
                _SourceRecord(
                    listed.item_id,
                    story.title,
                    listed.source,
                    story.source_kind,
                    _http_url(listed.url),
                    listed.published,
                ),
            )
        for item_id in story.item_ids:
            records.setdefault(
                item_id,
                _SourceRecord(
                    item_id,
                    story.title,
                    story.source,
                    story.source_kind,
                    _http_url(story.url),
                    story.published,
                ),
            )
    for st in briefing.statements:
        records.setdefault(
            st.item_id, _SourceRecord(st.item_id, st.item_id, "", "", _http_url(st.url), _EPOCH)
        )
    return records


@dataclass(frozen=True)
class Cell:
    """One side's position on one topic."""

    side: SideView
    statements: list[Statement]

    @property
    def lead(self) -> Statement | None:
        return self.statements[0] if self.statements else None


@dataclass(frozen=True)
class ContrastRow:
    contrast: Contrast
    cells: list[Cell]
    statements: int

    @property
    def label(self) -> str:
        return self.contrast.label or self.contrast.topic

    @property
    def gap(self) -> bool:
        return self.contrast.gap or len(self.speaking) < 2

    @property
    def speaking(self) -> list[SideView]:
        return [c.side for c in self.cells if c.statements]

    @property
    def silent(self) -> list[SideView]:
        return [c.side for c in self.cells if not c.statements]


# --------------------------------------------------------------------------- filters


def format_date(value: datetime | date | None) -> str:
    """4 Feb 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def format_datetime(value: datetime | None) -> str:
    """4 Feb 2026, 14:05 UTC."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{format_date(value)}, {value:%H:%M} UTC"


def format_isodate(value: datetime | date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def format_window(since: datetime, until: datetime) -> str:
    """A window label: "28 Jan - 4 Feb 2026", "1-7 Feb 2026", "20 Dec 2025 - 3 Jan 2026" (en dashes).

    ``until`` is exclusive (a window ending at midnight does not cover the next day).
    """
    until = until - timedelta(microseconds=1)
    if since.year != until.year:
        return f"{format_date(since)} {_DASH} {format_date(until)}"
    if since.month != until.month:
        return f"{since.day} {since:%b} {_DASH} {format_date(until)}"
    if since.day != until.day:
        return f"{since.day}{_DASH}{format_date(until)}"
    return format_date(until)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "x"


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, str(kind).replace("_", " ").capitalize())


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``3|plural("statement")`` -> "3 statements"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def url_host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def affiliation(statement: Statement) -> str:
    """Role and organisation as given in the text: "Spokesperson, Ministry of Commerce"."""
    parts: list[str] = []
    for part in (statement.speaker_title, statement.organization):
        part = (part or "").strip()
        if part and part != statement.speaker and not any(part.lower() in p.lower() for p in parts):
            parts.append(part)
    if not parts and statement.actor and statement.actor != statement.speaker:
        parts.append(statement.actor)
    return ", ".join(parts)


def _http_url(url: str | None) -> str:
    """The URL when it is http(s), else "" (``javascript:``, ``file:`` ... never become links)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url.strip()


def _color(value: str | None, index: int) -> str:
    if value and _HEX_COLOR.match(value) and value.lower() != _DEFAULT_SIDE_COLOR:
        return value
    return _PALETTE[index % len(_PALETTE)]


# --------------------------------------------------------------------------- Markdown escaping


class MarkdownText(str):
    """Markdown built by briefing's own helpers, already escaped; printed as is."""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")
_MD_LIST_START = re.compile(r"^(\s*)([-+=])")
_MD_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")
_WHITESPACE = re.compile(r"\s+")


def escape_markdown(value: object) -> str:
    """Feed text as inert Markdown: one line, every significant character backslash-escaped.

    Runs of whitespace (newlines included) become one space, so the text cannot start a block.
    """
    text = _WHITESPACE.sub(" ", str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LIST_START.sub(r"\1\\\2", text)
    return _MD_ORDERED_START.sub(r"\1\\\2", text)


def _md_finalize(value: object) -> str:
    if isinstance(value, MarkdownText):
        return value
    return escape_markdown(value)


def _md_url(url: str) -> str:
    return quote(url, safe=":/?#@!$&'*+,;=%~-._[]")


def _md_link(text: object, url: str | None) -> MarkdownText:
    target = _http_url(url)
    if not target:
        return MarkdownText(escape_markdown(text))
    return MarkdownText(f"[{escape_markdown(text)}](<{_md_url(target)}>)")


# --------------------------------------------------------------------------- HTML helpers


def _html_link(text: object, url: str | None, css_class: str = "") -> Markup:
    """``<a href>`` for an http(s) URL; other URLs print as plain text."""
    target = _http_url(url)
    if not target:
        return Markup("{}").format(text)
    if css_class:
        return Markup('<a class="{}" href="{}">{}</a>').format(css_class, target, text)
    return Markup('<a href="{}">{}</a>').format(target, text)


def _bar_chart(
    groups: Sequence[tuple[str, Sequence[tuple[int, str]]]],
    *,
    series: Sequence[tuple[str, str]] = (),
    label: str,
    width: int = 640,
) -> Markup:
    """A horizontal bar chart as inline SVG. Every label is escaped; no scripts, no URLs."""
    esc = htmllib.escape
    label_w, value_w, bar_h, bar_gap, group_gap = 170, 44, 13, 3, 10
    plot_w = width - label_w - value_w
    top = 22 if series else 4
    peak = max((v for _, bars in groups for v, _ in bars), default=0) or 1
    parts: list[str] = []
    x_legend = label_w
    for name, color in series:
        parts.append(f'<rect x="{x_legend}" y="4" width="10" height="10" fill="{esc(color)}"/>')
        parts.append(f'<text x="{x_legend + 14}" y="13" class="legend">{esc(name)}</text>')
        x_legend += 28 + 7 * len(name)
    y = top
    for name, bars in groups:
        group_h = len(bars) * (bar_h + bar_gap) - bar_gap
        short = name if len(name) <= 26 else name[:25] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + group_h / 2 + 4:.1f}" text-anchor="end" class="label">'
            f"{esc(short)}</text>"
        )
        for value, color in bars:
            bar_w = max(plot_w * value / peak, 0.75 if value else 0)
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{bar_w:.1f}" height="{bar_h}" fill="{esc(color)}"/>'
            )
            parts.append(
                f'<text x="{label_w + bar_w + 5:.1f}" y="{y + bar_h - 3}" class="value">{int(value)}</text>'
            )
            y += bar_h + bar_gap
        y += group_gap - bar_gap
    height = y - group_gap + 6
    parts.append(f'<line x1="{label_w}" y1="{top - 2}" x2="{label_w}" y2="{height - 4}" class="axis"/>')
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{esc(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{esc(label)}</title>"
        '<style>text{font-family:"DejaVu Sans",sans-serif;font-size:11px;fill:#222}'
        ".legend{font-size:10px}.value{fill:#444}.axis{stroke:#888;stroke-width:1}</style>"
        + "".join(parts)
        + "</svg>"
    )


def _lighten(color: str) -> str:
    """The colour mixed 55% with white, for the second series of a chart."""
    hex_digits = color.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    rgb = [int(hex_digits[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(f"{round(c + (255 - c) * 0.55):02x}" for c in rgb)


def side_chart(sides: Sequence[SideView]) -> Markup:
    groups = [(s.name, [(s.statements, s.color), (s.stories, _lighten(s.color))]) for s in sides]
    return _bar_chart(
        groups,
        series=[("Statements", "#333333"), ("Stories", "#b3b3b3")],
        label="Statements and stories per side",
    )


def kind_chart(by_kind: dict[str, int]) -> Markup:
    ranked = sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))
    return _bar_chart([(kind_label(k), [(n, "#4a5d70")]) for k, n in ranked], label="Stories per source kind")


# --------------------------------------------------------------------------- environments


def _common_filters() -> dict[str, Callable[..., Any]]:
    return {
        "date": format_date,
        "datetime": format_datetime,
        "isodate": format_isodate,
        "side_class": lambda name: f"side-{slug(name or UNATTRIBUTED)}",
        "slug": slug,
        "kind_label": kind_label,
        "plural": plural,
        "host": url_host,
        "href": _http_url,
        "affiliation": affiliation,
    }


def make_environment(search_path: list[Path]) -> ImmutableSandboxedEnvironment:
    """The HTML environment: sandboxed, always autoescaped, strict about undefined names."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(_common_filters())
    env.globals["link"] = _html_link
    return env


def make_markdown_environment(search_path: list[Path]) -> ImmutableSandboxedEnvironment:
    """The Markdown environment: no HTML escaping, but every ``{{ }}`` is Markdown-escaped."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in search_path]),
        autoescape=False,
        finalize=_md_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(_common_filters())
    env.filters["md"] = escape_markdown
    env.filters["md_url"] = lambda url: MarkdownText(_md_url(_http_url(url)))
    env.globals["link"] = _md_link
    return env


def template_dirs(config: Config) -> list[Path]:
    """The template search path for a config: its ``templates`` folder first, then the bundled one."""
    user = config.resolve(config.templates) if config.templates is not None else None
    return search_path("templates", user)


# --------------------------------------------------------------------------- context


def _lead_order(statements: Iterable[Statement]) -> list[Statement]:
    """Strongest first: verified before unverified, direct quotes before reported speech."""
    ranked = list(enumerate(statements))
    ranked.sort(key=lambda p: (not p[1].verified, p[1].kind != "direct", p[0]))
    return [s for _, s in ranked]


def _side_views(briefing: Briefing, config: Config) -> list[SideView]:
    configured = {s.name: s.color for s in config.sides}
    names = list(briefing.sides) or config.side_names()
    counted_statements: dict[str, int] = {}
    for st in briefing.statements:
        if st.side:
            counted_statements[st.side] = counted_statements.get(st.side, 0) + 1
    views = []
    for i, name in enumerate(names):
        cov = briefing.coverage.by_side.get(name, {})
        stories = cov.get("stories", sum(1 for s in briefing.stories if name in s.sides))
        views.append(
            SideView(
                name=name,
                slug=slug(name),
                color=_color(configured.get(name), i),
                statements=cov.get("statements", counted_statements.get(name, 0)),
                stories=stories,
            )
        )
    return views


def _contrast_rows(
    briefing: Briefing, sides: list[SideView], statement_by_id: dict[str, Statement]
) -> list[ContrastRow]:
    rows = []
    for contrast in briefing.contrasts:
        by_side = {p.side: p.statement_ids for p in contrast.positions}
        cells = []
        for side in sides:
            ids = by_side.get(side.name, [])
            cells.append(Cell(side, _lead_order(statement_by_id[i] for i in ids if i in statement_by_id)))
        rows.append(ContrastRow(contrast, cells, sum(len(c.statements) for c in cells)))
    # Most-discussed topics first; ties keep the analysis' order.
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(rows, key=lambda r: (-r.statements, order[id(r)]))


def template_context(briefing: Briefing, audience: Audience, config: Config) -> dict[str, Any]:
    """Everything a template may use: the briefing plus lookups and numbered sources."""
    sides = _side_views(briefing, config)
    side_by_name = {s.name: s for s in sides}
    unattributed = SideView(UNATTRIBUTED, slug(UNATTRIBUTED), _UNATTRIBUTED_COLOR)

    item_by_id = {i.id: i for i in briefing.items}
    story_by_id = {s.id: s for s in briefing.stories}
    statement_by_id = {s.id: s for s in briefing.statements}
    statements_by_story: dict[str, list[Statement]] = {s.id: [] for s in briefing.stories}
    for st in briefing.statements:
        statements_by_story.setdefault(st.story_id, []).append(st)
    for story_id, listed in statements_by_story.items():
        statements_by_story[story_id] = _lead_order(listed)

    rows = _contrast_rows(briefing, sides, statement_by_id)
    table_rows = [r for r in rows if not r.gap]
    gap_rows = [r for r in rows if r.gap]
    stories = briefing.stories[: audience.max_stories]
    new_stories = [story_by_id[i] for i in briefing.changes.new_stories if i in story_by_id]

    # Numbers are handed out as the template cites, so they follow each document's reading order.
    index = SourceIndex(_source_records(briefing))

    def side(name: str | None) -> SideView:
        return side_by_name.get(name or "", unattributed)

    def show(section: str) -> bool:
        return not audience.sections or section in audience.sections

    title = audience.title or briefing.title or config.title
    window = briefing.run.window
    problem_feeds = [f for f in briefing.feeds if f.status in ("error", "paused")]
    return {
        "briefing": briefing,
        "run": briefing.run,
        "audience": audience,
        "title": title,
        "author": config.author,
        "classification": audience.classification,
        "issued": briefing.run.created,
        "window_label": format_window(window.since, window.until),
        "version": __version__,
        "sides": sides,
        "side": side,
        "show": show,
        "stories": stories,
        "story_by_id": story_by_id,
        "item_by_id": item_by_id,
        "statement_by_id": statement_by_id,
        "statements_by_story": statements_by_story,
        "contrast_rows": table_rows,
        "gap_rows": gap_rows,
        "top_contrasts": table_rows[:3],
        "new_stories": new_stories,
        "new_topics": [briefing.topics.get(t, t) for t in briefing.changes.new_topics],
        "source": index.cite,
        "cited_sources": index.cited,
        "all_sources": index.everything,
        "primary_item": _primary_item,
        "problem_feeds": problem_feeds,
        "ok_feeds": [f for f in briefing.feeds if f.status in ("ok", "not_modified")],
        "by_source_kind": dict(briefing.coverage.by_source_kind),
        "side_chart": side_chart(sides),
        "kind_chart": kind_chart(briefing.coverage.by_source_kind),
    }


def _primary_item(story: Story) -> str:
    for listed in story.sources:
        if listed.url == story.url:
            return listed.item_id
    return story.item_ids[0] if story.item_ids else story.id


# --------------------------------------------------------------------------- rendering


def _html_ref(sources: Callable[[str], Source]) -> Callable[[str], Markup]:
    def ref(item_id: str) -> Markup:
        n = sources(item_id).number
        return Markup('<sup class="ref"><a href="#src-{0}">{0}</a></sup>').format(n)

    return ref


def _md_ref(sources: Callable[[str], Source]) -> Callable[[str], MarkdownText]:
    def ref(item_id: str) -> MarkdownText:
        n = sources(item_id).number
        return MarkdownText(f"\\[{n}\\]")

    return ref


def _location(exc: BaseException, dirs: list[Path]) -> str:
    """``name, line N`` of the template frame an error came from, as far as it can be told."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.name or exc.filename or "?"
        return f"{name}, line {exc.lineno}"
    roots = [str(d) for d in dirs]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        for root in roots:
            if frame.filename.startswith(root + os.sep):
                return f"{os.path.relpath(frame.filename, root)}, line {frame.lineno}"
    return ""


def _render(env: jinja2.Environment, name: str, context: dict[str, Any], dirs: list[Path]) -> str:
    try:
        template = env.get_template(name)
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise RenderError(f"template {name}: output exceeds {MAX_OUTPUT_CHARS:,} characters")
            chunks.append(chunk)
    except RenderError:
        raise
    except jinja2.TemplateNotFound as exc:
        where = ", ".join(str(d) for d in dirs)
        raise RenderError(f"template {exc.name!r} not found (looked in {where})") from exc
    except Exception as exc:
        where = _location(exc, dirs) or name
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise RenderError(f"template {where}: {type(exc).__name__}: {message}") from exc
    return "".join(chunks)


def render_html(briefing: Briefing, audience: Audience, config: Config, *, standalone: bool = False) -> str:
    """The audience's HTML template rendered in memory. Nothing is written.

    ``standalone=True`` inlines the stylesheet so that the HTML file works on its own; the PDF
    path links ``style.css`` instead and lets the locked-down fetcher load it.
    """
    dirs = template_dirs(config)
    env = make_environment(dirs)
    context = template_context(briefing, audience, config)
    context["ref"] = _html_ref(context["source"])
    context["inline_css"] = _stylesheet(dirs) if standalone else ""
    return _render(env, audience.template, context, dirs)


def render_markdown(briefing: Briefing, audience: Audience, config: Config) -> str:
    """``briefing.md.j2`` rendered in memory for one audience. Nothing is written."""
    dirs = template_dirs(config)
    env = make_markdown_environment(dirs)
    context = template_context(briefing, audience, config)
    context["ref"] = _md_ref(context["source"])
    context["version"] = MarkdownText(__version__)  # our own version string, not feed text
    return _render(env, MARKDOWN_TEMPLATE, context, dirs)


def _stylesheet(dirs: list[Path]) -> Markup:
    for folder in dirs:
        candidate = folder / STYLESHEET
        if candidate.is_file():
            css = candidate.read_text(encoding="utf-8")
            # Our own file, but it must not be able to close the <style> element.
            return Markup(css.replace("</", "<\\/"))
    raise RenderError(f"{STYLESHEET} not found in {', '.join(str(d) for d in dirs)}")


# --------------------------------------------------------------------------- PDF


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for a URL outside the allowed set; rendering stops."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused to load {url[:200]!r}: {reason}")
        self.url = url


class SafeFetcher(URLFetcher):
    """Loads only ``data:`` URLs and regular files inside the template folders.

    A file URL inside any of the folders is looked up by its path relative to that folder in
    every folder in order (user first), so a user's ``style.css`` overrides the bundled one as
    templates do. Anything else (http(s), other files, ``..`` escapes, symlinks leading out)
    raises ``ForbiddenResource``, a ``FatalURLFetchingError`` that aborts the whole render.
    """

    def __init__(self, roots: Sequence[Path], *, max_bytes: int = MAX_RESOURCE_BYTES) -> None:
        super().__init__(timeout=5, allowed_protocols=("data",), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.max_bytes = max_bytes

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            raise ForbiddenResource(url, "malformed URL") from None
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            return self._fetch_file(url)
        raise ForbiddenResource(url, "only data: URLs and files in the templates folders may be loaded")

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ForbiddenResource(url, "remote file URL")
        requested = Path(os.path.realpath(url2pathname(unquote(parts.path))))
        relative = next((requested.relative_to(r) for r in self.roots if requested.is_relative_to(r)), None)
        if relative is None or not relative.parts:
            raise ForbiddenResource(url, "outside the templates folders")
        for root in self.roots:
            candidate = Path(os.path.realpath(root / relative))
            if candidate.is_relative_to(root) and candidate.is_file():
                with candidate.open("rb") as handle:
                    body = handle.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise ForbiddenResource(url, f"larger than {self.max_bytes} bytes")
                mime, _ = mimetypes.guess_type(candidate.name)
                content_type = mime or "application/octet-stream"
                if content_type.startswith("text/"):
                    content_type += "; charset=utf-8"
                return URLFetcherResponse(
                    candidate.as_uri(), body, {"Content-Type": content_type}, status=200
                )
        # Inside the folders but missing: an ordinary (logged, non-fatal) failure.
        raise FileNotFoundError(f"{relative} is not in any templates folder")


def render_pdf(
    html: str,
    *,
    title: str,
    author: str,
    subject: str = "",
    keywords: Sequence[str] = (),
    templates: Sequence[Path] | None = None,
    url_fetcher: SafeFetcher | None = None,
    created: datetime | None = None,
) -> bytes:
    """HTML -> PDF bytes in memory, with metadata set and no embedded files."""
    roots = [Path(t).resolve() for t in (templates or [default_dir("templates")])]
    fetcher = url_fetcher or SafeFetcher(roots)
    stamp = (created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        document = HTML(string=html, base_url=str(roots[0]) + os.sep, url_fetcher=fetcher).render()
        meta = document.metadata
        meta.title = title
        meta.authors = [author] if author else []
        meta.description = subject or None
        meta.keywords = [k for k in keywords if k]
        meta.generator = f"briefing {__version__}"
        meta.created = stamp
        meta.modified = stamp
        # A briefing never carries files: drop any <link rel=attachment> a template declared.
        meta.attachments = []
        data: bytes = document.write_pdf()
    except FatalURLFetchingError as exc:
        raise RenderError(f"PDF {title!r}: {exc}") from None
    except Exception as exc:
        raise RenderError(f"PDF {title!r} could not be rendered: {type(exc).__name__}: {exc}") from exc
    return data


def write_pdf(
    html: str,
    path: Path,
    *,
    title: str,
    author: str,
    subject: str = "",
    keywords: Sequence[str] = (),
    templates: Sequence[Path] | None = None,
    url_fetcher: SafeFetcher | None = None,
    created: datetime | None = None,
) -> None:
    """Render the PDF fully in memory, then replace ``path`` atomically.

    ``templates`` is the template search path (``template_dirs(config)``); the first folder is
    the base URL for relative links such as ``style.css``.
    """
    data = render_pdf(
        html,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        templates=templates,
        url_fetcher=url_fetcher,
        created=created,
    )
    write_bytes_atomic(path, data)


# --------------------------------------------------------------------------- atomic writes


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then ``os.replace`` over ``path``.

    Readers see the old file or the new one, never half of one; a failure leaves the old file.
    """
    path = Path(path)
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(folder)


def write_text_atomic(path: Path, text: str) -> None:
    """UTF-8 text (HTML, Markdown, JSON) written like ``write_bytes_atomic``."""
    write_bytes_atomic(path, text.encode("utf-8"))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
