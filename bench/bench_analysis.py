"""Offline analysis benchmarks (issue: who said what, side by side).

Run with `make bench` (or `python -m bench analysis`). Times are the median of several rounds of
`get_backend("offline").analyse(stories, items, config)`: statements, summaries and contrasts, with
coverage added. Ingest and selection are not timed here (bench_ingest.py times them).

    sample corpus       the bundled fictional corpus, as `make demo` analyses it
    1,000 stories       synthetic wire copy with reported speech in every form the engine reads,
                        1,300 items (every third story has a syndicated copy), about 300 words each
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Row
from briefing import config as config_module
from briefing.analysis import coverage, get_backend
from briefing.models import Item, Story
from briefing.select import select_stories
from briefing.sources.ingest import fill_fulltext, ingest
from briefing.store import Store

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 5

PEOPLE = [
    ("Li Wenhua", "a professor at Fudan University"),
    ("Anna Berg", "an analyst at Benchmark Mineral Intelligence"),
    ("Zhou Min", "a researcher at the Chinese Academy of Social Sciences"),
    ("Tom Reyes", "a senior fellow at a Washington think tank"),
    ("Kenji Arakawa", "chief executive of Tokyo-based Sanwa Carbon"),
    ("Maria Lopez", "a trade lawyer in Mexico City"),
    ("Jamieson Greer", "the US Trade Representative"),
    ("Ilse Vandamme", "Executive Vice-President of the European Commission"),
]
BODIES = [
    "China's commerce ministry",
    "The European Commission",
    "Japan's trade ministry",
    "The State Department",
    "Chinese experts",
    "Analysts",
]
CLAUSES = [
    "the price floor for {m} would protect producers from dumping",
    "export licences for {m} were being approved as usual",
    "the controls on {m} comply with international practice",
    "buyers of {m} had started to build stockpiles",
    "a reference price for {m} would not survive the first downturn",
    "processing capacity for {m} outside China would take a decade to build",
    "the partnership on {m} was open to any country that shares its goals",
    "tariffs on {m} would raise costs for manufacturers first",
]
MINERALS = ["gallium", "germanium", "rare earths", "graphite", "antimony", "lithium", "cobalt"]
FILLER = [
    "Prices of {m} rose {n}% in March, according to data from Shanghai Metals Market.",
    "Exports of {m} fell {n}% from a year earlier, customs figures showed.",
    "The talks are expected to resume next month in Geneva.",
    "The measures take effect on the first day of next quarter.",
]


def median_time(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sentence(rng: random.Random) -> str:
    m = rng.choice(MINERALS)
    clause = rng.choice(CLAUSES).format(m=m)
    name, desc = rng.choice(PEOPLE)
    surname = name.split()[-1]
    form = rng.randrange(8)
    if form == 0:
        return f"{name}, {desc}, said on Monday that {clause}."
    if form == 1:
        return f'"{clause[0].upper()}{clause[1:]}, and everyone in the market knows it," {surname} said.'
    if form == 2:
        return f"{rng.choice(BODIES)} said in a statement that {clause}."
    if form == 3:
        return f"{clause[0].upper()}{clause[1:]}, according to {name}, {desc}."
    if form == 4:
        return f"He added that {clause}."
    if form == 5:
        return f"{clause[0].upper()}{clause[1:]}, {rng.choice(BODIES).lower()} warned."
    return rng.choice(FILLER).format(m=m, n=rng.randint(2, 40))


def synthetic(stories: int, seed: int = 11) -> tuple[list[Story], dict[str, Item]]:
    rng = random.Random(seed)
    start = datetime(2026, 2, 1, tzinfo=UTC)
    items: dict[str, Item] = {}
    out: list[Story] = []
    for n in range(stories):
        paragraphs = ["\n".join(" ".join(_sentence(rng) for _ in range(3)) for _ in range(5))]
        text = f"Story {n} on {rng.choice(MINERALS)}\n" + "\n".join(paragraphs)
        copies = 2 if n % 3 == 0 else 1
        ids = []
        for c in range(copies):
            item = Item(
                id=f"i-{n:06d}-{c}",
                feed="wire",
                guid=f"{n}-{c}",
                title=f"Story {n} on minerals",
                url=f"https://news.example/{n}/{c}",
                source="wire",
                source_kind="wire",
                published=start + timedelta(minutes=n),
                text=text if c == 0 else "Reposted from the wire:\n" + text,
            )
            items[item.id] = item
            ids.append(item.id)
        first = items[ids[0]]
        out.append(
            Story(
                id=f"s-{n:06d}",
                title=first.title,
                url=first.url,
                source="wire",
                source_kind="wire",
                published=first.published,
                item_ids=ids,
            )
        )
    return out, items


def _analyse(stories: list[Story], items: dict[str, Item], config: config_module.Config) -> int:
    analysis = get_backend("offline").analyse(stories, items, config)
    coverage(stories, analysis.statements, items, config)
    return len(analysis.statements)


def bench_sample() -> list[Row]:
    """The bundled corpus, ingested from its local files into a scratch store, then analysed."""
    config = config_module.load(ROOT / "examples" / "sample" / "config.toml")
    with tempfile.TemporaryDirectory() as tmp:
        config = config.model_copy(update={"store": Path(tmp) / "sample.sqlite"})
        with Store(config.resolve(config.store)) as store:
            ingest(config, store)
            since, until = datetime(2026, 1, 26, tzinfo=UTC), datetime(2026, 2, 21, tzinfo=UTC)
            items = store.items_between(since, until, feeds=[f.name for f in config.feeds])
            items = fill_fulltext(items, config, store)
    stories = select_stories(items, config)
    by_id = {i.id: i for i in items}
    found = _analyse(stories, by_id, config)
    our = median_time(lambda: _analyse(stories, by_id, config))
    return [
        Row(
            f"offline analysis, sample corpus: {len(stories)} stories (s)",
            our,
            1.0,
            "goal",
            "well under 1 s",
            note=f"{found} statements",
        )
    ]


def bench_synthetic() -> list[Row]:
    config = config_module.load(ROOT / "tests" / "data" / "eval" / "config.toml")
    stories, items = synthetic(1000)
    found = _analyse(stories, items, config)
    our = median_time(lambda: _analyse(stories, items, config), rounds=3)
    words = sum(len(i.text.split()) for i in items.values())
    return [
        Row(
            "offline analysis, 1,000 synthetic stories (s)",
            our,
            10.0,
            "goal",
            "< 10 s",
            note=f"{len(items):,} items, {words:,} words, {found:,} statements",
        )
    ]


def main() -> list[Row]:
    return bench_sample() + bench_synthetic()


if __name__ == "__main__":
    from bench.common import print_table

    print_table(main())
