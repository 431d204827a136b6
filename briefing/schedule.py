"""Scheduled runs: `[[schedules]]` in the config -> `pipeline.run` at each fire time.

    briefing schedule                  every schedule, in the foreground (Scheduler below)
    briefing schedule --run NAME       one run of NAME for its latest fire time, then exit;
                                       what the printed crontab line and systemd unit call
    briefing schedule --print cron|systemd   the schedules for the system's own scheduler

All of them end in `run_schedule`: the window ends at the fire time and starts where the last
good run of the schedule ended (or `window` back for the first run), at most `max_span` back.
The run id is the schedule's name and fire time, so running a fire time again replaces that
briefing's record and never emails it twice.

The foreground scheduler takes its fire times from APScheduler's CronTrigger (time zones and
daylight-saving changes included) and runs one job at a time in the calling thread; its clock
and sleep are parameters, so tests drive it on a fake clock. At start it catches up the latest
missed fire time of a schedule that has run before (one run, however long it was down); a run
that outlasts the next fire time is followed by one run for the latest one missed. A failed run
is logged and the scheduler carries on.
"""

from __future__ import annotations

import logging
import shlex
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import httpx

from briefing import cron, history, pipeline
from briefing.config import Config, Schedule
from briefing.errors import BriefingError, UsageError
from briefing.models import FeedResult, Window
from briefing.store import Store
from briefing.window import parse_when

log = logging.getLogger("briefing.schedule")
MAX_NAP = 60.0  # seconds: the clock is looked at again at least this often (suspend, clock changes)


def chosen(config: Config, names: list[str] | tuple[str, ...]) -> list[Schedule]:
    if not config.schedules:
        raise UsageError(f"{config.path}: no [[schedules]] configured")
    if not names:
        return list(config.schedules)
    known = {s.name: s for s in config.schedules}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"unknown schedule {', '.join(map(repr, unknown))} (configured: {', '.join(known)})")
    return [known[n] for n in names]


def window_for(config: Config, schedule: Schedule, fire: datetime) -> Window:
    """The window a run of `schedule` at `fire` covers."""
    until = fire.astimezone(UTC)
    first = parse_when(schedule.window or config.window, until)
    since = first
    if schedule.since_last:
        with Store(config.resolve(config.store)) as store:
            last = history.last_success(store, schedule.name, until)
        if last is not None:
            since = last.window.until
    return Window(since=max(since, parse_when(schedule.max_span, until)), until=until)


def run_schedule(
    config: Config,
    schedule: Schedule,
    fire: datetime,
    *,
    now: datetime | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    on_feed: Callable[[str, FeedResult], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> pipeline.RunResult:
    """One run of `schedule` for the fire time `fire`."""
    window = window_for(config, schedule, fire)
    return pipeline.run(
        config,
        pipeline.Options(
            audiences=list(schedule.audiences),
            since=window.since.isoformat(),
            until=window.until.isoformat(),
            backend=schedule.backend,
            formats=tuple(schedule.formats),
            now=now,
            schedule=schedule.name,
            email=schedule.email,
            transport=transport,
            on_feed=on_feed,
            on_stage=on_stage,
        ),
    )


def latest_fire(schedule: Schedule, now: datetime) -> datetime:
    fire = cron.latest_fire(cron.trigger(schedule.cron, schedule.timezone), now)
    if fire is None:
        raise UsageError(f"schedule {schedule.name!r} ({schedule.cron}) has not fired in the past 400 days")
    return fire


class Runner(Protocol):
    def __call__(
        self, config: Config, schedule: Schedule, fire: datetime, *, now: datetime | None = None
    ) -> pipeline.RunResult: ...


@dataclass
class Outcome:
    schedule: str
    fire: datetime
    result: pipeline.RunResult | None
    error: str | None = None


class Scheduler:
    """Runs the schedules in the calling thread until `stop()`, or `max_runs` runs."""

    def __init__(
        self,
        config: Config,
        schedules: list[Schedule],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sleep: Callable[[float], bool] | None = None,
        runner: Runner = run_schedule,
    ) -> None:
        self.config = config
        self.schedules = {s.name: s for s in schedules}
        self.triggers = {s.name: cron.trigger(s.cron, s.timezone) for s in schedules}
        self.clock = clock
        self._stopping = threading.Event()
        # sleep(seconds) returns True when the scheduler should stop.
        self.sleep = sleep or self._stopping.wait
        self.runner = runner
        self.outcomes: list[Outcome] = []

    def stop(self) -> None:
        self._stopping.set()

    def missed(self, now: datetime) -> list[tuple[str, datetime]]:
        """The latest fire time of each schedule that has run before but not since that time."""
        due = []
        with Store(self.config.resolve(self.config.store)) as store:
            for name, trigger in self.triggers.items():
                latest = cron.latest_fire(trigger, now)
                records = history.scheduled(store, name)
                if latest is not None and records and records[0].window.until < latest:
                    due.append((name, latest))
        return due

    def next_fires(self, now: datetime) -> dict[str, datetime]:
        return {name: cron.next_fire(trigger, now) for name, trigger in self.triggers.items()}

    def serve(self, max_runs: int | None = None) -> list[Outcome]:
        now = self.clock()
        queue = self.next_fires(now)
        for name, fire in self.missed(now):
            log.info("schedule %s: catching up the run due at %s", name, fire.isoformat())
            queue[name] = fire
        for name, fire in sorted(queue.items(), key=lambda kv: kv[1]):
            log.info("schedule %s: next run at %s", name, fire.isoformat())
        while not self._stopping.is_set() and (max_runs is None or len(self.outcomes) < max_runs):
            name, fire = min(queue.items(), key=lambda kv: kv[1])
            wait = (fire - self.clock()).total_seconds()
            if wait > 0:
                if self.sleep(min(wait, MAX_NAP)):
                    break
                continue
            self._run(name, fire)
            now = self.clock()
            following = cron.next_fire(self.triggers[name], fire)
            if following <= now:
                # The run outlasted the next fire time(s): one more run, for the latest.
                following = cron.latest_fire(self.triggers[name], now) or following
            queue[name] = following
            log.info("schedule %s: next run at %s", name, following.isoformat())
        return self.outcomes

    def _run(self, name: str, fire: datetime) -> None:
        log.info("schedule %s: run for %s started", name, fire.isoformat())
        try:
            result = self.runner(self.config, self.schedules[name], fire, now=self.clock())
        except Exception as exc:  # one failed run must not stop the scheduler
            error = str(exc) if isinstance(exc, BriefingError) else f"unexpected {type(exc).__name__}: {exc}"
            log.error("schedule %s: run for %s failed: %s", name, fire.isoformat(), error)
            self.outcomes.append(Outcome(name, fire, None, error))
            return
        log.info(
            "schedule %s: run %s finished with exit code %d",
            name,
            result.briefing.run.id,
            int(result.exit_code),
            extra={"fields": {"run_id": result.briefing.run.id, "exit_code": int(result.exit_code)}},
        )
        self.outcomes.append(Outcome(name, fire, result))


# -- the system's scheduler --------------------------------------------------------------------


def command(config: Config, schedule: Schedule, *logging: str) -> list[str]:
    """The command line cron or systemd runs: this Python, this config, one schedule."""
    run = ["schedule", "--run", schedule.name, "--config", str(config.path)]
    return [sys.executable, "-m", "briefing", *run, *logging]


def crontab(config: Config, schedules: list[Schedule]) -> str:
    lines = [
        f"# briefing schedules from {config.path}",
        "# Add with `crontab -e`. CRON_TZ is read by cronie (Fedora, Arch ...); Debian's cron ignores",
        "# it and reads the times in the system's time zone.",
        "# --quiet: cron mails the output only when there were warnings or errors.",
    ]
    for schedule in schedules:
        cron.fields(schedule.cron)
        # `%` ends the command in a crontab line unless escaped.
        line = shlex.join(command(config, schedule, "--quiet")).replace("%", "\\%")
        lines += [f"CRON_TZ={schedule.timezone}", f"{schedule.cron} {line}"]
    return "\n".join(lines) + "\n"


def systemd_units(config: Config, schedules: list[Schedule]) -> dict[str, str]:
    """File name -> content of a oneshot service and a timer per schedule."""
    units: dict[str, str] = {}
    for schedule in schedules:
        unit = f"briefing-{schedule.name}"
        # `%` starts a specifier in unit files.
        exec_start = shlex.join(command(config, schedule, "--log-format", "json")).replace("%", "%%")
        units[f"{unit}.service"] = "\n".join(
            [
                "[Unit]",
                f"Description=briefing: scheduled run {schedule.name}",
                "Wants=network-online.target",
                "After=network-online.target",
                "",
                "[Service]",
                "Type=oneshot",
                f"WorkingDirectory={config.path.parent}",
                f"ExecStart={exec_start}",
                "",
            ]
        )
        units[f"{unit}.timer"] = "\n".join(
            [
                "[Unit]",
                f"Description=briefing: {schedule.name} at '{schedule.cron}' ({schedule.timezone})",
                "",
                "[Timer]",
                f"OnCalendar={cron.on_calendar(schedule.cron, schedule.timezone)}",
                "# Run once at boot when a run was missed while the machine was off.",
                "Persistent=true",
                f"Unit={unit}.service",
                "",
                "[Install]",
                "WantedBy=timers.target",
                "",
            ]
        )
    return units


def systemd_text(config: Config, schedules: list[Schedule]) -> str:
    units = systemd_units(config, schedules)
    head = [
        f"# briefing schedules from {config.path}: save each file below in ~/.config/systemd/user/",
        "# (or /etc/systemd/system/), then: systemctl [--user] daemon-reload and",
        "# systemctl [--user] enable --now " + " ".join(n for n in units if n.endswith(".timer")),
    ]
    body = [f"# ---- {name} ----\n{text}" for name, text in units.items()]
    return "\n".join(head) + "\n\n" + "\n".join(body)
