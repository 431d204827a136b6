"""The data passed between stages.

    sources  -> FeedResult (+ Item)      fetched and parsed feed items
    store    -> Item                     what is kept in SQLite
    select   -> Story                    on-topic items in the window, duplicates merged
    analyse  -> Analysis                 summaries, Statements, Contrasts, coverage
    pipeline -> Briefing                 everything a template renders; written as briefing.json

All of these are pydantic models so that `briefing.json` can be written, read back and
re-rendered (`briefing render`) without re-running any stage, and so an LLM backend can
be asked for JSON that follows the same schema the code validates with.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FeedStatus = Literal["ok", "not_modified", "error", "paused"]
ResolvedBy = Literal["alias", "affiliation", "feed_default", "model", "unknown"]
StatementKind = Literal["direct", "indirect"]
SpeakerKind = Literal["person", "institution", "group"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Item(Model):
    """One feed entry as stored: identifiers, sanitised text and where it came from."""

    id: str = Field(description="Stable id of the item in the store, e.g. 'i-3fa29c1b0d2e'.")
    feed: str = Field(description="Name of the configured feed the item came from.")
    guid: str
    title: str
    url: str = Field(description="Canonical link to the article.")
    source: str = Field(description="Outlet name (Google News <source>, else the feed name).")
    source_kind: str = Field(description="Feed kind: government, state_media, wire, ...")
    published: datetime = Field(description="Publication time in UTC.")
    published_raw: str = ""
    summary: str = Field(default="", description="Plain-text summary from the feed.")
    summary_html: str = Field(default="", description="Sanitised HTML summary.")
    text: str = Field(default="", description="Plain full text used for analysis and quote checks.")
    language: str | None = None
    flags: list[str] = Field(default_factory=list)


class FeedResult(Model):
    """What happened to one feed in one run."""

    name: str
    url: str
    kind: str = ""
    status: FeedStatus
    error: str | None = None
    items: int = Field(default=0, description="Items in the feed document.")
    new: int = 0
    updated: int = 0
    last_new_item: datetime | None = Field(
        default=None, description="Publication time of the feed's latest stored item before the window end."
    )
    stale: bool = Field(
        default=False, description="No new item for `alerts.stale_after_days` before the window end."
    )


class StorySource(Model):
    item_id: str
    feed: str
    source: str
    url: str
    published: datetime


class Story(Model):
    """One news event: an item plus its duplicates and syndicated copies."""

    id: str
    title: str
    url: str
    source: str
    source_kind: str
    published: datetime
    summary: str = ""
    item_ids: list[str]
    sources: list[StorySource] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    sides: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


class Statement(Model):
    """Who said what: one attributed statement, traceable to its source text."""

    id: str
    story_id: str
    item_id: str
    speaker: str = Field(description="Person or institution quoted, as named in the text.")
    speaker_title: str = Field(default="", description="Description given in the text (role, affiliation).")
    organization: str | None = None
    actor: str | None = Field(default=None, description="Configured actor the speaker belongs to.")
    side: str | None = Field(default=None, description="Configured side, or null when unknown.")
    resolved_by: ResolvedBy = "unknown"
    kind: StatementKind = "indirect"
    speaker_kind: SpeakerKind | None = Field(
        default=None,
        description="person (named), institution (or an unnamed official speaking for one), group "
        "(experts, analysts, sources); null when the backend does not say.",
    )
    quote: str = Field(description="Verbatim text from the item: the quote, or the attributed sentence.")
    claim: str = Field(description="The attributed sentence the quote stands in.")
    start: int = Field(description="Character offset of `quote` in the item's stored text.")
    end: int
    topic: str | None = None
    minerals: list[str] = Field(default_factory=list)
    url: str = ""
    verified: bool = Field(description="True when `quote` was found at [start:end) of the item text.")
    translation: str | None = Field(
        default=None, description="English translation of a non-English quote; `quote` keeps the original."
    )


class Position(Model):
    side: str
    statement_ids: list[str]


class Contrast(Model):
    """The sides' positions on one topic; `gap` when only one side spoke on it."""

    topic: str
    label: str
    positions: list[Position]
    gap: bool = False
    summary: str = Field(
        default="", description="How the sides differ, written by the LLM backend from these statements only."
    )


class Coverage(Model):
    by_side: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="side -> {'statements': n, 'stories': n}"
    )
    by_source_kind: dict[str, int] = Field(
        default_factory=dict, description="kind of the story's lead item -> stories (each story once)"
    )
    statements_by_source_kind: dict[str, int] = Field(
        default_factory=dict,
        description="kind of the statement's item, or 'experts' (academics, analysts) -> statements",
    )


class Changes(Model):
    previous_run: str | None = None
    audience: str | None = Field(default=None, description="Whose previous briefing this compares with.")
    new_stories: list[str] = Field(default_factory=list)
    new_topics: list[str] = Field(default_factory=list)
    new_actors: list[str] = Field(default_factory=list)
    quiet_actors: list[str] = Field(default_factory=list)


class Usage(Model):
    calls: int = Field(default=0, description="Requests sent to the model (cache hits excluded).")
    cached_calls: int = Field(default=0, description="Results served from the local cache.")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = Field(default=0, description="Prompt tokens the provider reported as cached.")
    estimated_cost: float | None = Field(default=None, description="From the configured price table.")


class Development(Model):
    """A key development written by the LLM backend; it rests on the statements it cites."""

    text: str
    statement_ids: list[str] = Field(min_length=1)
    story_ids: list[str] = Field(default_factory=list, description="Stories of the cited statements.")


class Analysis(Model):
    """What an analysis backend returns for a set of stories."""

    summaries: dict[str, str] = Field(default_factory=dict, description="story id -> summary")
    statements: list[Statement] = Field(default_factory=list)
    contrasts: list[Contrast] = Field(default_factory=list)
    failed_stories: dict[str, str] = Field(default_factory=dict, description="story id -> reason")
    fallback_stories: list[str] = Field(
        default_factory=list, description="Stories the offline backend analysed because the LLM failed."
    )
    dropped: dict[str, int] = Field(
        default_factory=dict, description="Reason -> statements dropped by grounding checks."
    )
    usage: Usage = Field(default_factory=Usage)
    prompts: dict[str, str] = Field(default_factory=dict, description="Prompt template name -> sha256.")
    notes: list[str] = Field(default_factory=list, description="Run-level remarks shown in the briefing.")
    developments: list[Development] = Field(default_factory=list, description="Key developments (LLM only).")
    model: str | None = Field(default=None, description="The model that wrote the analysis, if any.")


class Window(Model):
    since: datetime
    until: datetime


class RunInfo(Model):
    id: str
    created: datetime
    window: Window
    backend: str
    model: str | None = None
    usage: Usage = Field(default_factory=Usage)
    config: str = Field(default="", description="Path of the config file used.")
    version: str = ""


class Manifest(Model):
    """What a reader needs to reproduce or audit a briefing; shown as a colophon."""

    run_id: str
    window: Window
    backend: str
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict, description="Prompt template name -> sha256.")
    feeds: dict[str, str] = Field(default_factory=dict, description="Feed name -> status.")
    statements_verified: int = 0
    statements_unverified: int = 0
    statements_dropped: int = 0
    dropped: dict[str, int] = Field(
        default_factory=dict,
        description="Reason -> model output dropped by grounding ('summary:...', 'synthesis:...' for prose).",
    )
    stories: int = 0
    stories_failed: int = 0
    version: str = ""


class Briefing(Model):
    """Everything a template renders. Written as `briefing.json`."""

    title: str
    run: RunInfo
    feeds: list[FeedResult]
    stories: list[Story]
    statements: list[Statement]
    contrasts: list[Contrast]
    developments: list[Development] = Field(
        default_factory=list, description="Key developments from the LLM backend, each citing statements."
    )
    items: list[Item] = Field(default_factory=list, description="Every source item of the stories.")
    coverage: Coverage = Field(default_factory=Coverage)
    changes: Changes = Field(default_factory=Changes)
    sides: list[str] = Field(default_factory=list)
    topics: dict[str, str] = Field(default_factory=dict, description="topic id -> label")
    manifest: Manifest | None = None
    notes: list[str] = Field(
        default_factory=list, description="Run-level remarks (budget hit, fallbacks ...)."
    )
