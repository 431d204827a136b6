"""Past runs: each attempt recorded, listed and shown; old runs pruned by the retention setting.

A run's row is written when it starts (`attempt`, status `running`) and completed by
`Store.save_run` (`ok` / `partial`). A run that raises is marked `failed` with its error; one
that was killed stays `running` until the next run, which holds the store lock and so knows
nobody is running, marks it `incomplete`.

Statuses: running, ok, partial (briefing written, something failed), failed, incomplete.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from briefing.config import Retention
from briefing.errors import UsageError
from briefing.models import Briefing, Window
from briefing.store import Store

GOOD = ("ok", "partial")


@contextmanager
def attempt(
    store: Store,
    run_id: str,
    *,
    created: datetime,
    window: Window,
    audiences: list[str],
    backend: str,
    schedule: str | None,
) -> Iterator[None]:
    """Record the run as `running` for the duration of the block; `failed` if the block raises.

    A re-run of an existing id (the same schedule and window) keeps the earlier record until it
    succeeds: a failed re-run only notes its error there.
    """
    store.db.execute(
        "UPDATE runs SET status = 'incomplete', error = 'stopped before it finished (killed or crashed)' "
        "WHERE status = 'running'"
    )
    fresh = store.db.execute(
        "INSERT INTO runs (id, created, since, until, audiences, backend, status, briefing, outputs, "
        "schedule) VALUES (?,?,?,?,?,?,'running','{}','[]',?) ON CONFLICT (id) DO NOTHING",
        (
            run_id,
            created.isoformat(),
            window.since.isoformat(),
            window.until.isoformat(),
            json.dumps(audiences),
            backend,
            schedule,
        ),
    ).rowcount
    if not fresh:
        # A retry of a run that never wrote its briefing has nothing to keep: it is running again.
        fresh = store.db.execute(
            "UPDATE runs SET status = 'running', error = NULL, created = ? WHERE id = ? "
            "AND status NOT IN ('ok', 'partial')",
            (created.isoformat(), run_id),
        ).rowcount
    try:
        yield
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if fresh:
            store.db.execute("UPDATE runs SET status = 'failed', error = ? WHERE id = ?", (error, run_id))
        else:
            store.db.execute("UPDATE runs SET error = ? WHERE id = ?", (f"re-run failed: {error}", run_id))
        raise


@dataclass
class RunRecord:
    """One row of `runs`, with the figures history shows read from its Briefing."""

    id: str
    created: datetime
    window: Window
    audiences: list[str]
    backend: str
    status: str
    schedule: str | None
    error: str | None
    outputs: list[str]
    briefing: Briefing | None
    deliveries: list[dict[str, object]] = field(default_factory=list)

    @property
    def feeds_failed(self) -> list[str]:
        if self.briefing is None:
            return []
        return [f.name for f in self.briefing.feeds if f.status in ("error", "paused")]

    @property
    def tokens(self) -> int:
        if self.briefing is None:
            return 0
        usage = self.briefing.run.usage
        return usage.prompt_tokens + usage.completion_tokens

    @property
    def cost(self) -> float | None:
        return self.briefing.run.usage.estimated_cost if self.briefing else None


def _record(row: sqlite3.Row, deliveries: list[dict[str, object]] | None = None) -> RunRecord:
    raw = row["briefing"]
    return RunRecord(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        window=Window(since=datetime.fromisoformat(row["since"]), until=datetime.fromisoformat(row["until"])),
        audiences=json.loads(row["audiences"]),
        backend=row["backend"],
        status=row["status"],
        schedule=row["schedule"],
        error=row["error"],
        outputs=json.loads(row["outputs"]),
        briefing=Briefing.model_validate_json(raw) if raw and raw != "{}" else None,
        deliveries=deliveries or [],
    )


def runs(store: Store, *, limit: int = 20, schedule: str | None = None) -> list[RunRecord]:
    """The newest runs first."""
    sql, params = "SELECT * FROM runs", []
    if schedule:
        sql, params = sql + " WHERE schedule = ?", [schedule]
    rows = store.db.execute(sql + " ORDER BY created DESC, id DESC LIMIT ?", [*params, limit])
    return [_record(r) for r in rows]


def get(store: Store, run_id: str) -> RunRecord:
    """One run by id, a unique prefix of one, or `latest`."""
    if run_id == "latest":
        rows = list(store.db.execute("SELECT * FROM runs ORDER BY created DESC LIMIT 1"))
    else:
        rows = list(store.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,))) or list(
            store.db.execute(
                "SELECT * FROM runs WHERE substr(id, 1, ?) = ? ORDER BY created DESC", (len(run_id), run_id)
            )
        )
    if not rows:
        raise UsageError(f"no run {run_id!r} in {store.path} (see `briefing history`)")
    if len(rows) > 1:
        raise UsageError(f"{run_id!r} matches {len(rows)} runs: {', '.join(r['id'] for r in rows[:5])} ...")
    deliveries = [
        dict(r) for r in store.db.execute("SELECT * FROM deliveries WHERE run_id = ?", (rows[0]["id"],))
    ]
    return _record(rows[0], deliveries)


def scheduled(store: Store, schedule: str) -> list[RunRecord]:
    """Every run of one schedule, latest window first."""
    rows = store.db.execute("SELECT * FROM runs WHERE schedule = ?", (schedule,))
    return sorted((_record(r) for r in rows), key=lambda r: r.window.until, reverse=True)


def last_success(store: Store, schedule: str, before: datetime) -> RunRecord | None:
    """The latest run of `schedule` that wrote its briefing, with a window ending before `before`."""
    return next((r for r in scheduled(store, schedule) if r.status in GOOD and r.window.until < before), None)


@dataclass
class Pruned:
    runs: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def prune(store: Store, retention: Retention, now: datetime) -> Pruned:
    """Delete runs beyond `keep_runs` or older than `keep_days`, and their files.

    Never deleted: the latest successful run, a run still going, and any file another kept run
    lists too (runs for the same window write to the same folder).
    """
    pruned = Pruned()
    if retention.keep_runs is None and retention.keep_days is None:
        return pruned
    rows = list(
        store.db.execute("SELECT id, created, status, outputs FROM runs ORDER BY created DESC, id DESC")
    )
    keep = {r["id"] for r in rows if r["status"] == "running"}
    for statuses in (("ok",), GOOD):
        keep.update([r["id"] for r in rows if r["status"] in statuses][:1])
    cutoff = now - timedelta(days=retention.keep_days) if retention.keep_days else None
    doomed = []
    for position, row in enumerate(rows):
        too_many = retention.keep_runs is not None and position >= retention.keep_runs
        too_old = cutoff is not None and datetime.fromisoformat(row["created"]) < cutoff
        if row["id"] not in keep and (too_many or too_old):
            doomed.append(row)
    if not doomed:
        return pruned
    gone = {r["id"] for r in doomed}
    kept_files = {p for r in rows if r["id"] not in gone for p in json.loads(r["outputs"])}
    # Rows first: a crash in between leaves unlisted files, never listed files that are gone.
    with store.transaction() as db:
        db.executemany("DELETE FROM runs WHERE id = ?", [(i,) for i in gone])
    pruned.runs = [r["id"] for r in doomed]
    for row in doomed:
        for name in json.loads(row["outputs"]):
            path = Path(name)
            if name in kept_files or not path.is_file():
                continue
            path.unlink()
            pruned.files.append(path)
            with suppress(OSError):
                path.parent.rmdir()  # only succeeds once the folder is empty
    return pruned
