"""Project habits the tree must keep: documented config, working help, a current reference."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.config import Config
from briefing.configdoc import render, rows

ROOT = Path(__file__).resolve().parent.parent


def test_every_config_key_has_a_description() -> None:
    missing = [path for path, _, _, description, _ in rows(Config) if not description.strip()]
    assert not missing, f"config keys without a description: {missing}"


def test_configuration_reference_is_current() -> None:
    committed = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate: python -m briefing.configdoc > docs/configuration.md"


def test_readme_points_to_the_configuration_reference() -> None:
    assert "docs/configuration.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", _commands(main), ids=lambda c: " ".join(c) or "briefing")
def test_help_renders(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    # Every command says what it does in one line.
    target = main if not command else main.commands[command[0]]
    assert (target.help or "").strip(), f"{command} has no help text"
