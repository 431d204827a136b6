"""Briefing -> HTML, Markdown and PDF.

    Briefing + Audience --context.py--> Jinja2 (templates.py: sandboxed, autoescaped) --> HTML / Markdown
    HTML --sandbox.py: worker process, time and memory limits-->
         WeasyPrint + SafeFetcher (fetcher.py: data: URLs and template files only) --> PDF bytes
    bytes --atomic.py--> temporary file in the same folder, renamed over the target

Everything in a Briefing (feed text, titles, URLs, model output) is untrusted: templates print it
through autoescaping (HTML) or Markdown escaping, and the few pieces of markup built in Python
(links, footnotes, charts) escape every value they contain. Audience templates may come from a
user's folder, so they run in Jinja's immutable sandbox, and the PDF renderer may read only the
templates folders (stylesheets, bundled fonts) and ``data:`` URLs.

Modules: ``filters`` (text helpers, escaping), ``sources`` (footnote numbering), ``judgements``
(the bottom line), ``charts`` (SVG), ``context`` (template variables), ``templates`` (Jinja),
``fetcher``, ``pdf`` (WeasyPrint), ``sandbox`` / ``worker`` (the limited process), ``atomic``,
``rerender`` (``briefing render RUN_ID``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from briefing.config import Config
from briefing.render.atomic import write_bytes_atomic, write_text_atomic
from briefing.render.context import template_context
from briefing.render.fetcher import ForbiddenResource, SafeFetcher
from briefing.render.filters import escape_markdown
from briefing.render.pdf import Rendered
from briefing.render.sandbox import RenderLimits, run_job
from briefing.render.sandbox import start as start_worker
from briefing.render.templates import (
    MARKDOWN_TEMPLATE,
    SECTIONS,
    make_environment,
    make_markdown_environment,
    render_html,
    render_markdown,
    template_dirs,
)
from briefing.resources import default_dir

__all__ = [
    "MARKDOWN_TEMPLATE",
    "SECTIONS",
    "ForbiddenResource",
    "RenderLimits",
    "Rendered",
    "SafeFetcher",
    "escape_markdown",
    "make_environment",
    "make_markdown_environment",
    "render_document",
    "render_html",
    "render_limits",
    "render_markdown",
    "render_pdf",
    "start_worker",
    "template_context",
    "template_dirs",
    "write_bytes_atomic",
    "write_pdf",
    "write_text_atomic",
]


def render_limits(config: Config) -> RenderLimits:
    """The config's ``[render]`` limits."""
    return RenderLimits(timeout=config.render.timeout, max_memory_mb=config.render.max_memory)


def render_document(
    html: str,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    keywords: Sequence[str] = (),
    templates: Sequence[Path] | None = None,
    created: datetime | None = None,
    limits: RenderLimits | None = None,
) -> Rendered:
    """HTML -> PDF in the limited worker process; the PDF, its page count and what was fetched.

    ``templates`` is the template search path (``template_dirs(config)``); the first folder is the
    base URL for relative links such as ``style.css``. Raises ``RenderError`` when the document
    asks for a forbidden resource, the time or memory limit is hit, or WeasyPrint fails.
    """
    roots = [str(Path(t).resolve()) for t in (templates or [default_dir("templates")])]
    payload = {
        "html": html,
        "roots": roots,
        "title": title,
        "author": author,
        "subject": subject,
        "keywords": list(keywords),
        "created": (created or datetime.now(UTC)).isoformat(),
    }
    header, pdf = run_job(payload, limits or RenderLimits(), title)
    fetched = [(str(url), str(outcome)) for url, outcome in header.get("fetched", [])]
    return Rendered(pdf, fetched, int(header.get("pages", 0)))


def render_pdf(
    html: str,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    keywords: Sequence[str] = (),
    templates: Sequence[Path] | None = None,
    created: datetime | None = None,
    limits: RenderLimits | None = None,
) -> bytes:
    """HTML -> PDF bytes in memory (see ``render_document``), metadata set, no embedded files."""
    return render_document(
        html,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        templates=templates,
        created=created,
        limits=limits,
    ).pdf


def write_pdf(
    html: str,
    path: Path,
    *,
    title: str,
    author: str = "",
    subject: str = "",
    keywords: Sequence[str] = (),
    templates: Sequence[Path] | None = None,
    created: datetime | None = None,
    limits: RenderLimits | None = None,
) -> None:
    """Render the PDF fully (in the limited worker), then replace ``path`` atomically.

    Any failure raises ``RenderError`` before ``path`` is touched.
    """
    data = render_pdf(
        html,
        title=title,
        author=author,
        subject=subject,
        keywords=keywords,
        templates=templates,
        created=created,
        limits=limits,
    )
    write_bytes_atomic(path, data)
