"""What an operator sees: log lines (text or JSON), progress on a terminal, the run summary.

    --quiet            warnings and errors only (cron mails nothing when all went well)
    --verbose          debug lines too
    --log-format json  one JSON object per line on standard error, for schedulers and log shippers

Progress bars (fetching, then each later stage) appear only on a terminal with text logs;
otherwise every feed and stage is a plain log line. Output paths always go to standard output,
one per line, so scripts can read them whatever the log settings.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from briefing.models import Briefing, FeedResult

LOG = logging.getLogger("briefing")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Output:
    quiet: bool = False
    verbose: bool = False
    json: bool = False

    @property
    def bars(self) -> bool:
        return not self.quiet and not self.json and _console().is_terminal


_current = Output()


def _console() -> Console:
    return Console(stderr=True)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextHandler(logging.Handler):
    """Plain lines on standard error; `warning:` / `error:` in colour on a terminal."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.levelno >= logging.ERROR:
                self.console.print("[bold red]error:[/] ", end="", highlight=False)
            elif record.levelno >= logging.WARNING:
                self.console.print("[yellow]warning:[/] ", end="", highlight=False)
            self.console.print(message, markup=False, highlight=False, soft_wrap=True)
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


def setup(*, quiet: bool = False, verbose: bool = False, log_format: str = "text") -> Output:
    """Route the `briefing` loggers to standard error at the chosen level and format."""
    global _current
    _current = Output(quiet=quiet, verbose=verbose, json=log_format == "json")
    handler: logging.Handler
    if _current.json:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    else:
        handler = TextHandler(_console())
    LOG.handlers = [handler]
    LOG.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
    LOG.propagate = False
    return _current


def current() -> Output:
    return _current


def options(command: F) -> F:
    """--quiet, --verbose and --log-format for a command; they call `setup` before it runs."""

    def configure(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        ctx.meta[f"briefing.log.{param.name}"] = value
        meta = ctx.meta
        setup(
            quiet=bool(meta.get("briefing.log.quiet")),
            verbose=bool(meta.get("briefing.log.verbose")),
            log_format=str(meta.get("briefing.log.log_format") or "text"),
        )
        return value

    decorators = [
        click.option(
            "--quiet",
            "-q",
            is_flag=True,
            callback=configure,
            expose_value=False,
            help="Only warnings, errors and the output paths.",
        ),
        click.option(
            "--verbose", "-v", is_flag=True, callback=configure, expose_value=False, help="Debug lines too."
        ),
        click.option(
            "--log-format",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
            callback=configure,
            expose_value=False,
            help="json: one JSON object per line.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@contextmanager
def progress(feeds: int) -> Iterator[tuple[Callable[[str, FeedResult], None], Callable[[str], None]]]:
    """(on_feed, on_stage) callbacks for pipeline.Options: bars on a terminal, log lines otherwise."""

    def feed_line(name: str, result: FeedResult) -> None:
        detail = result.error or f"{result.new} new, {result.updated} updated"
        level = logging.INFO if result.status in ("ok", "not_modified") else logging.WARNING
        LOG.log(
            level,
            "feed %s: %s (%s)",
            name,
            result.status,
            detail,
            extra={"fields": {"feed": name, "status": result.status, "new": result.new}},
        )

    if not _current.bars:
        yield feed_line, lambda stage: LOG.info("%s", stage, extra={"fields": {"stage": stage}})
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_console(), transient=True) as bar:
        fetching = bar.add_task("fetching feeds", total=feeds)
        stage_task: list[Any] = []

        def on_feed(name: str, result: FeedResult) -> None:
            bar.advance(fetching)
            if result.status not in ("ok", "not_modified"):
                feed_line(name, result)

        def on_stage(stage: str) -> None:
            if stage == "fetching feeds":
                return
            bar.update(fetching, completed=feeds)
            if stage_task:
                bar.update(stage_task[0], completed=1, total=1)
            stage_task[:] = [bar.add_task(stage, total=None)]
            LOG.debug("%s", stage)

        yield on_feed, on_stage


def json_error(message: str, exit_code: int) -> bool:
    """Log a fatal error as a JSON line when JSON logs were asked for; False otherwise."""
    if not _current.json:
        return False
    LOG.error(message, extra={"fields": {"event": "error", "exit_code": exit_code}})
    return True


def summary(b: Briefing, problems: list[str], outputs: list[Path]) -> None:
    """The one line at the end of a run: stories, statements by side, failures, tokens, files."""
    sides = ", ".join(f"{side} {c.get('statements', 0)}" for side, c in b.coverage.by_side.items())
    failed = [f.name for f in b.feeds if f.status in ("error", "paused")]
    stale = [f.name for f in b.feeds if f.stale]
    usage = b.run.usage
    tokens = usage.prompt_tokens + usage.completion_tokens
    cost = f", est. ${usage.estimated_cost:.2f}" if usage.estimated_cost is not None else ""
    message = (
        f"run {b.run.id}: {len(b.stories)} stories, {len(b.statements)} statements"
        + (f" ({sides})" if sides else "")
        + f"; {len(failed)} feeds failed, {len(stale)} stale, {len(problems)} problems"
        + f"; {tokens} tokens{cost}; backend {b.run.backend}; {len(outputs)} files: "
        + ", ".join(str(p) for p in outputs)
    )
    LOG.info(
        message,
        extra={
            "fields": {
                "event": "summary",
                "run_id": b.run.id,
                "stories": len(b.stories),
                "statements": len(b.statements),
                "by_side": {side: c.get("statements", 0) for side, c in b.coverage.by_side.items()},
                "feeds_failed": failed,
                "feeds_stale": stale,
                "problems": problems,
                "tokens": tokens,
                "estimated_cost": usage.estimated_cost,
                "backend": b.run.backend,
                "outputs": [str(p) for p in outputs],
            }
        },
    )
    for problem in problems:
        LOG.warning("%s", problem)
