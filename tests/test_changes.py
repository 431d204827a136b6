"""What changed since the previous briefing for the same audience, through `pipeline.run`.

Real runs on a real SQLite store: local feed files are rewritten between runs, each run is recorded,
and the Markdown each audience gets says which earlier run it was compared with.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from briefing import config as config_module
from briefing import pipeline
from briefing.changes import compare
from briefing.models import Briefing

STORIES = {
    "floor": (
        "USTR sets gallium price floor",
        "US Trade Representative Jamieson Greer said the price floor for gallium would protect American "
        "producers from dumping.",
    ),
    "licences": (
        "China extends gallium licences",
        "China's commerce ministry said the export licences for gallium comply with international practice.",
    ),
    "stockpile": (
        "Japan doubles gallium stockpile",
        "Japan's trade ministry said the gallium stockpile would double to protect the supply chain.",
    ),
}


def write_feed(path: Path, keys: list[str]) -> None:
    entries = "".join(
        f"<item><title>{STORIES[k][0]}</title><link>https://news.example/{k}</link><guid>{k}</guid>"
        f"<pubDate>Tue, 03 Mar 2026 1{n}:00:00 GMT</pubDate><description>{STORIES[k][1]}</description></item>"
        for n, k in enumerate(keys)
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://news.example/</link>'
        f"<description>x</description>{entries}</channel></rss>",
        encoding="utf-8",
    )


def make_config(tmp_path: Path) -> config_module.Config:
    text = f"""
store = "{tmp_path / "store.sqlite"}"
output = "{tmp_path / "out"}"
[[actors]]
name = "USTR"
side = "United States"
aliases = ["US Trade Representative", "Jamieson Greer"]
[[actors]]
name = "MOFCOM"
side = "China"
aliases = ["commerce ministry"]
[[actors]]
name = "METI"
side = "Partners"
aliases = ["Japan's trade ministry"]
[[feeds]]
name = "wire"
local = true
url = "wire.xml"
kind = "wire"
[topics]
terms = ["gallium"]
[[topics.taxonomy]]
id = "price_floors"
label = "Price floors"
terms = ["price floor"]
[[topics.taxonomy]]
id = "export_controls"
label = "Export controls"
terms = ["export licence"]
[[topics.taxonomy]]
id = "supply_chain"
label = "Supply chain"
terms = ["stockpile", "supply chain"]
[[audiences]]
name = "executive"
template = "executive.html.j2"
[[audiences]]
name = "analyst"
template = "analyst.html.j2"
"""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return config_module.load(path)


def run(config: config_module.Config, audiences: list[str], day: int, tmp_path: Path) -> pipeline.RunResult:
    return pipeline.run(
        config,
        pipeline.Options(
            audiences=audiences,
            since="2026-03-01",
            until="2026-03-10",
            formats=("md",),
            output=tmp_path / f"out-{day}",
            now=datetime(2026, 3, day, 12, tzinfo=UTC),
        ),
    )


def markdown(result: pipeline.RunResult, audience: str) -> str:
    path = next(p for p in result.outputs if p.name == f"{audience}.md")
    return path.read_text(encoding="utf-8")


def new_stories_line(document: str) -> str:
    return next(line for line in document.splitlines() if line.startswith("- New stories:"))


def test_each_audience_is_compared_with_its_own_previous_briefing(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    write_feed(tmp_path / "wire.xml", ["floor"])
    first = run(config, ["executive", "analyst"], 11, tmp_path)
    assert first.briefing.changes.previous_run is None

    write_feed(tmp_path / "wire.xml", ["floor", "licences"])
    second = run(config, ["analyst"], 12, tmp_path)
    assert second.briefing.changes.previous_run == first.briefing.run.id

    write_feed(tmp_path / "wire.xml", ["floor", "licences", "stockpile"])
    third = run(config, ["executive", "analyst"], 13, tmp_path)
    executive, analyst = markdown(third, "executive"), markdown(third, "analyst")
    # The executive briefing was last made on the 11th, the analyst one on the 12th.
    assert f"Compared with run {first.briefing.run.id}" in executive
    assert f"Compared with run {second.briefing.run.id}" in analyst
    assert "China extends gallium licences" in new_stories_line(executive)
    assert "China extends gallium licences" not in new_stories_line(analyst)
    assert "Japan doubles gallium stockpile" in new_stories_line(analyst)
    # briefing.json carries the comparison of the first audience, and says so.
    changes = third.briefing.changes
    assert (changes.audience, changes.previous_run) == ("executive", first.briefing.run.id)
    titles = {s.id: s.title for s in third.briefing.stories}
    assert sorted(titles[i] for i in changes.new_stories) == [
        "China extends gallium licences",
        "Japan doubles gallium stockpile",
    ]
    assert changes.new_actors == ["METI", "MOFCOM"]
    assert changes.new_topics == ["export_controls", "supply_chain"]


def test_actors_that_went_quiet_and_speakers_of_unknown_side() -> None:
    before = _briefing(["USTR", "MOFCOM"], unknown="Analysts")
    after = _briefing(["MOFCOM"], unknown="Traders")
    changes = compare(before, after, "analyst")
    assert changes.quiet_actors == ["USTR"]
    assert changes.new_actors == []  # an unplaced speaker is neither new nor quiet
    assert compare(None, after).previous_run is None


def _briefing(actors: list[str], unknown: str) -> Briefing:
    statements = [
        {
            "id": f"st-{n}",
            "story_id": "s-1",
            "item_id": "i-1",
            "speaker": actor,
            "actor": actor,
            "side": "China",
            "resolved_by": "alias",
            "quote": "words",
            "claim": "words",
            "start": 0,
            "end": 5,
            "verified": True,
        }
        for n, actor in enumerate(actors)
    ]
    statements.append(
        {
            **statements[0],
            "id": "st-x",
            "speaker": unknown,
            "actor": None,
            "side": None,
            "resolved_by": "unknown",
        }
    )
    window = {"since": "2026-03-01T00:00:00Z", "until": "2026-03-08T00:00:00Z"}
    return Briefing.model_validate(
        {
            "title": "t",
            "run": {
                "id": f"run-{len(actors)}",
                "created": "2026-03-08T00:00:00Z",
                "window": window,
                "backend": "offline",
            },
            "feeds": [],
            "stories": [],
            "statements": statements,
            "contrasts": [],
        }
    )
