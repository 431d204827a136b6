"""`briefing history` and `briefing show`, retention, and stale or paused feeds in the briefing."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from briefing import history, pipeline
from briefing.errors import ExitCode
from briefing.store import Store
from tests.conftest import Server
from tests.ops import SAMPLE_FEEDS, briefing, load, local_config


def run(
    config_path: Path, until: str, *, since: str | None = None, now: datetime | None = None
) -> pipeline.RunResult:
    return pipeline.run(
        load(config_path),
        pipeline.Options(
            audiences=["executive"],
            since=since or (date.fromisoformat(until) - timedelta(days=14)).isoformat(),
            until=until,
            formats=("json",),
            now=now,
        ),
    )


def run_ids(config_path: Path) -> list[str]:
    config = load(config_path)
    with Store(config.resolve(config.store)) as store:
        return [r.id for r in history.runs(store)]


def test_history_lists_runs_and_show_prints_the_manifest(tmp_path: Path) -> None:
    spare = tmp_path / "spare.xml"
    config = local_config(
        tmp_path, f'\n[[feeds]]\nname = "Spare wire"\nlocal = true\nurl = "{spare}"\nkind = "wire"\n'
    )
    failed = run(config, "2026-02-20", since="2026-01-26")  # the spare feed's file is missing
    assert failed.exit_code == ExitCode.PARTIAL
    result = briefing("history", "--config", str(config))
    assert result.code == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split("\t") == [
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
    ]
    cells = row.split("\t")
    assert cells[0] == failed.briefing.run.id
    assert cells[2] == "2026-01-26 to 2026-02-20"
    assert cells[3:8] == ["executive", "offline", "partial", "Spare wire", "0"]
    assert cells[9].endswith("2026-02-20/briefing.json")

    shown = briefing("show", failed.briefing.run.id[:10], "--config", str(config), "--json")
    assert shown.code == 0, shown.stderr
    data = json.loads(shown.stdout)
    written = json.loads(Path(cells[9]).read_text(encoding="utf-8"))
    assert data["manifest"] == written["manifest"]
    assert data["manifest"]["feeds"]["Spare wire"] == "error"
    assert data["status"] == "partial" and data["feeds_failed"] == ["Spare wire"]
    table = briefing("show", "latest", "--config", str(config))
    assert table.code == 0
    assert f"statements\t{written['manifest']['statements_verified']} verified" in table.stdout
    assert "Spare wire: error" in table.stdout

    unknown = briefing("show", "no-such-run", "--config", str(config))
    assert unknown.code == 2 and "no run 'no-such-run'" in unknown.stderr


def test_retention_prunes_old_runs_and_files_but_never_the_latest_good_one(tmp_path: Path) -> None:
    spare = tmp_path / "spare.xml"
    shutil.copy(SAMPLE_FEEDS / "wire.xml", spare)
    config = local_config(
        tmp_path,
        f'\n[[feeds]]\nname = "Spare wire"\nlocal = true\nurl = "{spare}"\nkind = "wire"\n'
        "\n[retention]\nkeep_runs = 1\n",
    )
    first = run(config, "2026-02-10", now=datetime(2026, 2, 11, tzinfo=UTC))
    assert first.exit_code == ExitCode.OK
    spare.unlink()
    second = run(config, "2026-02-15", now=datetime(2026, 2, 16, tzinfo=UTC))
    assert second.exit_code == ExitCode.PARTIAL
    # keep_runs = 1, but the first is the latest run that went fully well: it stays.
    ids = run_ids(config)
    assert ids == [second.briefing.run.id, first.briefing.run.id]
    assert all(p.exists() for p in first.outputs)

    shutil.copy(SAMPLE_FEEDS / "wire.xml", spare)
    third = run(config, "2026-02-20", now=datetime(2026, 2, 21, tzinfo=UTC))
    assert third.exit_code == ExitCode.OK
    ids = run_ids(config)
    assert ids == [third.briefing.run.id]
    assert not any(p.exists() for p in first.outputs + second.outputs)
    assert not (tmp_path / "out" / "2026-02-10").exists()  # emptied folders go too
    assert all(p.exists() for p in third.outputs)


def test_retention_keeps_files_another_run_still_lists(tmp_path: Path) -> None:
    config = local_config(tmp_path, "\n[retention]\nkeep_days = 3\n")
    old = run(config, "2026-02-20", now=datetime(2026, 2, 21, tzinfo=UTC))
    new = run(config, "2026-02-20", since="2026-02-13", now=datetime(2026, 3, 1, tzinfo=UTC))
    assert old.outputs == new.outputs  # same window end, same folder
    ids = run_ids(config)
    assert ids == [new.briefing.run.id]
    assert all(p.exists() for p in new.outputs)


def test_stale_feeds_are_flagged_and_named_in_the_notes(tmp_path: Path) -> None:
    config = local_config(tmp_path, "\n[alerts]\nstale_after_days = 14\n")
    result = run(config, "2026-03-04")  # the window ends 5 March; stale = nothing since 19 February
    feeds = {f.name: f for f in result.briefing.feeds}
    stale = sorted(name for name, f in feeds.items() if f.stale)
    assert stale == ["Google News: critical minerals", "Secretaría de Economía", "USTR press releases"]
    usts = feeds["USTR press releases"].last_new_item
    assert usts == datetime(2026, 2, 18, 20, 20, tzinfo=UTC)
    assert feeds["Meridian Metals Wire"].last_new_item == datetime(2026, 2, 20, 15, 0, tzinfo=UTC)
    [note] = [n for n in result.briefing.notes if n.startswith("Stale feeds")]
    assert "USTR press releases (last item 18 Feb 2026)" in note and "14 days" in note
    # The same corpus seen from its own last day: nothing is stale.
    fresh = run(config, "2026-02-20")
    assert not any(f.stale for f in fresh.briefing.feeds)
    assert not any(n.startswith("Stale feeds") for n in fresh.briefing.notes)


def test_paused_feeds_are_named_in_the_notes(tmp_path: Path, server: Server) -> None:
    gone = server.add("/gone.xml", b"gone", status=410)
    config = local_config(tmp_path, f'\n[[feeds]]\nname = "Retired feed"\nurl = "{gone}"\nkind = "wire"\n')
    first = run(config, "2026-02-20")
    assert first.exit_code == ExitCode.PARTIAL
    second = run(config, "2026-02-20")
    paused = next(f for f in second.briefing.feeds if f.name == "Retired feed")
    assert paused.status == "paused"
    [note] = [n for n in second.briefing.notes if n.startswith("Paused feeds")]
    assert "Retired feed" in note and "410" in note
