"""Prompts: Jinja templates from `prompts/` (a user's folder first), and item text made into data.

    Prompts(config).render("story.j2", ...)    the text, and the template's sha256 in `.hashes`
    Prompts(config).exists("tone/x.j2")         whether the user's folder or the defaults have it
    material(item, cap, withheld)               what of an item the model sees

An item reaches the model as a `<material ...>` block whose text can neither close the block nor
open another; sentences that address an AI system are withheld, links are replaced by "[link]"
and the text is cut at a sentence end near `max_item_chars`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from briefing.analysis.text import sentence_spans
from briefing.config import Config
from briefing.errors import AnalysisError
from briefing.models import Item
from briefing.resources import search_path

WITHHELD = "[withheld: text addressed to AI systems]"
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.IGNORECASE)
_TAG = re.compile(r"<(/?)\s*(material|statement)", re.IGNORECASE)


class Prompts:
    """The prompt templates of one run. Templates are plain text: no autoescape, strict names."""

    def __init__(self, config: Config) -> None:
        user = config.resolve(config.prompts) if config.prompts is not None else None
        self.dirs = search_path("prompts", user)
        self.env = ImmutableSandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(d) for d in self.dirs]),
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,
        )
        self.hashes: dict[str, str] = {}

    def render(self, name: str, **context: Any) -> str:
        try:
            source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            text = self.env.get_template(name).render(context)
        except jinja2.TemplateNotFound as exc:
            where = ", ".join(str(d) for d in self.dirs)
            raise AnalysisError(f"prompt template {name!r} not found (looked in {where})") from exc
        except jinja2.TemplateError as exc:
            raise AnalysisError(f"prompt template {name}: {exc}") from exc
        self.hashes[name] = hashlib.sha256(source.encode("utf-8")).hexdigest()
        return text.strip() + "\n"

    def exists(self, name: str) -> bool:
        """Whether a template of that name is in the user's folder or the defaults."""
        try:
            self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return False
        return True

    def digest(self) -> str:
        """One hash over every template rendered so far (part of each cache key)."""
        joined = "|".join(f"{n}={h}" for n, h in sorted(self.hashes.items()))
        return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class Material:
    id: str
    title: str
    source: str
    kind: str
    published: str
    language: str
    text: str
    cut: bool
    withheld: int


def _defuse(text: str) -> str:
    """Nothing in feed text may look like the tags that delimit it."""
    return _TAG.sub(lambda m: f"\u2039{m.group(1)}{m.group(2)}", text)


def _cut(text: str, cap: int) -> tuple[str, bool]:
    if len(text) <= cap:
        return text, False
    ends = [s.end for s in sentence_spans(text) if s.end <= cap]
    end = ends[-1] if ends and ends[-1] >= cap // 2 else text.rfind(" ", 0, cap)
    return text[: end if end > 0 else cap].rstrip() + " […]", True


def material(item: Item, cap: int, withheld: list[tuple[int, int]]) -> Material:
    """The item as the model sees it."""
    text = item.text or item.summary
    if item.text:
        for start, end in sorted(withheld, reverse=True):
            text = text[:start] + WITHHELD + text[end:]
    text = _URL.sub("[link]", text)
    text, cut = _cut(" ".join(text.split(" ")), cap)
    return Material(
        id=item.id,
        title=_defuse(_URL.sub("[link]", " ".join(item.title.split()))),
        source=_defuse(item.source),
        kind=item.source_kind,
        published=f"{item.published:%Y-%m-%d}",
        language=item.language or "",
        text=_defuse(text),
        cut=cut,
        withheld=len(withheld) if item.text else 0,
    )


def blanked(item: Item, withheld: list[tuple[int, int]]) -> Item:
    """The item with withheld sentences blanked out, offsets kept, for the offline fallback."""
    if not withheld:
        return item
    text = item.text
    for start, end in withheld:
        text = text[:start] + " " * (end - start) + text[end:]
    return item.model_copy(update={"text": text})
