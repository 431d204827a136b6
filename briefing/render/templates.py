"""Jinja2 environments and rendering to HTML and Markdown, in memory.

Templates are looked up in the config's ``templates`` folder first, then in the bundled one, so
a user overrides a template (or ``style.css``) by dropping a file of the same name in the folder,
and adds an audience by naming a new template in config. Every environment is Jinja's immutable
sandbox with ``StrictUndefined``: a user's template cannot reach Python internals or mutate data,
and a missing variable fails the render with the template name and line before anything is
written. The HTML environment always autoescapes; the Markdown one escapes every ``{{ }}``.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefing import __version__
from briefing.config import Audience, Config
from briefing.errors import RenderError
from briefing.models import Briefing
from briefing.render import filters
from briefing.render.context import UNATTRIBUTED, template_context
from briefing.resources import search_path

SECTIONS: dict[str, tuple[str, ...]] = {
    "executive.html.j2": ("notes", "bottom_line", "contrasts", "gaps", "changes", "sources"),
    "analyst.html.j2": (
        "notes",
        "key_developments",
        "contrasts",
        "gaps",
        "stories",
        "coverage",
        "changes",
        "feeds",
        "appendix",
    ),
    "briefing.md.j2": ("notes", "bottom_line", "contrasts", "gaps", "stories", "changes", "feeds", "sources"),
}
MARKDOWN_TEMPLATE = "briefing.md.j2"
STYLESHEET = "style.css"
MAX_OUTPUT_CHARS = 20_000_000

# @font-face rules point at files beside the templates; a standalone HTML file cannot reach them.
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}\s*", re.IGNORECASE)


def _common_filters() -> dict[str, Callable[..., Any]]:
    return {
        "date": filters.format_date,
        "datetime": filters.format_datetime,
        "isodate": filters.format_isodate,
        "side_class": lambda name: f"side-{filters.slug(name or UNATTRIBUTED)}",
        "slug": filters.slug,
        "kind_label": filters.kind_label,
        "flag_label": filters.flag_label,
        "descriptor_label": filters.descriptor_label,
        "plural": filters.plural,
        "percent": filters.percent,
        "clip": filters.clip,
        "host": filters.url_host,
        "href": filters.http_url,
        "affiliation": filters.affiliation,
        "short_affiliation": filters.short_affiliation,
    }


def make_environment(folders: list[Path]) -> ImmutableSandboxedEnvironment:
    """The HTML environment: sandboxed, always autoescaped, strict about undefined names."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(_common_filters())
    env.globals["link"] = filters.html_link
    return env


def make_markdown_environment(folders: list[Path]) -> ImmutableSandboxedEnvironment:
    """The Markdown environment: no HTML escaping, but every ``{{ }}`` is Markdown-escaped."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(p) for p in folders]),
        autoescape=False,
        finalize=filters.md_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(_common_filters())
    env.filters["md"] = filters.escape_markdown
    env.filters["md_url"] = lambda url: filters.MarkdownText(filters.md_url(filters.http_url(url)))
    env.globals["link"] = filters.md_link
    return env


def template_dirs(config: Config) -> list[Path]:
    """The template search path for a config: its ``templates`` folder first, then the bundled one."""
    user = config.resolve(config.templates) if config.templates is not None else None
    return search_path("templates", user)


def _location(exc: BaseException, dirs: list[Path]) -> str:
    """``name, line N`` of the template frame an error came from, as far as it can be told."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        name = exc.name or exc.filename or "?"
        return f"{name}, line {exc.lineno}"
    roots = [str(d) for d in dirs]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        for root in roots:
            if frame.filename.startswith(root + os.sep):
                return f"{os.path.relpath(frame.filename, root)}, line {frame.lineno}"
    return ""


def _render(env: jinja2.Environment, name: str, context: dict[str, Any], dirs: list[Path]) -> str:
    try:
        template = env.get_template(name)
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise RenderError(f"template {name}: output exceeds {MAX_OUTPUT_CHARS:,} characters")
            chunks.append(chunk)
    except RenderError:
        raise
    except jinja2.TemplateNotFound as exc:
        where = ", ".join(str(d) for d in dirs)
        raise RenderError(f"template {exc.name!r} not found (looked in {where})") from exc
    except Exception as exc:
        where = _location(exc, dirs) or name
        message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
        raise RenderError(f"template {where}: {type(exc).__name__}: {message}") from exc
    return "".join(chunks)


def render_html(briefing: Briefing, audience: Audience, config: Config, *, standalone: bool = False) -> str:
    """The audience's HTML template rendered in memory. Nothing is written.

    ``standalone=True`` inlines the stylesheet (without its @font-face rules, whose files sit
    beside the templates) so that the HTML file works on its own, with the reader's fonts; the
    PDF path links ``fonts.css`` and ``style.css`` and lets the locked-down fetcher load them.
    """
    dirs = template_dirs(config)
    env = make_environment(dirs)
    context = template_context(briefing, audience, config)
    context["inline_css"] = _stylesheet(dirs) if standalone else ""
    context["paged"] = not standalone
    if standalone:  # no pages, so no page footnotes: number the sources and list them
        context["footnote"] = context["ref"]
    return _render(env, audience.template, context, dirs)


def render_markdown(briefing: Briefing, audience: Audience, config: Config) -> str:
    """``briefing.md.j2`` rendered in memory for one audience. Nothing is written."""
    dirs = template_dirs(config)
    env = make_markdown_environment(dirs)
    context = template_context(briefing, audience, config, markdown=True)
    context["version"] = filters.MarkdownText(__version__)  # our own version string, not feed text
    return _render(env, MARKDOWN_TEMPLATE, context, dirs)


def _stylesheet(dirs: list[Path]) -> Markup:
    for folder in dirs:
        candidate = folder / STYLESHEET
        if candidate.is_file():
            css = _FONT_FACE.sub("", candidate.read_text(encoding="utf-8"))
            # Our own file (or the user's), but it must not be able to close the <style> element.
            return Markup(css.replace("</", "<\\/"))
    raise RenderError(f"{STYLESHEET} not found in {', '.join(str(d) for d in dirs)}")
