"""Ingest benchmarks: fetching, parsing, re-runs, selection and memory (issue: ingest).

Run with `make bench` (or `python -m bench.bench_ingest`). Every figure is the median of
several rounds measured in this one run, with its baseline measured beside it.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import httpx

from bench.common import Row, serve_feeds, synthetic_feed
from briefing import config as config_module
from briefing.select import select_stories
from briefing.sources.ingest import ingest
from briefing.sources.parse import parse_document
from briefing.store import Store

ROUNDS = 3


def median_time(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_config(tmp: Path, urls: list[str]) -> config_module.Config:
    return config_module.parse(
        {
            "store": str(tmp / "bench.sqlite"),
            "feeds": [{"name": f"feed-{n:03d}", "url": u, "kind": "wire"} for n, u in enumerate(urls)],
            "topics": {"terms": ["critical mineral", "rare earth", "gallium", "lithium"]},
            "audiences": [{"name": "e", "template": "executive.html.j2"}],
            "fetch": {"concurrency": 64, "timeout": 10, "deadline": 30},
        },
        tmp / "config.toml",
    )


def sequential_fetch_and_parse(urls: list[str]) -> None:
    with httpx.Client() as client:
        for url in urls:
            feedparser.parse(client.get(url).content)


def bench_fetch() -> list[Row]:
    feeds = {f"/f{n}.xml": synthetic_feed(n, 50) for n in range(100)}
    with serve_feeds(feeds, delay=0.2) as base:
        urls = [base + path for path in feeds]

        def ours() -> None:
            with tempfile.TemporaryDirectory() as tmp:
                config = make_config(Path(tmp), urls)
                with Store(config.resolve(config.store)) as store:
                    results = ingest(config, store)
                assert all(r.status == "ok" for r in results), [r.error for r in results if r.error]

        our = median_time(ours)
        base_time = median_time(lambda: sequential_fetch_and_parse(urls), rounds=1)
        with tempfile.TemporaryDirectory() as tmp:
            config = make_config(Path(tmp), urls)
            with Store(config.resolve(config.store)) as store:
                ingest(config, store)
                before = store.db.total_changes
                rerun = median_time(lambda: ingest(config, store))
                item_writes = store.db.execute(
                    "SELECT count(*) FROM items WHERE updated_at IS NOT NULL"
                ).fetchone()[0]
                changes = store.db.total_changes - before
    return [
        Row(
            "ingest 100 feeds x 50 items, 200 ms latency (s)",
            our,
            base_time,
            "sequential httpx + feedparser",
            "<= 1.5 s",
        ),
        Row("re-run on unchanged feeds, all 304 (s)", rerun, our, "first ingest", "no item writes"),
        Row(
            "  item rows written on the 304 re-runs",
            float(item_writes),
            0.0,
            "goal",
            "0",
            note=f"{changes} feed-health row updates",
        ),
    ]


def bench_parse() -> list[Row]:
    docs = [synthetic_feed(n, 50).encode() for n in range(100)]  # 5,000 items
    now = datetime.now(UTC)

    def single() -> None:
        for doc in docs:
            feedparser.parse(doc)

    from briefing.sources.ingest import _pool

    # The pool starts while the first requests are in flight during a real ingest, so it is
    # started (and warmed) before the clock runs here.
    pool = _pool()
    list(pool.map(abs, range(8)))

    def ours() -> None:
        futures = [
            pool.submit(
                parse_document, d, {}, feed=f"f{n}", feed_url="https://x.example/", kind="wire", now=now
            )
            for n, d in enumerate(docs)
        ]
        total = sum(len(f.result().items) for f in futures)
        assert total == 5000

    try:
        base = median_time(single)
        our = median_time(ours)
    finally:
        pool.shutdown()
    return [
        Row(
            "parse 5,000 items (items/s)",
            5000 / our,
            5000 / base,
            "single-process feedparser",
            ">= 1.7x",
            higher_is_better=True,
        )
    ]


def bench_select() -> list[Row]:
    from briefing.models import Item

    rng = random.Random(7)
    vocabulary = [f"w{k}" for k in range(3000)] + [
        "rare",
        "earth",
        "gallium",
        "lithium",
        "export",
        "controls",
    ]
    start = datetime(2026, 2, 1, tzinfo=UTC)
    items = [
        Item(
            id=f"i-{n:012d}",
            feed=f"f{n % 40}",
            guid=str(n),
            title=f"Gallium story {n} {rng.choice(vocabulary)}",
            url=f"https://e.example/{n}",
            source="x",
            source_kind="wire",
            published=start + timedelta(minutes=n),
            text="gallium " + " ".join(rng.choices(vocabulary, k=300)),
        )
        for n in range(5000)
    ]
    config = make_config(Path(tempfile.gettempdir()), ["https://e.example/feed"])
    our = median_time(lambda: select_stories(items, config))
    return [Row("select stories from 5,000 items (s)", our, 1.0, "goal", "< 1 s")]


def bench_memory() -> list[Row]:
    """Peak RSS of a 5,000-item ingest, measured in a fresh process."""
    code = (
        "import resource, tempfile\n"
        "from pathlib import Path\n"
        "from bench.bench_ingest import make_config\n"
        "from bench.common import serve_feeds, synthetic_feed\n"
        "from briefing.sources.ingest import ingest\n"
        "from briefing.store import Store\n"
        "feeds = {f'/f{n}.xml': synthetic_feed(n, 50) for n in range(100)}\n"
        "with serve_feeds(feeds, delay=0.0) as base, tempfile.TemporaryDirectory() as tmp:\n"
        "    config = make_config(Path(tmp), [base + p for p in feeds])\n"
        "    with Store(config.resolve(config.store)) as store:\n"
        "        ingest(config, store)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    peak = float(out.stdout.strip().splitlines()[-1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return [
        Row(
            "peak memory, 5,000-item ingest (MB)",
            peak,
            300.0,
            "goal",
            "< 300 MB",
            note=f"largest child process {children:.0f} MB",
        )
    ]


def main() -> list[Row]:
    rows: list[Row] = []
    for bench in (bench_fetch, bench_parse, bench_select, bench_memory):
        rows += bench()
    return rows


if __name__ == "__main__":
    from bench.common import print_table

    os.environ.setdefault("PYTHONHASHSEED", "0")
    print_table(main())
