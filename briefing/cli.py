"""The command line. The only place where exceptions become messages and exit codes.

Exit codes (README.md documents them): 0 done; 1 failed, nothing written; 2 usage or
config error; 3 briefing written but some feeds, stories or deliveries failed; 4 another
run holds the store's lock, nothing done.
Set BRIEFING_DEBUG=1 (or pass --debug) to see tracebacks.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from briefing import __version__, cli_operate, cli_options, cli_render, logs
from briefing import config as config_module
from briefing.cli_options import config_option
from briefing.errors import BriefingError, ExitCode
from briefing.models import FeedResult

err = Console(stderr=True)
out = Console()


def _fail(exc: BaseException, debug: bool) -> None:
    if debug or os.environ.get("BRIEFING_DEBUG"):
        traceback.print_exception(exc)
    if isinstance(exc, BriefingError) and logs.json_error(str(exc), int(exc.exit_code)):
        sys.exit(int(exc.exit_code))
    if isinstance(exc, BriefingError):
        # Escaped: messages name config sections such as [email], which are not markup.
        err.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(int(exc.exit_code))
    err.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: {exc}", highlight=False, soft_wrap=True)
    err.print("Run again with BRIEFING_DEBUG=1 for the traceback.")
    sys.exit(int(ExitCode.FAILED))


@contextmanager
def feed_progress(total: int, quiet: bool) -> Iterator[Callable[[str, FeedResult], None]]:
    """A progress bar on a terminal, one plain line per feed otherwise."""
    if quiet:
        yield lambda name, result: None
        return
    if not err.is_terminal:

        def line(name: str, result: FeedResult) -> None:
            detail = result.error or f"{result.new} new, {result.updated} updated"
            err.print(f"feed {name}: {result.status} ({detail})", highlight=False, soft_wrap=True)

        yield line
        return
    with Progress(
        TextColumn("fetching feeds"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    ) as progress:
        task = progress.add_task("feeds", total=total)
        yield lambda name, result: progress.advance(task)


def emit_table(title: str, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """The shared table (`cli_options.emit_table`), with status colours in the cells."""
    cli_options.emit_table(out, title, headers, rows, markup=True)


def feed_table(results: list[FeedResult]) -> None:
    rows = []
    for r in results:
        colour = {"ok": "green", "not_modified": "cyan"}.get(r.status, "red")
        rows.append(
            (r.name, f"[{colour}]{r.status}[/]", str(r.items), str(r.new), str(r.updated), r.error or "")
        )
    emit_table("Feeds", ("feed", "status", "items", "new", "updated", "error"), rows)


class Main(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # the one place errors become exit codes
            _fail(exc, bool(ctx.params.get("debug")))


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def main(debug: bool) -> None:
    """Turn news feeds into sourced policy briefings: who said what, side by side.

    Exit codes: 0 done; 1 failed, nothing written; 2 usage or config error;
    3 briefing written but some feeds, stories or deliveries failed; 4 another run
    holds the store's lock (nothing done).
    """


@main.command()
@config_option
@click.option(
    "--audience", "-a", "audiences", multiple=True, help="Audience to render (repeatable; default all)."
)
@click.option("--since", help="Window start: ISO date/datetime or a span back from now (7d, 36h).")
@click.option("--until", help="Window end: ISO date/datetime or a span back from now. Default: now.")
@click.option("--backend", type=click.Choice(["auto", "offline", "openai"]), help="Analysis backend.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option(
    "--format", "formats", default="pdf", show_default=True, help="Comma-separated: pdf,html,md,json."
)
@logs.options
def run(
    config_path: str,
    audiences: tuple[str, ...],
    since: str | None,
    until: str | None,
    backend: str | None,
    output: Path | None,
    formats: str,
) -> None:
    """Fetch the feeds, analyse the window and write the briefings."""
    from briefing import pipeline

    config = config_module.load(config_path)
    with logs.progress(len(config.feeds)) as (on_feed, on_stage):
        result = pipeline.run(
            config,
            pipeline.Options(
                audiences=list(audiences),
                since=since,
                until=until,
                backend=backend,
                output=output,
                formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
                on_feed=on_feed,
                on_stage=on_stage,
            ),
        )
    logs.summary(result.briefing, result.problems, result.outputs)
    for path in result.outputs:
        out.print(str(path), highlight=False, soft_wrap=True)
    sys.exit(int(result.exit_code))


@main.command()
@config_option
@click.option("--quiet", "-q", is_flag=True, help="No progress, only the table.")
def fetch(config_path: str, quiet: bool) -> None:
    """Fetch and store every feed without analysing (ingest only)."""
    from briefing.lock import store_lock
    from briefing.sources.ingest import ingest
    from briefing.store import Store

    config = config_module.load(config_path)
    path = config.resolve(config.store)
    with store_lock(path), Store(path) as store, feed_progress(len(config.feeds), quiet) as on_feed:
        results = ingest(config, store, progress=on_feed)
    feed_table(results)
    failed = any(r.status in ("error", "paused") for r in results)
    sys.exit(int(ExitCode.PARTIAL if failed else ExitCode.OK))


@main.command()
@config_option
def feeds(config_path: str) -> None:
    """Show the health of every feed, paused ones included, and why."""
    from briefing.store import Store

    config = config_module.load(config_path)
    with Store(config.resolve(config.store)) as store:
        states = {s.name: s for s in store.feed_states()}
    rows: list[tuple[str, ...]] = []
    for feed in config.feeds:
        state = states.get(feed.name)
        if state is None:
            rows.append((feed.name, feed.kind, "never fetched", "0", "", ""))
            continue
        status = (
            f"[red]paused: {state.paused_reason}[/]"
            if state.paused_reason
            else ("[yellow]failing[/]" if state.failures else "[green]ok[/]")
        )
        rows.append(
            (
                feed.name,
                feed.kind,
                status,
                str(state.failures),
                state.last_success or "never",
                state.last_error or "",
            )
        )
    emit_table("Feed health", ("feed", "kind", "state", "failures", "last success", "last error"), rows)


@main.command(name="eval")
@click.option(
    "--set",
    "sets",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A labelled set file or a folder of them (repeatable). Default: tests/data/eval.",
)
@click.option("--backend", default="offline", show_default=True, help="Analysis backend to score.")
@click.option("--verbose", "-v", is_flag=True, help="List every miss, extra statement and wrong side.")
def eval_command(sets: tuple[Path, ...], backend: str, verbose: bool) -> None:
    """Score statement extraction against labelled sets: precision, recall, side accuracy."""
    from briefing.analysis import evaluate

    chosen = list(sets)
    if not chosen:
        default = evaluate.default_set_dir()
        if default is None:
            raise click.UsageError("no labelled sets here; give one with --set PATH")
        chosen = [default]
    files = evaluate.set_files(chosen)
    scores = [evaluate.evaluate(evaluate.load_set(path), backend) for path in files]
    for line in evaluate.report(scores, verbose=verbose):
        out.print(line, highlight=False, soft_wrap=True, markup=False)
    if any(score.failed for score in scores):
        sys.exit(int(ExitCode.FAILED))  # the backend broke on an item: not a score, a bug


main.add_command(cli_operate.schedule)
main.add_command(cli_operate.history_command)
main.add_command(cli_operate.show)
main.add_command(cli_render.render_command)
main.add_command(cli_render.init_command)


if __name__ == "__main__":  # pragma: no cover
    main()
