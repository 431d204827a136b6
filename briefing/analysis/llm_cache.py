"""The LLM backend's response cache: table `llm_cache` (store migration 2).

A row holds the checked-to-parse reply of one request, keyed by sha256 over (model, hash of the
prompt templates, hash of the request's content), with the usage the provider reported for it.
An unchanged re-run finds every reply here and sends nothing; a new or edited story has a new key.
Failed requests are not cached, so the next run tries them again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from typing import Any


def key(model: str, prompt_hash: str, request: dict[str, Any]) -> str:
    content = hashlib.sha256(json.dumps(request, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return hashlib.sha256(f"{model}\x00{prompt_hash}\x00{content}".encode()).hexdigest()


def get(db: sqlite3.Connection, cache_key: str) -> str | None:
    row = db.execute("SELECT response FROM llm_cache WHERE key = ?", (cache_key,)).fetchone()
    return None if row is None else str(row[0])


def put(db: sqlite3.Connection, cache_key: str, model: str, response: str, usage: dict[str, int]) -> None:
    db.execute(
        "INSERT OR REPLACE INTO llm_cache (key, model, response, usage, created) VALUES (?, ?, ?, ?, ?)",
        (cache_key, model, response, json.dumps(usage), datetime.now(UTC).isoformat(timespec="seconds")),
    )
