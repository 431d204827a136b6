"""Options shared by the command modules (cli, cli_operate, cli_render)."""

from __future__ import annotations

import click

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
