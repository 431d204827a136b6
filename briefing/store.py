"""The SQLite store: feeds and their health, items, fetched articles, past runs.

Ordered migrations (`MIGRATIONS[n]` takes the schema from version n to n+1, recorded in
`PRAGMA user_version`), WAL mode, a busy timeout and foreign keys. Each feed's items and
its caching validators are written in one transaction, so a crash between fetching and
committing loses nothing: the validators were not saved either, and the next run fetches
the feed again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from briefing.errors import StoreError
from briefing.models import Item

MIGRATIONS: list[str] = [
    """
    CREATE TABLE feeds (
        name TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_attempt TEXT,
        last_success TEXT,
        paused_reason TEXT,
        retry_at TEXT
    );
    CREATE TABLE items (
        id TEXT PRIMARY KEY,
        feed TEXT NOT NULL REFERENCES feeds(name) ON UPDATE CASCADE,
        guid TEXT NOT NULL,
        title TEXT NOT NULL,
        url TEXT NOT NULL,
        source TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        published TEXT NOT NULL,
        published_raw TEXT NOT NULL DEFAULT '',
        summary TEXT NOT NULL DEFAULT '',
        summary_html TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        language TEXT,
        flags TEXT NOT NULL DEFAULT '[]',
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        updated_at TEXT,
        UNIQUE (feed, guid)
    );
    CREATE INDEX items_published ON items (published);
    CREATE TABLE articles (
        url TEXT PRIMARY KEY,
        final_url TEXT,
        text TEXT,
        error TEXT,
        fetched_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        created TEXT NOT NULL,
        since TEXT NOT NULL,
        until TEXT NOT NULL,
        audiences TEXT NOT NULL,
        backend TEXT NOT NULL,
        status TEXT NOT NULL,
        briefing TEXT NOT NULL,
        outputs TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX runs_created ON runs (created);
    """,
    # 2: the LLM backend's response cache (owned by briefing/analysis/openai.py).
    """
    CREATE TABLE llm_cache (
        key TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        response TEXT NOT NULL,
        usage TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL
    );
    """,
    # 3: scheduled runs and deliveries (owned by briefing/schedule.py and briefing/deliver.py).
    """
    ALTER TABLE runs ADD COLUMN schedule TEXT;
    CREATE TABLE deliveries (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        audience TEXT NOT NULL,
        channel TEXT NOT NULL,
        recipient TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        sent_at TEXT,
        PRIMARY KEY (run_id, audience, channel, recipient)
    );
    """,
    # 4: why a run failed, and scheduled runs found by schedule and window end (briefing/history.py).
    """
    ALTER TABLE runs ADD COLUMN error TEXT;
    CREATE INDEX runs_schedule ON runs (schedule, until);
    """,
    # 5: dates and deadlines found in items, one row per phrase (owned by briefing/analysis/watch.py).
    """
    CREATE TABLE watch (
        id TEXT PRIMARY KEY,
        item_id TEXT NOT NULL,
        due TEXT,
        published TEXT NOT NULL,
        first_run TEXT NOT NULL,
        entry TEXT NOT NULL
    );
    CREATE INDEX watch_due ON watch (due);
    CREATE INDEX watch_published ON watch (published);
    """,
    # 6: a failed article page may be tried again: how often it was tried, and whether it should be.
    """
    ALTER TABLE articles ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE articles ADD COLUMN retry INTEGER NOT NULL DEFAULT 0;
    """,
]

_ITEM_COLUMNS = (
    "id, feed, guid, title, url, source, source_kind, published, published_raw, summary, "
    "summary_html, text, language, flags"
)


@dataclass
class FeedState:
    name: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_error: str | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    paused_reason: str | None = None
    retry_at: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(item: Item) -> str:
    digest = hashlib.sha256()
    for part in (item.title, item.url, item.summary, item.text):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=10.0, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA busy_timeout = 10000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the store {path}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"cannot create the store {path}: {exc.strerror}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"{self.path} was written by a newer briefing (schema {version})")
        for target, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction() as db:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")

    # -- feeds ---------------------------------------------------------------------------

    def feed_state(self, name: str, url: str) -> FeedState:
        row = self.db.execute("SELECT * FROM feeds WHERE name = ?", (name,)).fetchone()
        if row is None:
            self.db.execute("INSERT INTO feeds (name, url) VALUES (?, ?)", (name, url))
            return FeedState(name=name, url=url)
        state = FeedState(**dict(row))
        if state.url != url:
            # A changed address starts afresh: old validators and pauses belong to the old URL.
            self.db.execute(
                "UPDATE feeds SET url = ?, etag = NULL, last_modified = NULL, failures = 0, "
                "paused_reason = NULL, retry_at = NULL WHERE name = ?",
                (url, name),
            )
            return FeedState(name=name, url=url, last_success=state.last_success)
        return state

    def feed_states(self) -> list[FeedState]:
        return [FeedState(**dict(r)) for r in self.db.execute("SELECT * FROM feeds ORDER BY name")]

    def save_feed(
        self, name: str, items: list[Item], *, etag: str | None, last_modified: str | None
    ) -> tuple[int, int]:
        """Store one feed's items and, in the same transaction, its validators and health."""
        new = updated = 0
        now = _now()
        with self.transaction() as db:
            for item in items:
                digest = content_hash(item)
                row = db.execute(
                    "SELECT id, content_hash, text, url, flags, published FROM items "
                    "WHERE feed = ? AND guid = ?",
                    (item.feed, item.guid),
                ).fetchone()
                if row is None:
                    db.execute(
                        f"INSERT INTO items ({_ITEM_COLUMNS}, content_hash, first_seen) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        (*_item_row(item), digest, now),
                    )
                    new += 1
                elif row["content_hash"] != digest:
                    # An edited entry is updated in place and marked, never duplicated. Full
                    # text fetched from the article page stays unless the feed now carries more.
                    old_flags = json.loads(row["flags"])
                    keep_fulltext = "fulltext" in old_flags and len(item.text) < len(row["text"])
                    flags = sorted(set(item.flags) | {"updated"} | ({"fulltext"} if keep_fulltext else set()))
                    # An undated entry keeps the date it was first seen.
                    undated = {"undated", "bad_date", "future_date"} & set(item.flags)
                    published = row["published"] if undated else item.published.astimezone(UTC).isoformat()
                    db.execute(
                        "UPDATE items SET title = ?, url = ?, source = ?, published = ?, published_raw = ?, "
                        "summary = ?, summary_html = ?, text = ?, language = ?, flags = ?, content_hash = ?, "
                        "updated_at = ? WHERE id = ?",
                        (
                            item.title,
                            row["url"] if keep_fulltext else item.url,
                            item.source,
                            published,
                            item.published_raw,
                            item.summary,
                            item.summary_html,
                            row["text"] if keep_fulltext else item.text,
                            item.language,
                            json.dumps(flags),
                            digest,
                            now,
                            row["id"],
                        ),
                    )
                    updated += 1
            db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, failures = 0, last_error = NULL, "
                "last_attempt = ?, last_success = ?, retry_at = NULL WHERE name = ?",
                (etag, last_modified, now, now, name),
            )
        return new, updated

    def feed_not_modified(self, name: str) -> None:
        now = _now()
        self.db.execute(
            "UPDATE feeds SET failures = 0, last_error = NULL, last_attempt = ?, last_success = ? "
            "WHERE name = ?",
            (now, now, name),
        )

    def feed_failed(
        self, name: str, error: str, *, pause_after: int, pause_now: bool = False, retry_at: str | None = None
    ) -> FeedState:
        with self.transaction() as db:
            db.execute(
                "UPDATE feeds SET failures = failures + 1, last_error = ?, last_attempt = ?, retry_at = ? "
                "WHERE name = ?",
                (error, _now(), retry_at, name),
            )
            row = db.execute("SELECT * FROM feeds WHERE name = ?", (name,)).fetchone()
            if pause_now or row["failures"] >= pause_after:
                reason = error if pause_now else f"{row['failures']} failures in a row; last: {error}"
                db.execute("UPDATE feeds SET paused_reason = ? WHERE name = ?", (reason, name))
            return FeedState(**dict(db.execute("SELECT * FROM feeds WHERE name = ?", (name,)).fetchone()))

    def resume_feed(self, name: str) -> None:
        self.db.execute(
            "UPDATE feeds SET paused_reason = NULL, failures = 0, retry_at = NULL WHERE name = ?", (name,)
        )

    # -- items ---------------------------------------------------------------------------

    def items_between(self, since: datetime, until: datetime, feeds: list[str] | None = None) -> list[Item]:
        sql = f"SELECT {_ITEM_COLUMNS} FROM items WHERE published >= ? AND published < ?"
        params: list[Any] = [since.astimezone(UTC).isoformat(), until.astimezone(UTC).isoformat()]
        if feeds is not None:
            sql += f" AND feed IN ({','.join('?' * len(feeds))})"
            params += feeds
        return [_row_item(r) for r in self.db.execute(sql + " ORDER BY published, id", params)]

    def items(self, ids: list[str]) -> dict[str, Item]:
        out: dict[str, Item] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            out.update({r["id"]: _row_item(r) for r in rows})
        return out

    def set_item_text(self, item_id: str, *, text: str, url: str | None, flags: list[str]) -> None:
        self.db.execute(
            "UPDATE items SET text = ?, url = COALESCE(?, url), flags = ? WHERE id = ?",
            (text, url, json.dumps(flags), item_id),
        )

    def count_items(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM items").fetchone()[0])

    # -- articles ------------------------------------------------------------------------

    def article(self, url: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute("SELECT * FROM articles WHERE url = ?", (url,)).fetchone()
        return row

    def save_article(
        self,
        url: str,
        *,
        final_url: str | None,
        text: str | None,
        error: str | None,
        retry: bool = False,
    ) -> None:
        """Record an article page; `retry` marks a failure worth trying again on a later run."""
        row = self.article(url)
        attempts = (int(row["attempts"]) + 1) if row is not None else 1
        self.db.execute(
            "INSERT OR REPLACE INTO articles (url, final_url, text, error, fetched_at, attempts, retry) "
            "VALUES (?,?,?,?,?,?,?)",
            (url, final_url, text, error, _now(), attempts, int(retry and error is not None)),
        )

    def article_due(self, url: str, *, attempts: int, after: float) -> bool:
        """Whether a failed article page may be tried again: its failure was a passing one, it has
        been tried fewer than `attempts` times, the last time at least `after` seconds ago."""
        row = self.article(url)
        if row is None:
            return True
        if row["text"] or not row["retry"] or int(row["attempts"]) >= attempts:
            return False
        last = datetime.fromisoformat(row["fetched_at"])
        return (datetime.now(UTC) - last).total_seconds() >= after

    # -- runs ----------------------------------------------------------------------------

    def save_run(
        self,
        run_id: str,
        *,
        created: datetime,
        since: datetime,
        until: datetime,
        audiences: list[str],
        backend: str,
        status: str,
        briefing_json: str,
        outputs: list[str],
    ) -> None:
        self.db.execute(
            # An upsert, not INSERT OR REPLACE: a replaced row would take its deliveries with it
            # (ON DELETE CASCADE) and re-running a schedule would send the briefing again.
            "INSERT INTO runs (id, created, since, until, audiences, backend, status, briefing, outputs) "
            "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET created = excluded.created, "
            "since = excluded.since, until = excluded.until, audiences = excluded.audiences, "
            "backend = excluded.backend, status = excluded.status, briefing = excluded.briefing, "
            "outputs = excluded.outputs, error = NULL",
            (
                run_id,
                created.isoformat(),
                since.isoformat(),
                until.isoformat(),
                json.dumps(audiences),
                backend,
                status,
                briefing_json,
                json.dumps(outputs),
            ),
        )

    def run(self, run_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row

    def previous_run(
        self, before: datetime, audience: str | None = None, exclude: str | None = None
    ) -> sqlite3.Row | None:
        """The latest finished run created before `before` (for one audience, if given), other
        than `exclude` (a re-run's own earlier record)."""
        for row in self.db.execute(
            "SELECT * FROM runs WHERE created < ? AND status IN ('ok', 'partial') ORDER BY created DESC",
            (before.isoformat(),),
        ):
            if row["id"] != exclude and (audience is None or audience in json.loads(row["audiences"])):
                result: sqlite3.Row = row
                return result
        return None

    def runs(self, limit: int = 50) -> list[sqlite3.Row]:
        return list(self.db.execute("SELECT * FROM runs ORDER BY created DESC LIMIT ?", (limit,)))


def _item_row(item: Item) -> tuple[Any, ...]:
    return (
        item.id,
        item.feed,
        item.guid,
        item.title,
        item.url,
        item.source,
        item.source_kind,
        item.published.astimezone(UTC).isoformat(),
        item.published_raw,
        item.summary,
        item.summary_html,
        item.text,
        item.language,
        json.dumps(item.flags),
    )


def _row_item(row: sqlite3.Row) -> Item:
    data = dict(row)
    data["flags"] = json.loads(data["flags"])
    data["published"] = datetime.fromisoformat(data["published"])
    return Item(**data)
