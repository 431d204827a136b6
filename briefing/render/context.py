"""Briefing + Audience -> the variables a template sees.

Templates get the Briefing itself plus ready-made views of it: sides with their colours and
counts, the contrast rows ordered by weight (each cell with its position's flags), statements
grouped by story, the key judgements and the uncertainty ``caveats``, ``legend(rows)`` and
``legend_all`` for the uncertainty markers, charts, the manifest, and ``ref`` / ``footnote``
helpers that number sources in reading order. Nothing here writes markup from untrusted text
except through ``Markup.format``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from briefing import __version__
from briefing.analysis.tradecraft import assess, needs_assessment
from briefing.config import Audience, Config
from briefing.models import Briefing, Contrast, FeedResult, Manifest, Statement, Story, WatchItem, WatchSource
from briefing.render import charts
from briefing.render.filters import MARKED_FLAGS, flag_label, format_window, kind_label, slug
from briefing.render.judgements import caveats, for_audience, key_judgements
from briefing.render.sources import SourceIndex

UNATTRIBUTED = "Unattributed"
WATCH_KINDS = {
    "deadline": "deadline",
    "effective": "takes effect",
    "expiry": "expires",
    "meeting": "meeting",
    "publication": "publication",
    "event": "event",
}
NOTED_FLAGS = ("analysis_failed", "offline_fallback", "fulltext_failed")
_DEFAULT_SIDE_COLOR = "#555555"
_PALETTE = ("#1d3f73", "#a4262c", "#2b6e4f", "#8a5a00", "#5b3f86", "#00677f")
_UNATTRIBUTED_COLOR = "#6b6b6b"
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_KIND_COLORS = {
    "government": "#1d3f73",
    "state_media": "#a4262c",
    "wire": "#6d7f91",
    "trade_press": "#8a5a00",
    "news_search": "#9aa7b4",
    "other": "#c4c4c4",
}


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
class Cell:
    """One side's position on one topic."""

    side: SideView
    statements: list[Statement]
    flags: tuple[str, ...] = ()  # media_only: no official statement behind this position

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
    def summary(self) -> str:
        return self.contrast.summary

    @property
    def gap(self) -> bool:
        return self.contrast.gap or len(self.speaking) < 2

    @property
    def speaking(self) -> list[SideView]:
        return [c.side for c in self.cells if c.statements]

    @property
    def silent(self) -> list[SideView]:
        return [c.side for c in self.cells if not c.statements]


def lead_order(statements: Iterable[Statement]) -> list[Statement]:
    """Strongest first: verified before unverified, direct quotes before reported speech."""
    ranked = list(enumerate(statements))
    ranked.sort(key=lambda p: (not p[1].verified, p[1].kind != "direct", p[0]))
    return [s for _, s in ranked]


def _color(value: str | None, index: int) -> str:
    if value and _HEX_COLOR.match(value) and value.lower() != _DEFAULT_SIDE_COLOR:
        return value
    return _PALETTE[index % len(_PALETTE)]


def side_views(briefing: Briefing, config: Config) -> list[SideView]:
    configured = {s.name: s.color for s in config.sides}
    names = list(briefing.sides) or config.side_names()
    counted = Counter(st.side for st in briefing.statements if st.side)
    views = []
    for i, name in enumerate(names):
        cov = briefing.coverage.by_side.get(name, {})
        views.append(
            SideView(
                name=name,
                slug=slug(name),
                color=_color(configured.get(name), i),
                statements=cov.get("statements", counted.get(name, 0)),
                stories=cov.get("stories", sum(1 for s in briefing.stories if name in s.sides)),
            )
        )
    return views


def contrast_rows(briefing: Briefing, sides: list[SideView]) -> list[ContrastRow]:
    by_id = {s.id: s for s in briefing.statements}
    rows = []
    for contrast in briefing.contrasts:
        by_side = {p.side: p for p in contrast.positions}
        cells = []
        for side in sides:
            position = by_side.get(side.name)
            ids = position.statement_ids if position is not None else []
            flags = tuple(position.flags) if position is not None else ()
            cells.append(Cell(side, lead_order(by_id[i] for i in ids if i in by_id), flags))
        rows.append(ContrastRow(contrast, cells, sum(len(c.statements) for c in cells)))
    # Most-discussed topics first; ties keep the analysis' order (sorted() is stable).
    return sorted(rows, key=lambda r: -r.statements)


def manifest_of(briefing: Briefing) -> Manifest:
    """The run's manifest; computed from the briefing for runs stored before manifests existed."""
    if briefing.manifest is not None:
        return briefing.manifest
    return Manifest(
        run_id=briefing.run.id,
        window=briefing.run.window,
        backend=briefing.run.backend,
        model=briefing.run.model,
        feeds={f.name: f.status for f in briefing.feeds},
        statements_verified=sum(1 for s in briefing.statements if s.verified),
        statements_unverified=sum(1 for s in briefing.statements if not s.verified),
        stories=len(briefing.stories),
        stories_failed=sum(1 for s in briefing.stories if "analysis_failed" in s.flags),
        version=briefing.run.version,
    )


def primary_item(story: Story) -> str:
    for listed in story.sources:
        if listed.url == story.url:
            return listed.item_id
    return story.item_ids[0] if story.item_ids else story.id


def _charts(briefing: Briefing, sides: list[SideView]) -> dict[str, Any]:
    kind_of = {i.id: i.source_kind for i in briefing.items}
    kinds = [k for k in _KIND_COLORS if k in set(kind_of.values())] + sorted(
        {k for k in kind_of.values() if k not in _KIND_COLORS}
    )
    legend = [(kind_label(k), _KIND_COLORS.get(k, "#c4c4c4")) for k in kinds]
    by_side: dict[str, Counter[str]] = {s.name: Counter() for s in sides}
    for st in briefing.statements:
        if st.side in by_side:
            by_side[st.side][kind_of.get(st.item_id, "other")] += 1
    side_bars = [
        (
            s.name,
            [
                charts.Bar(
                    "",
                    [
                        charts.Segment(by_side[s.name][k], _KIND_COLORS.get(k, "#c4c4c4"), kind_label(k))
                        for k in kinds
                    ],
                )
            ],
        )
        for s in sides
    ]
    ranked = sorted(briefing.coverage.by_source_kind.items(), key=lambda kv: (-kv[1], kv[0]))
    kind_bars = [
        (kind_label(k), [charts.Bar("", [charts.Segment(n, _KIND_COLORS.get(k, "#4a5d70"), kind_label(k))])])
        for k, n in ranked
    ]
    story_bars = [
        (
            s.name,
            [
                charts.Bar("statements", [charts.Segment(s.statements, s.color, "Statements")]),
                charts.Bar("stories", [charts.Segment(s.stories, charts.lighten(s.color), "Stories")]),
            ],
        )
        for s in sides
    ]
    return {
        "side_kind_chart": charts.bar_chart(
            side_bars,
            label="Attributed statements per side, by kind of source",
            legend=legend,
            axis_label="statements",
        ),
        "kind_chart": charts.bar_chart(kind_bars, label="Stories per kind of source", axis_label="stories"),
        "side_chart": charts.bar_chart(
            story_bars,
            label="Statements and stories per side",
            legend=[("Statements", "#555555"), ("Stories", "#bbbbbb")],
        ),
    }


def _legend(flags: Iterable[str]) -> list[tuple[str, str]]:
    """(marker, what it means) for the marked flags among `flags`, in legend order."""
    present = set(flags)
    return [
        (flag_label(f, True), flag_label(f).partition(": ")[2] or flag_label(f))
        for f in MARKED_FLAGS
        if f in present
    ]


def legend(rows: Iterable[ContrastRow], per_cell: int = 1) -> list[tuple[str, str]]:
    """The legend of the markers a contrast table shows: its cells' flags and those of the first
    `per_cell` statements of each cell."""
    return _legend(
        flag
        for row in rows
        for cell in row.cells
        for flag in [*cell.flags, *(f for st in cell.statements[:per_cell] for f in st.flags)]
    )


def _by_flag(stories: list[Story]) -> dict[str, list[Story]]:
    found: dict[str, list[Story]] = {}
    for story in stories:
        for flag in story.flags:
            found.setdefault(flag, []).append(story)
    return found


def template_context(
    briefing: Briefing, audience: Audience, config: Config, *, markdown: bool = False
) -> dict[str, Any]:
    """Everything a template may use: the briefing plus lookups and numbered sources.

    ``markdown`` switches ``ref`` and ``footnote`` to Markdown (a bracketed number).
    """
    if needs_assessment(briefing):  # stored before descriptors and key judgements, or built by hand
        briefing = assess(briefing, config)
    briefing = for_audience(briefing, audience.name)
    sides = side_views(briefing, config)
    side_by_name = {s.name: s for s in sides}
    unattributed = SideView(UNATTRIBUTED, slug(UNATTRIBUTED), _UNATTRIBUTED_COLOR)
    story_by_id = {s.id: s for s in briefing.stories}
    statements_by_story: dict[str, list[Statement]] = {s.id: [] for s in briefing.stories}
    for st in briefing.statements:
        statements_by_story.setdefault(st.story_id, []).append(st)
    statements_by_story = {k: lead_order(v) for k, v in statements_by_story.items()}

    rows = contrast_rows(briefing, sides)
    table_rows = [r for r in rows if not r.gap]
    gap_rows = [r for r in rows if r.gap]
    index = SourceIndex(briefing)

    def side(name: str | None) -> SideView:
        return side_by_name.get(name or "", unattributed)

    def show(section: str) -> bool:
        return not audience.sections or section in audience.sections

    def watch_report(entry: WatchItem) -> WatchItem | WatchSource:
        """The report of a watch entry to cite: one the reader has already met, else its lead."""
        reports: list[WatchItem | WatchSource] = [entry, *entry.also]
        return next((r for r in reports if index.is_cited(r.item_id)), entry)

    problem_feeds: list[FeedResult] = [f for f in briefing.feeds if f.status in ("error", "paused")]
    window = briefing.run.window
    return {
        "briefing": briefing,
        "run": briefing.run,
        "manifest": manifest_of(briefing),
        "notes": list(briefing.notes),
        "audience": audience,
        "title": audience.title or briefing.title or config.title,
        "author": config.author,
        "classification": audience.classification,
        "issued": briefing.run.created,
        "window_label": format_window(window.since, window.until),
        "version": __version__,
        "sides": sides,
        "side": side,
        "show": show,
        "stories": briefing.stories[: audience.max_stories],
        "story_by_id": story_by_id,
        "item_by_id": {i.id: i for i in briefing.items},
        "statement_by_id": {s.id: s for s in briefing.statements},
        "statements_by_story": statements_by_story,
        "contrast_rows": table_rows,
        "gap_rows": gap_rows,
        "top_contrasts": table_rows[:3],
        "judgements": key_judgements(briefing),
        "caveats": caveats(briefing),
        "legend": legend,
        "legend_all": _legend(briefing.flags),
        "marked_flags": MARKED_FLAGS,
        "noted_flags": NOTED_FLAGS,
        "new_stories": [story_by_id[i] for i in briefing.changes.new_stories if i in story_by_id],
        "new_topics": [briefing.topics.get(t, t) for t in briefing.changes.new_topics],
        # Stories whose analysis is weaker than the rest, for the notes box (single source is a marker).
        "flagged_stories": [s for s in briefing.stories if set(s.flags) & set(NOTED_FLAGS)],
        "stories_by_flag": _by_flag(briefing.stories),
        "unattributed_statements": sum(1 for s in briefing.statements if s.side not in side_by_name),
        "source": index.cite,
        "ref": index.md_ref if markdown else index.html_ref,
        "footnote": index.md_ref if markdown else index.html_footnote,
        "cited_sources": index.cited,
        "all_sources": index.everything,
        "primary_item": primary_item,
        "problem_feeds": problem_feeds,
        "stale_feeds": [f for f in briefing.feeds if f.stale],
        "ok_feeds": [f for f in briefing.feeds if f.status in ("ok", "not_modified")],
        "by_source_kind": dict(briefing.coverage.by_source_kind),
        # What to watch (analysis/watch.py): soonest first; passed and undated ones are marked.
        "watch_upcoming": [w for w in briefing.watch if w.status == "upcoming"],
        # Not begun by the window end ("talks next week" in a fortnight-old item is under way or over).
        "watch_ahead": [
            w
            for w in briefing.watch
            if w.status == "upcoming" and (w.earliest or w.date or window.until.date()) >= window.until.date()
        ],
        "watch_passed": [w for w in briefing.watch if w.status == "passed"],
        "watch_open": [w for w in briefing.watch if w.status == "open"],
        "watch_report": watch_report,
        "watch_kind": WATCH_KINDS,
        **_charts(briefing, sides),
    }
