"""`briefing render RUN_ID`: the documents of a stored run, made again from its Briefing.

The store keeps every run's whole Briefing as JSON, so a run can be re-rendered after a
template is edited, for another audience, or in another format, without fetching anything or
calling a model. The files go where the run's own files went (``<output>/<last day>/``), written
atomically by the same code as a run (``pipeline.write_documents``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from briefing import history
from briefing.config import Config
from briefing.errors import UsageError
from briefing.models import Briefing
from briefing.store import Store

FORMATS = ("pdf", "html", "md", "json")


def stored_briefing(config: Config, run_id: str) -> Briefing:
    """The Briefing of a stored run: its id, a unique prefix of one, or ``latest``."""
    path = config.resolve(config.store)
    if not path.exists():
        raise UsageError(f"no store at {path}: nothing has been run with this config yet")
    with Store(path) as store:
        record = history.get(store, run_id)
    if record.briefing is None:
        why = f" ({record.status}{': ' + record.error if record.error else ''})" if record.status else ""
        raise UsageError(f"run {record.id} has no stored briefing{why}")
    return record.briefing


def rerender(
    config: Config,
    run_id: str,
    *,
    audiences: list[str] | None = None,
    formats: tuple[str, ...] = ("pdf",),
    output: Path | None = None,
) -> list[Path]:
    """Write the chosen audiences and formats of a stored run; the paths written."""
    from briefing.pipeline import choose_audiences, write_documents

    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format {', '.join(unknown)} (choose from {', '.join(FORMATS)})")
    chosen = choose_audiences(config, audiences or [])
    briefing = stored_briefing(config, run_id)
    last_day = briefing.run.window.until - timedelta(microseconds=1)
    folder = (output or config.resolve(config.output)) / f"{last_day:%Y-%m-%d}"
    return write_documents(briefing, config, chosen, formats, folder)
