"""Options and output shared by the command modules (cli, cli_operate, cli_render)."""

from __future__ import annotations

from collections.abc import Sequence

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

DEFAULT_CONFIG = "config.toml"

config_option = click.option(
    "--config",
    "-c",
    "config_path",
    default=DEFAULT_CONFIG,
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The config file.",
)


def emit_table(
    console: Console,
    title: str,
    headers: tuple[str, ...],
    rows: Sequence[tuple[str, ...]],
    *,
    markup: bool = False,
) -> None:
    """A rich table on a terminal; tab-separated plain lines (header first) for scripts.

    With `markup`, cells may carry rich markup ("[green]ok[/]"), which the plain lines leave out.
    """
    if not console.is_terminal:
        for row in [headers, *rows]:
            cells = (Text.from_markup(cell).plain if markup else cell for cell in row)
            click.echo("\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in cells))
        return
    table = Table(title=title, title_justify="left")
    for column in headers:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table, markup=markup)
