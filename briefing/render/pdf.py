"""HTML -> PDF bytes with WeasyPrint, in this process: the code the render worker runs.

Callers use ``briefing.render.render_pdf`` / ``write_pdf``, which run this in a separate
process with a wall-clock and memory limit (``briefing.render.sandbox``). This module holds
what happens inside: the locked-down fetcher, PDF metadata, no attachments.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from briefing import __version__
from briefing.errors import RenderError
from briefing.render.fetcher import SafeFetcher


@dataclass(frozen=True)
class PdfMetadata:
    title: str
    author: str = ""
    subject: str = ""
    keywords: Sequence[str] = ()
    created: datetime | None = None


@dataclass
class Rendered:
    """A finished PDF and what the fetcher did while making it."""

    pdf: bytes
    fetched: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0


def render_in_process(html: str, roots: Sequence[Path], meta: PdfMetadata) -> Rendered:
    """Lay out and write the PDF. ``roots`` are the template folders; the first is the base URL."""
    roots = [Path(r).resolve() for r in roots]
    fetcher = SafeFetcher(roots)
    stamp = (meta.created or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    # Layout allocates many short-lived objects and no cycles worth collecting mid-render.
    enabled = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=str(roots[0]) + os.sep, url_fetcher=fetcher).render()
        info = document.metadata
        info.title = meta.title
        info.authors = [meta.author] if meta.author else []
        info.description = meta.subject or None
        info.keywords = [k for k in meta.keywords if k]
        info.generator = f"briefing {__version__}"
        info.created = stamp
        info.modified = stamp
        # A briefing never carries files: drop any <link rel=attachment> a template declared.
        info.attachments = []
        data: bytes = document.write_pdf()
        pages = len(document.pages)
    except FatalURLFetchingError as exc:
        raise RenderError(f"PDF {meta.title!r}: {exc}") from None
    except RenderError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise RenderError(f"PDF {meta.title!r} could not be rendered: {type(exc).__name__}: {exc}") from exc
    finally:
        if enabled:
            gc.enable()
    return Rendered(data, fetcher.log, pages)
