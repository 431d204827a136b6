# ruff: noqa: RUF001 -- speaker names with typographic apostrophes on purpose
"""`briefing eval`: the labelled sets in tests/data/eval, the matching rule, and the quality bar.

The committed sets are a regression guard. `tuned.toml`, `dev.toml` and `heldout-1.toml` are what
the offline engine was first developed on; `heldout-2.toml` onwards were each written blind and
scored once ("first contact") before their misses were used. The development portion (all but the
newest blind set) must meet the issue's targets: speaker precision >= 0.9, recall >= 0.85, side
accuracy >= 0.95 and no quote missing from its source. The newest blind set must not fall below
its first-contact figures (`FIRST_CONTACT`), which is what the engine does on text it never saw.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.analysis import evaluate
from briefing.errors import ConfigError
from tests.conftest import ROOT

EVAL = ROOT / "tests" / "data" / "eval"


def briefing(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def write_set(folder: Path, items: str) -> Path:
    (folder / "config.toml").write_text((EVAL / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    path = folder / "mini.toml"
    path.write_text(f'name = "mini"\n{items}', encoding="utf-8")
    return path


def row(output: str, name: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.split()[:1] == [name])
    return line.split()


# --- the committed sets ---------------------------------------------------------------------------------


def test_the_committed_sets_are_big_enough_and_cover_the_tricky_cases() -> None:
    sets = [evaluate.load_set(p) for p in evaluate.set_files([EVAL])]
    assert {s.name for s in sets} >= {
        "tuned",
        "dev",
        "heldout-1",
        "heldout-2",
        "heldout-3",
        "heldout-4",
        "heldout-5",
    }
    items = [item for s in sets for item in s.items]
    gold = [g for item in items for g in item.statements]
    assert len(items) >= 12 and len(gold) >= 30
    sides = {g.side for g in gold}
    assert {"United States", "China", "Partners", ""} <= sides
    # A US claim carried by Chinese state media, and a side only the affiliation gives.
    config = sets[0].config
    state_media = [i for i in items if (config.feed(i.feed) or config.feeds[0]).kind == "state_media"]
    assert any(g.side == "United States" for i in state_media for g in i.statements)
    aliases = {a.lower() for actor in config.actors for a in [actor.name, *actor.aliases]}
    assert any(g.side == "China" and g.speakers[0].lower() not in aliases for g in gold)


def figures(output: str, name: str) -> tuple[int, int, float, float, float, int]:
    _, _, gold, found, precision, recall, side, ungrounded = row(output, name)
    return int(gold), int(found), float(precision), float(recall), float(side), int(ungrounded)


# First contact of each blind set: its figures when the engine first ran on it, before its misses
# were used (the headers of the sets say more). The newest blind set must not fall below them; the
# others are development sets now and must meet the targets.
FIRST_CONTACT = {
    "heldout-2": (0.955, 0.933, 0.881),
    "heldout-3": (0.947, 0.871, 0.870),
    "heldout-4": (0.902, 0.852, 0.804),
    "heldout-5": (0.857, 0.822, 0.967),
    "heldout-6": (0.823, 0.823, 0.923),
    "heldout-7": (0.971, 0.835, 0.894),
    "heldout-8": (0.977, 0.905, 0.907),
    "heldout-9": (0.927, 0.835, 0.921),
    "heldout-10": (0.927, 0.874, 0.908),
    "heldout-11": (0.978, 0.936, 0.920),
    "heldout-12": (0.969, 0.940, 0.915),
    "heldout-13": (0.960, 0.900, 0.931),
}
NEWEST = max(FIRST_CONTACT, key=lambda name: int(name.split("-")[1]))


def test_every_blind_set_has_its_first_contact_recorded() -> None:
    blind = {p.stem for p in EVAL.glob("heldout-*.toml")} - {"heldout-1"}
    assert blind == set(FIRST_CONTACT)


def test_briefing_eval_meets_the_targets_on_the_development_sets() -> None:
    names = ["tuned", "dev", "heldout-1", *(name for name in FIRST_CONTACT if name != NEWEST)]
    sets = [str(EVAL / f"{name}.toml") for name in names]
    done = briefing("eval", *[arg for path in sets for arg in ("--set", path)])
    assert done.returncode == 0, done.stderr
    gold, found, precision, recall, side, ungrounded = figures(done.stdout, "overall")
    assert gold >= 400 and found > 0
    assert precision >= 0.9 and recall >= 0.85 and side >= 0.95, done.stdout
    assert ungrounded == 0
    assert (
        "targets (overall): precision >= 0.90 met, recall >= 0.85 met, side accuracy >= 0.95 met"
        in done.stdout
    )


def test_the_newest_blind_set_keeps_its_first_contact_figures() -> None:
    done = briefing("eval", "--set", str(EVAL / f"{NEWEST}.toml"))
    assert done.returncode == 0, done.stderr
    gold, found, precision, recall, side, ungrounded = figures(done.stdout, NEWEST)
    assert gold >= 40 and found > 0
    first = FIRST_CONTACT[NEWEST]
    assert precision >= first[0] and recall >= first[1] and side >= first[2], done.stdout
    assert ungrounded == 0


def test_eval_defaults_to_the_committed_sets_in_a_checkout() -> None:
    done = briefing("eval", cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert row(done.stdout, "overall")


# --- the matching rule ----------------------------------------------------------------------------------

MINI = """
[[items]]
id = "m1"
feed = "wire"
text = '''
Li Wenhua, a professor at Fudan University, said the price floors would fail.
"Nobody will pay the premium," Li said.
Analysts said the floors were a tax on manufacturers. Prices of gallium rose 4% in March.
'''
statements = [
  { speaker = "Li Wenhua", side = "China", quote = "the price floors would fail" },
  { speaker = "Li Wenhua", side = "United States", quote = "Nobody will pay the premium" },
  { speaker = "Maria Lopez", side = "", quote = "Prices of gallium rose 4% in March" },
  { speaker = "analysts", side = "", quote = "the floors were a tax on manufacturers", optional = true },
]
"""


def test_scores_follow_the_matching_rule(tmp_path: Path) -> None:
    score = evaluate.evaluate(evaluate.load_set(write_set(tmp_path, MINI)))
    # Found: Li twice (both match), analysts (matches an optional statement: neither hit nor miss).
    assert (score.gold, score.predicted, score.matched, score.ignored) == (3, 3, 2, 1)
    assert score.precision == 1.0
    assert score.recall == pytest.approx(2 / 3)
    assert score.side_accuracy == 0.5  # the second gold side is deliberately wrong
    assert score.unplaced == 0  # ... and the prediction has a side: "given another side"
    assert "side misses: 0 left unknown, 1 given another side" in evaluate.report([score])
    assert score.ungrounded == 0
    assert [m.split(":")[0] for m in score.misses] == ["m1"]
    assert "Maria Lopez" in score.misses[0]


def test_speaker_names_are_compared_normalised() -> None:
    same = evaluate.normal_speaker
    assert same("The U.S. Commerce Department") == same("US Commerce Department")
    assert same("China’s Foreign Ministry") == same("china's foreign ministry") == "china foreign ministry"
    assert same("Šefčovič") == same("Sefcovic")
    assert same("Li Wenhua") != same("Li Wen")


def test_a_second_prediction_of_one_statement_is_a_false_positive(tmp_path: Path) -> None:
    items = """
[[items]]
id = "d1"
feed = "wire"
text = "Anna Berg said the gallium floor would hold. She said buyers would pay."
statements = [
  { speaker = "Anna Berg", side = "", quote = "the gallium floor would hold. She said buyers would pay" },
]
"""
    score = evaluate.evaluate(evaluate.load_set(write_set(tmp_path, items)))
    assert (score.matched, score.predicted) == (1, 2)
    assert score.precision == 0.5 and score.recall == 1.0
    assert len(score.false_positives) == 1


def test_a_prediction_covering_a_required_and_an_optional_statement_hits_the_required_one(
    tmp_path: Path,
) -> None:
    items = """
[[items]]
id = "o1"
feed = "wire"
text = "Ana Diaz said the round would close in April and that bids from at least 40 companies were in."
statements = [
  { speaker = "Ana Diaz", side = "", quote = "the round would close in April" },
  { speaker = "Ana Diaz", side = "", quote = "bids from at least 40 companies were in", optional = true },
]
"""
    score = evaluate.evaluate(evaluate.load_set(write_set(tmp_path, items)))
    # One prediction, overlapping the optional statement more than the required one.
    assert (score.predicted, score.matched, score.ignored, score.misses) == (1, 1, 0, [])


@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        ('{ speaker = "X", side = "China", quote = "not in the text" }', "quote not found"),
        ('{ speaker = "X", side = "Mars", quote = "gallium" }', "not a configured side"),
        ('{ speaker = "X", side = "China", quote = "the" }', "occurs 2 times"),
        ('{ speaker = "X", quote = "gallium" }', "side"),
    ],
)
def test_a_bad_set_is_reported_with_its_place(tmp_path: Path, statement: str, problem: str) -> None:
    items = f"""
[[items]]
id = "b1"
feed = "wire"
text = "The ministry said the gallium licences would be approved within the month."
statements = [{statement}]
"""
    path = write_set(tmp_path, items)
    with pytest.raises(ConfigError, match=problem):
        evaluate.load_set(path)
    done = briefing("eval", "--set", str(path))
    assert done.returncode == 2
    assert "mini.toml" in done.stderr and problem in done.stderr


def test_an_item_the_backend_broke_on_is_listed_and_fails_the_command(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from briefing.analysis import register
    from briefing.cli import main
    from briefing.models import Analysis, Item, Story

    class Broken:
        name = "broken-test"

        def analyse(self, stories: list[Story], items: dict[str, Item], config: object) -> Analysis:
            return Analysis(failed_stories={s.id: "ValueError: boom" for s in stories})

    register(Broken())
    path = write_set(tmp_path, MINI)
    score = evaluate.evaluate(evaluate.load_set(path), "broken-test")
    assert len(score.failed) == 1 and "boom" in score.failed[0]
    assert any("analysis FAILED on 1 item(s)" in line for line in evaluate.report([score]))
    done = CliRunner().invoke(main, ["eval", "--set", str(path), "--backend", "broken-test"])
    assert done.exit_code == 1, done.output
    assert "boom" in done.output


def test_verbose_lists_what_went_wrong(tmp_path: Path) -> None:
    done = briefing("eval", "--set", str(write_set(tmp_path, MINI)), "--verbose")
    assert done.returncode == 0, done.stderr
    assert "missed 'Maria Lopez'" in done.stdout
    assert "gold United States" in done.stdout  # the wrong side is listed
    assert "targets (mini): precision >= 0.90 met, recall >= 0.85 MISSED" in done.stdout
