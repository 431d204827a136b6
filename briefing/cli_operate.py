"""The operator's commands: `briefing schedule`, `briefing history`, `briefing show RUN_ID`.

Registered on the main group in cli.py, which turns their exceptions into exit codes.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from briefing import config as config_module
from briefing import history, logs
from briefing.cli_options import config_option, emit_table
from briefing.config import Config, Schedule
from briefing.store import Store
from briefing.window import parse_when

if TYPE_CHECKING:
    from briefing.pipeline import RunResult

out = Console()


def emit(title: str, headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """The shared table (`cli_options.emit_table`); cells are plain text, never markup."""
    emit_table(out, title, headers, rows)


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _span(record: history.RunRecord) -> str:
    last_day = record.window.until - timedelta(microseconds=1)
    return f"{record.window.since:%Y-%m-%d} to {last_day:%Y-%m-%d}"


def run_and_report(
    config: Config, schedule: Schedule, fire: datetime, *, now: datetime | None = None
) -> RunResult:
    """One scheduled run with progress and the summary line (the CLI's Scheduler runner)."""
    from briefing.schedule import run_schedule

    with logs.progress(len(config.feeds)) as (on_feed, on_stage):
        result = run_schedule(config, schedule, fire, now=now, on_feed=on_feed, on_stage=on_stage)
    logs.summary(result.briefing, result.problems, result.outputs)
    return result


@click.command()
@config_option
@click.option(
    "--run", "run_name", metavar="NAME", help="Run schedule NAME once for its latest fire time, then exit."
)
@click.option(
    "--print",
    "print_as",
    type=click.Choice(["cron", "systemd"]),
    help="Print crontab lines or systemd units.",
)
@click.option("--list", "list_only", is_flag=True, help="List the schedules with their last and next runs.")
@click.option(
    "--at",
    metavar="WHEN",
    help="With --run: the latest fire time at or before WHEN (ISO date/datetime or 3d), not now.",
)
@click.argument("names", nargs=-1)
@logs.options
def schedule(
    config_path: str,
    run_name: str | None,
    print_as: str | None,
    list_only: bool,
    at: str | None,
    names: tuple[str, ...],
) -> None:
    """Run the configured [[schedules]] in the foreground (or only NAMES).

    Logs every run, carries on after a failed one and, at start, catches up one missed run per
    schedule. Stop with Ctrl-C or SIGTERM (the current run finishes first).
    """
    from briefing import schedule as scheduling

    config = config_module.load(config_path)
    if print_as:
        chosen = scheduling.chosen(config, names)
        text = (
            scheduling.crontab(config, chosen)
            if print_as == "cron"
            else scheduling.systemd_text(config, chosen)
        )
        click.echo(text, nl=False)
        return
    if list_only:
        _list(config, scheduling.chosen(config, names))
        return
    if run_name:
        chosen_one = scheduling.chosen(config, [run_name])[0]
        now = datetime.now(UTC)
        fire = scheduling.latest_fire(chosen_one, parse_when(at, now) if at else now)
        result = run_and_report(config, chosen_one, fire, now=now)
        for path in result.outputs:
            click.echo(str(path))
        sys.exit(int(result.exit_code))
    scheduler = scheduling.Scheduler(config, scheduling.chosen(config, names), runner=run_and_report)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.stop())
    with suppress(KeyboardInterrupt):
        scheduler.serve()
    logs.LOG.info("scheduler stopped")


def _list(config: Config, schedules: list[Schedule]) -> None:
    from briefing import cron

    now = datetime.now(UTC)
    rows = []
    with Store(config.resolve(config.store)) as store:
        for s in schedules:
            records = history.scheduled(store, s.name)
            last = f"{records[0].id} ({records[0].status})" if records else "never"
            fire = cron.next_fire(cron.trigger(s.cron, s.timezone), now)
            rows.append(
                (
                    s.name,
                    f"{s.cron} ({s.timezone})",
                    ", ".join(s.audiences) or "all",
                    "yes" if s.email else "no",
                    last,
                    _when(fire),
                )
            )
    emit("Schedules", ("schedule", "cron", "audiences", "email", "last run", "next run"), rows)


def _record_json(record: history.RunRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "created": record.created.isoformat(),
        "since": record.window.since.isoformat(),
        "until": record.window.until.isoformat(),
        "schedule": record.schedule,
        "audiences": record.audiences,
        "backend": record.backend,
        "status": record.status,
        "error": record.error,
        "feeds_failed": record.feeds_failed,
        "tokens": record.tokens,
        "estimated_cost": record.cost,
        "outputs": record.outputs,
    }


@click.command(name="history")
@config_option
@click.option("--limit", "-n", default=20, show_default=True, type=click.IntRange(min=1), help="Runs shown.")
@click.option("--schedule", "schedule_name", metavar="NAME", help="Only the runs of this schedule.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def history_command(config_path: str, limit: int, schedule_name: str | None, as_json: bool) -> None:
    """List past runs, newest first: window, status, failed feeds, tokens and cost, files."""
    config = config_module.load(config_path)
    with Store(config.resolve(config.store)) as store:
        records = history.runs(store, limit=limit, schedule=schedule_name)
    if as_json:
        click.echo(json.dumps([_record_json(r) for r in records], indent=2))
        return
    rows = []
    for r in records:
        cost = f"${r.cost:.2f}" if r.cost is not None else ""
        rows.append(
            (
                r.id,
                _when(r.created),
                _span(r),
                ", ".join(r.audiences),
                r.backend,
                r.status + (f": {r.error}" if r.error else ""),
                ", ".join(r.feeds_failed),
                str(r.tokens),
                cost,
                "\n".join(r.outputs),
            )
        )
    emit(
        "Runs",
        (
            "id",
            "when",
            "window",
            "audiences",
            "backend",
            "status",
            "feeds failed",
            "tokens",
            "cost",
            "outputs",
        ),
        rows,
    )


@click.command()
@config_option
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="The manifest and run record as JSON.")
def show(config_path: str, run_id: str, as_json: bool) -> None:
    """Show one run's manifest (RUN_ID, a unique prefix of one, or `latest`)."""
    config = config_module.load(config_path)
    with Store(config.resolve(config.store)) as store:
        record = history.get(store, run_id)
    b = record.briefing
    if as_json:
        data = _record_json(record)
        data["manifest"] = b.manifest.model_dump(mode="json") if b and b.manifest else None
        data["usage"] = b.run.usage.model_dump(mode="json") if b else None
        data["notes"] = b.notes if b else []
        data["deliveries"] = record.deliveries
        click.echo(json.dumps(data, indent=2))
        return
    rows: list[tuple[str, str]] = [
        ("run", record.id),
        ("status", record.status + (f": {record.error}" if record.error else "")),
        ("schedule", record.schedule or "(on demand)"),
        ("started", _when(record.created)),
        ("window", f"{record.window.since.isoformat()} to {record.window.until.isoformat()}"),
        ("audiences", ", ".join(record.audiences)),
        ("backend", record.backend),
    ]
    if b is not None and b.manifest is not None:
        m = b.manifest
        rows += [
            ("model", m.model or ""),
            ("version", m.version),
            ("stories", f"{m.stories} ({m.stories_failed} failed)"),
            (
                "statements",
                f"{m.statements_verified} verified, {m.statements_unverified} unverified, "
                f"{m.statements_dropped} dropped",
            ),
            ("feeds", ", ".join(f"{name}: {status}" for name, status in m.feeds.items())),
            ("prompts", ", ".join(f"{name} {digest[:12]}" for name, digest in m.prompts.items())),
        ]
    if b is not None:
        usage = b.run.usage
        rows.append(
            (
                "usage",
                f"{usage.calls} calls ({usage.cached_calls} cached), {usage.prompt_tokens} prompt + "
                f"{usage.completion_tokens} completion tokens"
                + (f", est. ${usage.estimated_cost:.2f}" if usage.estimated_cost is not None else ""),
            )
        )
        rows += [("note", note) for note in b.notes]
    rows += [("output", path) for path in record.outputs]
    rows += [
        (
            "delivery",
            f"{d['channel']} {d['audience']} to {d['recipient']}: {d['status']} after {d['attempts']} "
            f"attempts" + (f" ({d['error']})" if d["error"] else ""),
        )
        for d in record.deliveries
    ]
    emit(f"Run {record.id}", ("field", "value"), rows)
