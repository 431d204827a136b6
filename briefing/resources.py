"""Where the bundled templates and prompts live, and how a user's folder overrides them.

The repository keeps them in top-level ``templates/`` and ``prompts/`` folders; the wheel ships
them inside the package as ``briefing/templates`` and ``briefing/prompts`` (hatch
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


def search_path(kind: str, user_dir: Path | None = None) -> list[Path]:
    """Folders to look in, user folder first so that its files override the defaults by name."""
    folders: list[Path] = []
    if user_dir is not None:
        folders.append(Path(user_dir).resolve())
    bundled = default_dir(kind).resolve()
    if bundled not in folders:
        folders.append(bundled)
    return folders
