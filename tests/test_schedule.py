"""Schedules: cron semantics, the crontab and systemd output read back, the foreground scheduler
on a fake clock (fire, failure, catch-up), and re-runs replacing their record."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger

from briefing import cron, history
from briefing.schedule import Scheduler, crontab, run_schedule, systemd_units
from briefing.store import Store
from tests.ops import briefing, load, local_config

DAILY = """
[[schedules]]
name = "daily"
cron = "0 7 * * *"
timezone = "Europe/London"
audiences = ["executive"]
formats = ["json"]
window = "30d"
"""


def fires(trigger: CronTrigger, start: datetime, count: int) -> list[datetime]:
    out, moment = [], start
    for _ in range(count):
        moment = cron.next_fire(trigger, moment)
        out.append(moment.astimezone(UTC))
    return out


class FakeClock:
    """Time that moves only when the scheduler sleeps."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept = timedelta()
        self.on_sleep: list[object] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> bool:
        self.now += timedelta(seconds=seconds)
        self.slept += timedelta(seconds=seconds)
        return False


# -- cron semantics --------------------------------------------------------------------------------


def test_weekday_numbers_mean_what_they_mean_in_cron() -> None:
    # 2026-02-15 is a Sunday. APScheduler 3 alone would read 1 as Tuesday.
    start = datetime(2026, 2, 15, 0, 0, tzinfo=UTC)
    assert [f.strftime("%a") for f in fires(cron.trigger("0 7 * * 1"), start, 2)] == ["Mon", "Mon"]
    assert [f.strftime("%a") for f in fires(cron.trigger("0 7 * * 1-5"), start, 5)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
    ]
    every_other = [f.strftime("%a") for f in fires(cron.trigger("0 7 * * 1/2"), start, 4)]
    assert every_other == ["Sun", "Mon", "Wed", "Fri"]  # 1, 3, 5, 7 in cron's numbering
    for sunday in ("0", "7", "sun"):
        assert fires(cron.trigger(f"0 7 * * {sunday}"), start, 1)[0] == datetime(2026, 2, 15, 7, tzinfo=UTC)
    assert fires(cron.trigger("@weekly"), start, 1)[0] == datetime(2026, 2, 22, 0, tzinfo=UTC)


def test_time_zone_and_daylight_saving_are_honoured() -> None:
    trigger = cron.trigger("0 7 * * mon", "Europe/London")
    # London moves to summer time on 29 March 2026: 07:00 local is 07:00 UTC before, 06:00 after.
    got = fires(trigger, datetime(2026, 3, 20, tzinfo=UTC), 2)
    assert got == [datetime(2026, 3, 23, 7, tzinfo=UTC), datetime(2026, 3, 30, 6, tzinfo=UTC)]


def test_latest_fire_is_the_last_one_at_or_before_now() -> None:
    trigger = cron.trigger("*/15 * * * *")
    now = datetime(2026, 2, 18, 12, 7, tzinfo=UTC)
    assert cron.latest_fire(trigger, now) == datetime(2026, 2, 18, 12, 0, tzinfo=UTC)
    assert cron.latest_fire(trigger, now.replace(minute=0)) == now.replace(minute=0)
    monthly = cron.trigger("0 6 1 * *")
    assert cron.latest_fire(monthly, now) == datetime(2026, 2, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("0 7 1 * mon", "day of month and the weekday"),
        ("0 7 * *", "5 fields"),
        ("61 7 * * *", "minute: 61 is outside 0-59"),
        ("0 7 * * 8", "weekday: 8 is outside 0-7"),
        ("0 7 * * mon-sun-x", "cannot read"),
    ],
)
def test_bad_cron_is_a_config_error_with_key_path(tmp_path: Path, expression: str, message: str) -> None:
    config = local_config(tmp_path, DAILY.replace('"0 7 * * *"', f'"{expression}"'))
    result = briefing("schedule", "--config", str(config), "--list")
    assert result.code == 2, result.stderr
    assert "schedules[0].cron" in result.stderr and message in result.stderr, result.stderr


def test_schedule_references_are_checked(tmp_path: Path) -> None:
    extra = DAILY.replace('audiences = ["executive"]', 'audiences = ["board"]\nemail = true')
    result = briefing("schedule", "--config", str(local_config(tmp_path, extra)), "--list")
    assert result.code == 2
    assert "schedules[0].audiences: unknown audience 'board'" in result.stderr
    assert "schedules[0].email: needs an [email] section" in result.stderr
    bad_zone = local_config(tmp_path, DAILY.replace("Europe/London", "Mars/Olympus"))
    result = briefing("schedule", "--config", str(bad_zone), "--list")
    assert result.code == 2 and "schedules[0].timezone: unknown time zone" in result.stderr


# -- the system's scheduler ------------------------------------------------------------------------

WEEKDAYS = DAILY.replace('cron = "0 7 * * *"', 'cron = "30 6 * * 1-5"').replace('"daily"', '"weekdays"')


def test_crontab_line_reads_back_as_the_same_schedule(tmp_path: Path) -> None:
    config_path = local_config(tmp_path, WEEKDAYS)
    result = briefing("schedule", "--config", str(config_path), "--print", "cron")
    assert result.code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "CRON_TZ=Europe/London"
    fields, command = lines[1].split()[:5], shlex.split(" ".join(lines[1].split()[5:]))
    assert fields == ["30", "6", "*", "*", "1-5"]
    # APScheduler's own crontab reader, with the weekday names cron means by 1-5.
    ours = cron.trigger("30 6 * * 1-5", "Europe/London")
    theirs = CronTrigger.from_crontab("30 6 * * mon-fri", timezone="Europe/London")
    start = datetime(2026, 3, 25, tzinfo=UTC)  # across the change to summer time
    assert fires(ours, start, 10) == [f.astimezone(UTC) for f in _apscheduler_fires(theirs, start, 10)]
    assert command[:3] == [sys.executable, "-m", "briefing"]
    assert command[3:] == ["schedule", "--run", "weekdays", "--config", str(config_path.resolve()), "--quiet"]


def _apscheduler_fires(trigger: CronTrigger, start: datetime, count: int) -> list[datetime]:
    out, previous, now = [], None, start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        assert fire is not None
        out.append(fire)
        previous, now = fire, fire + timedelta(seconds=1)
    return out


def test_systemd_units_read_back(tmp_path: Path) -> None:
    config_path = local_config(tmp_path, WEEKDAYS)
    result = briefing("schedule", "--config", str(config_path), "--print", "systemd")
    assert result.code == 0, result.stderr
    files = dict(re.findall(r"(?ms)^# ---- (\S+) ----\n(.*?)(?=^# ---- |\Z)", result.stdout))
    assert set(files) == {"briefing-weekdays.service", "briefing-weekdays.timer"}
    units = {}
    for name, text in files.items():
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read_string(text)
        units[name] = parser
    timer, service = units["briefing-weekdays.timer"], units["briefing-weekdays.service"]
    on_calendar = timer["Timer"]["OnCalendar"]
    assert on_calendar == "Mon,Tue,Wed,Thu,Fri *-*-* 06:30:00 Europe/London"
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["Unit"] == "briefing-weekdays.service"
    assert timer["Install"]["WantedBy"] == "timers.target"
    assert service["Service"]["Type"] == "oneshot"
    assert shlex.split(service["Service"]["ExecStart"])[3:7] == ["schedule", "--run", "weekdays", "--config"]
    # systemd's own calendar parser agrees with the scheduler on the next fire times.
    analyze = shutil.which("systemd-analyze")
    if analyze:
        start = datetime(2026, 3, 25, tzinfo=UTC)
        done = subprocess.run(
            [
                analyze,
                "calendar",
                "--iterations=6",
                f"--base-time={start:%Y-%m-%d %H:%M:%S} UTC",
                on_calendar,
            ],
            capture_output=True,
            text=True,
            env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
            check=True,
        )
        elapses = re.findall(
            r"(?:Next elapse|Iter\. #\d+): \w+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", done.stdout
        )
        got = [datetime.fromisoformat(e).replace(tzinfo=UTC) for e in elapses]
        assert got == fires(cron.trigger("30 6 * * 1-5", "Europe/London"), start, 6)


def test_systemd_on_calendar_for_lists_ranges_and_steps(tmp_path: Path) -> None:
    assert cron.on_calendar("*/20 9-11 * * *") == "*-*-* 09,10,11:00,20,40:00 UTC"
    assert cron.on_calendar("0 6 1,15 */3 *", "Asia/Tokyo") == "*-01,04,07,10-01,15 06:00:00 Asia/Tokyo"
    config = load(local_config(tmp_path, DAILY))
    units = systemd_units(config, config.schedules)
    assert "OnCalendar=*-*-* 07:00:00 Europe/London" in units["briefing-daily.timer"]
    assert "CRON_TZ=Europe/London\n0 7 * * * " in crontab(config, config.schedules)


# -- the foreground scheduler on a fake clock -------------------------------------------------------


def test_scheduler_fires_a_run_at_the_scheduled_time(tmp_path: Path) -> None:
    config = load(local_config(tmp_path, DAILY))
    clock = FakeClock(datetime(2026, 2, 19, 12, 0, tzinfo=UTC))
    scheduler = Scheduler(config, config.schedules, clock=clock, sleep=clock.sleep)
    [outcome] = scheduler.serve(max_runs=1)
    assert outcome.error is None and outcome.result is not None
    assert outcome.fire == datetime(2026, 2, 20, 7, 0, tzinfo=UTC)
    assert clock.slept == timedelta(hours=19)  # slept until 07:00 London, in naps of at most a minute
    briefing_run = outcome.result.briefing.run
    assert briefing_run.id == "daily-20260220T0700Z"
    assert briefing_run.window.until == datetime(2026, 2, 20, 7, tzinfo=UTC)
    assert briefing_run.window.since == datetime(2026, 1, 21, 7, tzinfo=UTC)  # first run: `window` back
    assert [p.name for p in outcome.result.outputs] == ["briefing.json"]
    assert outcome.result.briefing.stories
    with Store(config.resolve(config.store)) as store:
        [record] = history.scheduled(store, "daily")
    assert (record.id, record.status, record.schedule) == ("daily-20260220T0700Z", "ok", "daily")


def test_scheduler_survives_a_failed_run_and_the_next_window_starts_at_the_last_good_one(
    tmp_path: Path,
) -> None:
    config = load(local_config(tmp_path, DAILY))
    blocker = tmp_path / "out"
    blocker.write_text("a file where the output folder should be")  # the first run cannot write
    clock = FakeClock(datetime(2026, 2, 18, 12, 0, tzinfo=UTC))
    scheduler = Scheduler(config, config.schedules, clock=clock, sleep=clock.sleep)

    def sleep(seconds: float) -> bool:
        if scheduler.outcomes and blocker.is_file():
            blocker.unlink()  # the operator fixes it before the next fire time
        return clock.sleep(seconds)

    scheduler.sleep = sleep
    outcomes = scheduler.serve(max_runs=3)
    assert [o.fire.day for o in outcomes] == [19, 20, 21]
    assert outcomes[0].result is None and outcomes[0].error
    assert outcomes[1].result is not None and outcomes[2].result is not None
    # The failed fire time is covered by the next good run (since the last good run, or `window`).
    assert outcomes[1].result.briefing.run.window.since == datetime(2026, 1, 21, 7, tzinfo=UTC)
    assert outcomes[2].result.briefing.run.window.since == datetime(2026, 2, 20, 7, tzinfo=UTC)
    with Store(config.resolve(config.store)) as store:
        statuses = {r.id: (r.status, r.error) for r in history.scheduled(store, "daily")}
    assert statuses["daily-20260219T0700Z"][0] == "failed"
    assert statuses["daily-20260219T0700Z"][1]
    assert statuses["daily-20260220T0700Z"] == ("ok", None)


def test_scheduler_catches_up_one_missed_run_after_downtime(tmp_path: Path) -> None:
    config = load(local_config(tmp_path, DAILY))
    schedule = config.schedules[0]
    run_schedule(
        config, schedule, datetime(2026, 2, 17, 7, tzinfo=UTC), now=datetime(2026, 2, 17, 7, tzinfo=UTC)
    )
    # Down from the 17th until the 20th at noon: the 18th, 19th and 20th were missed.
    clock = FakeClock(datetime(2026, 2, 20, 12, 0, tzinfo=UTC))
    scheduler = Scheduler(config, config.schedules, clock=clock, sleep=clock.sleep)
    outcomes = scheduler.serve(max_runs=2)
    assert [o.fire for o in outcomes] == [
        datetime(2026, 2, 20, 7, tzinfo=UTC),  # one catch-up run, at once, for the latest missed time
        datetime(2026, 2, 21, 7, tzinfo=UTC),  # then back on schedule
    ]
    assert clock.slept == timedelta(hours=19)
    first = outcomes[0].result
    assert first is not None
    assert first.briefing.run.window.since == datetime(2026, 2, 17, 7, tzinfo=UTC)  # nothing lost


def test_a_new_schedule_does_not_catch_up(tmp_path: Path) -> None:
    config = load(local_config(tmp_path, DAILY))
    clock = FakeClock(datetime(2026, 2, 20, 12, 0, tzinfo=UTC))
    scheduler = Scheduler(config, config.schedules, clock=clock, sleep=clock.sleep)
    assert scheduler.missed(clock()) == []


def test_rerunning_a_fire_time_replaces_its_record(tmp_path: Path) -> None:
    """`briefing schedule --run` twice for the same fire time: one record, the latest briefing."""
    config_path = local_config(tmp_path, DAILY)
    first = briefing("schedule", "--config", str(config_path), "--run", "daily")
    assert first.code == 0, first.stderr
    second = briefing("schedule", "--config", str(config_path), "--run", "daily")
    assert second.code == 0, second.stderr
    listed = briefing("history", "--config", str(config_path), "--json")
    runs = json.loads(listed.stdout)
    assert len(runs) == 1
    assert re.fullmatch(r"daily-\d{8}T0[67]00Z", runs[0]["id"])
    assert runs[0]["schedule"] == "daily" and runs[0]["status"] == "ok"
    assert first.stdout == second.stdout  # the same files, rewritten


def test_a_failed_fire_time_run_again_becomes_that_fire_times_one_record(tmp_path: Path) -> None:
    config = load(local_config(tmp_path, DAILY))
    fire = datetime(2026, 2, 20, 7, tzinfo=UTC)
    (tmp_path / "out").write_text("a file where the output folder should be")
    with pytest.raises(OSError):
        run_schedule(config, config.schedules[0], fire)
    with Store(config.resolve(config.store)) as store:
        [failed] = history.scheduled(store, "daily")
    assert failed.status == "failed" and failed.error
    (tmp_path / "out").unlink()
    run_schedule(config, config.schedules[0], fire)
    with Store(config.resolve(config.store)) as store:
        [record] = history.scheduled(store, "daily")
    assert (record.id, record.status, record.error) == ("daily-20260220T0700Z", "ok", None)
