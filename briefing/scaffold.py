"""`briefing init [DIR]`: a folder to start from, with everything a user may want to change.

    DIR/config.toml     the default configuration (real public feeds), pointing at the two folders
    DIR/templates/      copies of the bundled audience templates, Markdown template and stylesheets
    DIR/prompts/        copies of the bundled LLM prompts
    DIR/README.md       how to run it and how to customise templates and audiences

The bundled fonts are not copied: a stylesheet in DIR/templates that names ``fonts/...`` still
finds them, because the renderer looks up every file in the user folder first, then the
bundled one. Existing files are never overwritten unless ``force`` is set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import UsageError
from briefing.render.atomic import write_bytes_atomic, write_text_atomic
from briefing.resources import default_config, default_dir

_COPIED = ("*.j2", "*.css", "*.md")

README = """# Briefings

This folder was made by `briefing init`. Run a briefing with

    briefing run --config config.toml

and re-render a stored run after editing a template (no fetching, no model calls) with

    briefing render latest --config config.toml

To customise: edit a template in `templates/` (a file here overrides the bundled one of the same
name), or add an audience by writing `templates/<name>.html.j2` (start with
`{% extends "base.html.j2" %}` and fill the blocks `header`, `notes`, `content`, `sources`,
`colophon`) and naming it in `config.toml` under `[[audiences]]` with `name`, `template`,
`title`, `classification` and `sections`. Templates run sandboxed with autoescaping: a missing
variable stops the render with the template's name and line, before anything is written.
Delete any copied file you have not changed to keep getting the bundled version on upgrades.
"""


@dataclass
class Scaffold:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def _config_text() -> str:
    text = default_config().read_text(encoding="utf-8")
    folders = 'templates = "templates"     # overrides the bundled templates by file name\n'
    folders += 'prompts = "prompts"         # overrides the bundled prompts by file name\n'
    found = re.search(r"^output = .*\n", text, flags=re.MULTILINE)
    if found is None:
        return folders + text
    return text[: found.end()] + folders + text[found.end() :]


def scaffold(folder: Path, *, force: bool = False) -> Scaffold:
    """Write the starter files into ``folder``; files that exist are kept unless ``force``."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    result = Scaffold()

    def put(path: Path, data: bytes) -> None:
        if path.exists() and not force:
            result.kept.append(path)
            return
        write_bytes_atomic(path, data)
        result.written.append(path)

    for kind in ("templates", "prompts"):
        source = default_dir(kind)
        for pattern in _COPIED:
            # rglob: prompts/tone/<audience>.j2 live one folder down.
            for file in sorted(source.rglob(pattern)):
                target = folder / kind / file.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                put(target, file.read_bytes())
        (folder / kind).mkdir(parents=True, exist_ok=True)
    put(folder / "config.toml", _config_text().encode("utf-8"))
    readme = folder / "README.md"
    if not readme.exists() or force:
        write_text_atomic(readme, README)
        result.written.append(readme)
    else:
        result.kept.append(readme)
    return result
