"""The whole job, top to bottom: ingest -> select -> analyse -> render -> record.

    run(config, options)
      1. ingest: every feed fetched and parsed; items and feed health stored   (sources.ingest)
      2. full text for headline-only items in the window                       (sources.ingest)
      3. stories: on-topic items in the window, duplicates merged              (select)
      4. analysis: summaries, statements, contrasts by the chosen backend      (analysis)
      5. the Briefing: stories + analysis + coverage + what changed            (models.Briefing)
         + what to watch: dates and deadlines, stored and carried over        (analysis.watch)
      6. documents: every audience rendered in memory first, then written      (render)
      7. email to each audience's recipients, when asked; never twice          (deliver)
      8. the run recorded in the store so it can be re-rendered or compared    (store, history)
      9. old runs and their files pruned by the retention setting              (history)

The whole run holds the store's lock (a second run exits 4 at once) and is recorded as
`running` from the start, so a failed or killed run shows in `briefing history`.

Per-feed and per-story failures are carried in the Briefing, not raised; the exit code
says whether everything worked (0) or the briefing was written with failures (3).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from briefing import __version__, alerts, deliver, history, render
from briefing.analysis import coverage, get_backend, watch
from briefing.analysis.tradecraft import assess
from briefing.changes import changes_by_audience
from briefing.config import Audience, Config
from briefing.errors import ExitCode, UsageError
from briefing.lock import store_lock
from briefing.models import Analysis, Briefing, Changes, FeedResult, Item, Manifest, RunInfo, Story, Window
from briefing.select import select_stories
from briefing.sources.ingest import fill_fulltext, ingest
from briefing.store import Store
from briefing.window import resolve

FORMATS = ("pdf", "html", "md", "json")
_EPSILON = timedelta(microseconds=1)


@dataclass
class Options:
    audiences: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    backend: str | None = None
    output: Path | None = None
    formats: tuple[str, ...] = ("pdf",)
    now: datetime | None = None
    transport: httpx.AsyncBaseTransport | None = None
    on_feed: Callable[[str, FeedResult], None] | None = None
    # Set by briefing.schedule: the schedule this run belongs to (its id and window follow from it).
    schedule: str | None = None
    email: bool = False
    on_stage: Callable[[str], None] | None = None


@dataclass
class RunResult:
    briefing: Briefing
    outputs: list[Path]
    exit_code: ExitCode
    problems: list[str]


def choose_backend(requested: str, config: Config) -> str:
    """`auto` means the LLM backend when an endpoint or key is configured, else offline."""
    if requested != "auto":
        return requested
    settings = config.analysis.openai
    # The same lookup as the client's: the key from the variable the config names, else the SDK's.
    configured = (
        settings.base_url
        or os.environ.get(settings.api_key_env or "OPENAI_API_KEY")
        or os.environ.get("OPENAI_BASE_URL")
    )
    if not configured:
        return "offline"
    try:
        get_backend("openai")
    except KeyError:
        return "offline"
    return "openai"


def choose_audiences(config: Config, names: list[str]) -> list[Audience]:
    """The configured audiences named (all when none is); UsageError for an unknown name."""
    if not names:
        return list(config.audiences)
    chosen = []
    for name in names:
        audience = config.audience(name)
        if audience is None:
            known = ", ".join(a.name for a in config.audiences)
            raise UsageError(f"unknown audience {name!r} (configured: {known})")
        chosen.append(audience)
    return chosen


def _formats(formats: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    return formats


def run_id(window: Window, now: datetime, schedule: str | None = None) -> str:
    """A scheduled run is named by its schedule and fire time (the window end), so re-running it
    replaces its record and its deliveries are not repeated; an on-demand run by its start time."""
    if schedule:
        return f"{schedule}-{window.until.astimezone(UTC):%Y%m%dT%H%MZ}"
    digest = hashlib.sha1(f"{window.since.isoformat()}|{window.until.isoformat()}".encode()).hexdigest()[:6]
    return f"{now:%Y%m%dT%H%M%SZ}-{digest}"


def assemble(
    config: Config,
    info: RunInfo,
    feeds: list[FeedResult],
    stories: list[Story],
    items: dict[str, Item],
    analysis: Analysis,
) -> Briefing:
    summarised = []
    for story in stories:
        story_statements = [s for s in analysis.statements if s.story_id == story.id]
        flags = list(story.flags)
        if story.id in analysis.failed_stories:
            flags.append("analysis_failed")
        if story.id in analysis.fallback_stories:
            flags.append("offline_fallback")
        summarised.append(
            story.model_copy(
                update={
                    "summary": analysis.summaries.get(story.id, story.summary),
                    "topics": sorted({s.topic for s in story_statements if s.topic}),
                    "minerals": sorted({m for s in story_statements for m in s.minerals}),
                    "sides": [
                        side for side in config.side_names() if any(s.side == side for s in story_statements)
                    ],
                    "flags": flags,
                }
            )
        )
    used = [items[i] for story in stories for i in story.item_ids if i in items]
    info = info.model_copy(update={"usage": analysis.usage})
    manifest = Manifest(
        run_id=info.id,
        window=info.window,
        backend=info.backend,
        model=info.model,
        prompts=analysis.prompts,
        feeds={f.name: f.status for f in feeds},
        statements_verified=sum(1 for s in analysis.statements if s.verified),
        statements_unverified=sum(1 for s in analysis.statements if not s.verified),
        statements_dropped=sum(n for reason, n in analysis.dropped.items() if ":" not in reason),
        dropped=analysis.dropped,
        stories=len(stories),
        stories_failed=len(analysis.failed_stories),
        version=info.version,
    )
    briefing = Briefing(
        title=config.title,
        run=info,
        manifest=manifest,
        notes=analysis.notes,
        feeds=feeds,
        stories=summarised,
        statements=analysis.statements,
        contrasts=analysis.contrasts,
        developments=analysis.developments,
        judgements=analysis.judgements,
        syntheses=analysis.syntheses,
        items=used,
        coverage=coverage(summarised, analysis.statements, items, config),
        sides=config.side_names(),
        topics={t.id: t.label for t in config.topics.taxonomy},
    )
    # Source descriptors, uncertainty flags and key judgements (computed when the backend wrote none).
    return assess(briefing, config)


def _span(briefing: Briefing) -> str:
    window = briefing.run.window
    return f"{window.since:%d %b %Y} to {(window.until - _EPSILON):%d %b %Y}"


def write_documents(
    briefing: Briefing,
    config: Config,
    audiences: list[Audience],
    formats: tuple[str, ...],
    folder: Path,
    changes: dict[str, Changes] | None = None,
) -> list[Path]:
    """Render every audience in memory (template errors stop here), then write the files.

    `changes` gives each audience what changed since its own previous briefing."""
    documents: list[tuple[Audience, str, str | None, str | None]] = []
    for audience in audiences:
        view = briefing
        if changes and audience.name in changes:
            view = briefing.model_copy(update={"changes": changes[audience.name]})
        html = render.render_html(view, audience, config)
        # The .html file carries its stylesheet inline: it is read away from the templates.
        page = render.render_html(view, audience, config, standalone=True) if "html" in formats else None
        markdown = render.render_markdown(view, audience, config) if "md" in formats else None
        documents.append((audience, html, page, markdown))
    folder.mkdir(parents=True, exist_ok=True)
    templates = render.template_dirs(config)
    outputs: list[Path] = []
    for audience, html, page, markdown in documents:
        if "pdf" in formats:
            path = folder / f"{audience.name}.pdf"
            render.write_pdf(
                html,
                path,
                title=f"{audience.title or briefing.title}",
                author=config.author,
                subject=f"{briefing.title}, {_span(briefing)}",
                keywords=[briefing.topics.get(c.topic, c.topic) for c in briefing.contrasts][:8],
                templates=templates,
                created=briefing.run.created,
                limits=render.render_limits(config),
            )
            outputs.append(path)
        if page is not None:
            path = folder / f"{audience.name}.html"
            render.write_text_atomic(path, page)
            outputs.append(path)
        if markdown is not None:
            path = folder / f"{audience.name}.md"
            render.write_text_atomic(path, markdown)
            outputs.append(path)
    path = folder / "briefing.json"
    render.write_text_atomic(path, briefing.model_dump_json(indent=2))
    outputs.append(path)
    return outputs


def run(config: Config, options: Options) -> RunResult:
    now = options.now or datetime.now(UTC)
    window = resolve(options.since, options.until, config.window, now)
    audiences = choose_audiences(config, options.audiences)
    formats = _formats(options.formats)
    backend_name = choose_backend(options.backend or config.analysis.backend, config)
    try:
        backend = get_backend(backend_name)
    except KeyError:
        raise UsageError(f"the {backend_name!r} analysis backend is not available") from None
    preflight = getattr(backend, "preflight", None)
    if preflight is not None:
        preflight(config)  # e.g. the LLM backend's key: before anything is fetched or recorded

    stage = options.on_stage or (lambda name: None)
    store_path = config.resolve(config.store)
    this_run = run_id(window, now, options.schedule)
    with (
        store_lock(store_path),
        Store(store_path) as store,
        history.attempt(
            store,
            this_run,
            created=now,
            window=window,
            audiences=[a.name for a in audiences],
            backend=backend_name,
            schedule=options.schedule,
        ),
    ):
        stage("fetching feeds")
        feeds = ingest(config, store, progress=options.on_feed, transport=options.transport)
        feeds, feed_notes = alerts.feed_alerts(feeds, store, window.until, config.alerts.stale_after_days)
        items = store.items_between(window.since, window.until, feeds=[f.name for f in config.feeds])
        stage("fetching full text")
        items = fill_fulltext(items, config, store, transport=options.transport)
        stories = select_stories(items, config)
        item_map = {i.id: i for i in items}
        stage(f"analysing {len(stories)} stories")
        if "pdf" in formats:  # the PDF worker starts up (about half a second) while the analysis runs
            render.start_worker(render.render_limits(config))
        # The backend sees only the audiences of this run (the LLM one writes a synthesis for each).
        analysis = backend.analyse(stories, item_map, config.model_copy(update={"audiences": audiences}))

        info = RunInfo(
            id=this_run,
            created=now,
            window=window,
            backend=backend_name,
            model=analysis.model or getattr(backend, "model", None),
            config=str(config.path),
            version=__version__,
        )
        briefing = assemble(config, info, feeds, stories, item_map, analysis)
        # Each audience is compared with its own previous briefing; briefing.json keeps the first's.
        changes = changes_by_audience(store, briefing, [a.name for a in audiences], now, exclude=this_run)
        briefing = briefing.model_copy(
            update={"changes": changes[audiences[0].name], "notes": [*briefing.notes, *feed_notes]}
        )
        # Dates and deadlines in this window's stories, with the still-open ones from earlier runs.
        watching = watch.update(store, stories, item_map, window, this_run)
        briefing = briefing.model_copy(update={"watch": watching})

        problems = [f"feed {f.name}: {f.error}" for f in feeds if f.status in ("error", "paused")]
        problems += [f"story {sid}: {why}" for sid, why in analysis.failed_stories.items()]
        output_root = options.output or config.resolve(config.output)
        folder = output_root / f"{(window.until - _EPSILON):%Y-%m-%d}"
        stage("writing documents")
        outputs = write_documents(briefing, config, audiences, formats, folder, changes)
        if options.email:
            stage("sending email")
            problems += deliver.deliver(store, config, briefing, outputs, audiences)
        store.save_run(
            info.id,
            created=now,
            since=window.since,
            until=window.until,
            audiences=[a.name for a in audiences],
            backend=backend_name,
            status="partial" if problems else "ok",
            briefing_json=briefing.model_dump_json(),
            outputs=[str(p) for p in outputs],
        )
        history.prune(store, config.retention, now)
    return RunResult(
        briefing=briefing,
        outputs=outputs,
        exit_code=ExitCode.PARTIAL if problems else ExitCode.OK,
        problems=problems,
    )
