"""`briefing render RUN_ID` (re-render a stored run) and `briefing init [DIR]` (a starter folder).

Registered on the main group in cli.py, which turns their exceptions into exit codes.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from briefing import config as config_module
from briefing.cli_options import config_option

out = Console()
err = Console(stderr=True)


@click.command(name="render")
@config_option
@click.argument("run_id")
@click.option(
    "--audience", "-a", "audiences", multiple=True, help="Audience to render (repeatable; default all)."
)
@click.option(
    "--format", "formats", default="pdf", show_default=True, help="Comma-separated: pdf,html,md,json."
)
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
def render_command(
    config_path: str, run_id: str, audiences: tuple[str, ...], formats: str, output: Path | None
) -> None:
    """Re-render a stored run (RUN_ID, a unique prefix, or `latest`) with the current templates.

    Nothing is fetched and no model is called: the run's stored analysis is rendered again,
    for example after editing a template or adding an audience.
    """
    from briefing.render.rerender import rerender

    config = config_module.load(config_path)
    paths = rerender(
        config,
        run_id,
        audiences=list(audiences),
        formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
        output=output,
    )
    for path in paths:
        out.print(str(path), highlight=False, soft_wrap=True)


@click.command(name="init")
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init_command(folder: Path, force: bool) -> None:
    """Create FOLDER (default: here) with a config.toml and copies of the templates and prompts.

    Existing files are kept unless --force is given.
    """
    from briefing.scaffold import scaffold

    made = scaffold(folder, force=force)
    for path in made.written:
        out.print(str(path), highlight=False, soft_wrap=True)
    for path in made.kept:
        err.print(f"kept existing {path} (use --force to overwrite)", highlight=False, soft_wrap=True)
    err.print(
        f"next: edit {folder / 'config.toml'}, then `briefing run --config {folder / 'config.toml'}`",
        highlight=False,
        soft_wrap=True,
    )
