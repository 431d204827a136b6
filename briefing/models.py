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

from datetime import date as CalendarDate
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FeedStatus = Literal["ok", "not_modified", "error", "paused"]
ResolvedBy = Literal["alias", "affiliation", "feed_default", "model", "unknown"]
StatementKind = Literal["direct", "indirect"]
SpeakerKind = Literal["person", "institution", "group"]
# How much weight a source bears, from the feed kind and the speaker (analysis/sourcing.py).
Descriptor = Literal[
    "official_statement",
    "official_in_media",
    "quoted_in_release",
    "state_media_commentary",
    "expert_in_media",
    "wire_report",
    "trade_press",
    "media_report",
]


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
    flags: list[str] = Field(
        default_factory=list,
        description="fulltext_failed, offline_fallback, analysis_failed, single_source (one outlet, "
        "not an official release).",
    )
    descriptor: Descriptor | None = Field(
        default=None, description="Kind of source of the lead report: official_statement, wire_report ..."
    )


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
    descriptor: Descriptor | None = Field(
        default=None,
        description="Source weight from the feed kind and the speaker: official_statement, "
        "official_in_media, quoted_in_release, state_media_commentary, expert_in_media, wire_report, "
        "trade_press, media_report.",
    )
    flags: list[str] = Field(
        default_factory=list,
        description="single_source, unnamed_group, fulltext_failed, offline_fallback "
        "(analysis/uncertainty.py).",
    )


class Position(Model):
    side: str
    statement_ids: list[str]
    flags: list[str] = Field(
        default_factory=list, description="media_only: no official statement behind this side's position."
    )


class Contrast(Model):
    """The sides' positions on one topic; `gap` when only one side spoke on it."""

    topic: str
    label: str
    positions: list[Position]
    gap: bool = False
    summary: str = Field(
        default="", description="How the sides differ, written by the LLM backend from these statements only."
    )
    flags: list[str] = Field(default_factory=list, description="one_side_only when only one side spoke.")


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


class Judgement(Model):
    """A key judgement: the briefing's own assessment (not a reported fact), resting on what it cites."""

    text: str
    kind: str = Field(
        default="",
        description="contest, measure, silence, sourcing, balance or none (from the data); model (the LLM).",
    )
    basis: Literal["data", "model"] = Field(
        default="data", description="data: phrased by rules from the statements; model: written by the LLM."
    )
    statement_ids: list[str] = Field(default_factory=list)
    story_ids: list[str] = Field(default_factory=list)


class AudienceSynthesis(Model):
    """One audience's synthesis, written in its tone (LLM backend); its briefing shows these."""

    developments: list[Development] = Field(default_factory=list)
    judgements: list[Judgement] = Field(
        default_factory=list, description="None in an Analysis when the model's failed: the data's."
    )
    contrasts: dict[str, str] = Field(default_factory=dict, description="topic id -> contrast sentence")


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
    judgements: list[Judgement] = Field(
        default_factory=list, description="Key judgements by the backend; none: computed from the data."
    )
    syntheses: dict[str, AudienceSynthesis] = Field(
        default_factory=dict, description="audience name -> its own synthesis (LLM backend)."
    )
    model: str | None = Field(default=None, description="The model that wrote the analysis, if any.")


WatchKind = Literal["deadline", "effective", "expiry", "meeting", "publication", "event"]
WatchStatus = Literal["upcoming", "passed", "open"]


class WatchSource(Model):
    """One report a watch entry rests on."""

    item_id: str
    story_id: str
    url: str
    source: str = Field(description="Outlet name.")
    source_kind: str = ""
    title: str = ""
    published: datetime


class WatchItem(Model):
    """A date or deadline stated in the sources ("within 60 days", "suspended until 10 November"),
    resolved to a calendar day from the item's publication date (analysis/watch.py)."""

    id: str
    date: CalendarDate | None = Field(
        description="The day it falls due: the last day the phrase allows ('mid-March' -> 20 March); "
        "null when the text names no resolvable day ('in the coming months', 'next year')."
    )
    when: str = Field(description="The date as a reader sees it: '5 Apr 2026', 'mid-March 2026', the phrase.")
    approximate: bool = Field(default=False, description="The phrase names a stretch of days, not one day.")
    earliest: CalendarDate | None = Field(
        default=None, description="First day the phrase allows ('mid-March' -> 11 March); `date` when exact."
    )
    span: str = Field(default="", description="For a span counted from a start ('within 60 days'): '60 day'.")
    raw: str = Field(description="The phrase as written: 'within 60 days', 'suspended until 10 November'.")
    sentence: str = Field(description="The source sentence, verbatim.")
    label: str = Field(description="What happens, in the sentence's own words.")
    kind: WatchKind
    status: WatchStatus = Field(
        default="open",
        description="Against the briefing's window end: upcoming, passed, or open (no resolvable day).",
    )
    item_id: str
    story_id: str
    url: str
    source: str = Field(default="", description="Outlet name of the item.")
    source_kind: str = ""
    title: str = ""
    published: datetime
    also: list[WatchSource] = Field(default_factory=list, description="Other reports of the same date.")
    carried: bool = Field(default=False, description="Found in an earlier run's items, not in this window.")


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
    judgements: list[Judgement] = Field(
        default_factory=list, description="Three to five key judgements, each citing statements and stories."
    )
    syntheses: dict[str, AudienceSynthesis] = Field(
        default_factory=dict,
        description="audience name -> the developments, judgements and contrast sentences in its own tone.",
    )
    flags: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Uncertainty flag -> ids it marks: statement and story ids, topic ids (one_side_only), "
        "'topic/side' (media_only).",
    )
    items: list[Item] = Field(default_factory=list, description="Every source item of the stories.")
    watch: list[WatchItem] = Field(
        default_factory=list,
        description="What to watch: dates and deadlines from the sources, soonest first, unresolved last.",
    )
    coverage: Coverage = Field(default_factory=Coverage)
    changes: Changes = Field(default_factory=Changes)
    sides: list[str] = Field(default_factory=list)
    topics: dict[str, str] = Field(default_factory=dict, description="topic id -> label")
    manifest: Manifest | None = None
    notes: list[str] = Field(
        default_factory=list, description="Run-level remarks (budget hit, fallbacks ...)."
    )
