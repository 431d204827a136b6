"""docs/configuration.md, generated from the config models so it cannot drift from the code.

    python -m briefing.configdoc > docs/configuration.md

A test fails when the committed file differs from what this prints, or when a config key
has no description.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from briefing.config import Config

HEADER = """# Configuration reference

Generated from `briefing/config.py` by `python -m briefing.configdoc`; do not edit by hand.
`config.toml` is read from the current folder unless `--config PATH` names another file.
Relative paths are resolved against the config file's folder. Every problem in a config is
reported at once, with the file and the key path, and the command exits with code 2.
A key path with `[]` is a key inside each entry of an array of tables (`[[feeds]]`);
`NAME` stands for a name you choose (a table of tables, such as prices per model).
"""


def _model_of(annotation: Any) -> tuple[type[BaseModel] | None, str]:
    """The nested section model of a field and how its keys are written below the field:
    "." for a table, "[]." for an array of tables, ".NAME." for a table of tables."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _model_of(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, "."
    if origin in (types.UnionType, typing.Union):
        models = [m for m in (_model_of(a) for a in args if a is not type(None)) if m[0] is not None]
        return models[0] if len(models) == 1 else (None, "")
    if origin is list and args:
        inner, _ = _model_of(args[0])
        return (inner, "[].") if inner is not None else (None, "")
    if origin is dict and len(args) == 2:
        inner, _ = _model_of(args[1])
        return (inner, ".NAME.") if inner is not None else (None, "")
    return None, ""


def type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (types.UnionType, typing.Union):
        return " or ".join(type_name(a) for a in args if a is not type(None)) + " (optional)"
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return f"table of {type_name(args[0])} to {type_name(args[1])}"
    if annotation is Path:
        return "path"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "table"
    return getattr(annotation, "__name__", str(annotation))


def default_text(field: FieldInfo) -> str:
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "see below"
    if isinstance(value, list) and value and isinstance(value[0], BaseModel):
        return ", ".join(str(getattr(v, "name", v)) for v in value)
    if isinstance(value, Path):
        return f"`{value}`"
    if value is None:
        return "none"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def rows(
    model: type[BaseModel], prefix: str = ""
) -> Iterator[tuple[str, str, str, str, type[BaseModel] | None]]:
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        path = f"{prefix}{name}"
        nested, joint = _model_of(field.annotation)
        yield path, type_name(field.annotation), default_text(field), field.description or "", nested
        if nested is not None:
            yield from rows(nested, f"{path}{joint}")


def render() -> str:
    lines = [HEADER, "| key | type | default | meaning |", "|---|---|---|---|"]
    for path, kind, default, description, _ in rows(Config):
        lines.append(f"| `{path}` | {kind} | {default} | {description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
