"""Where the bundled templates, fonts, prompts and default config live, and how a user's folder
overrides them.

The repository keeps them in top-level ``templates/`` (fonts in ``templates/fonts/``),
``prompts/`` and ``config.toml``; the wheel ships them inside the package as
``briefing/templates``, ``briefing/prompts`` and ``briefing/config.toml`` (hatch
``force-include`` in pyproject.toml). An installed wheel finds them next to this module; a
source checkout or an editable install finds them at the repository root.
"""

from __future__ import annotations

from pathlib import Path

import briefing

_PACKAGE_DIR = Path(briefing.__file__).resolve().parent
_REPOSITORY_DIR = _PACKAGE_DIR.parent


def default_dir(kind: str) -> Path:
    """The bundled folder of one kind of resource: ``"templates"`` or ``"prompts"``."""
    installed = _PACKAGE_DIR / kind
    if installed.is_dir():
        return installed
    return _REPOSITORY_DIR / kind


def default_config() -> Path:
    """The default ``config.toml`` (real public feeds), the starting point of ``briefing init``."""
    installed = _PACKAGE_DIR / "config.toml"
    if installed.is_file():
        return installed
    return _REPOSITORY_DIR / "config.toml"


def search_path(kind: str, user_dir: Path | None = None) -> list[Path]:
    """Folders to look in, user folder first so that its files override the defaults by name."""
    folders: list[Path] = []
    if user_dir is not None:
        folders.append(Path(user_dir).resolve())
    bundled = default_dir(kind).resolve()
    if bundled not in folders:
        folders.append(bundled)
    return folders
