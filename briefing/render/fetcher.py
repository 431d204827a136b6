"""The only way WeasyPrint may load anything: ``data:`` URLs and files inside the templates folders.

WeasyPrint reads ``file:`` URLs, embeds attachments and follows links to any host unless its
URL fetcher says no (its own docs, CVE-2024-28184, CVE-2025-68616). ``SafeFetcher`` says no to
everything but ``data:`` URLs and regular files inside the template folders (the stylesheet and
the bundled fonts): no network at all (so no loopback, private or metadata address), no other
file, no ``..`` or symlink escape, nothing over a size cap. A refusal raises
``ForbiddenResource``, a ``FatalURLFetchingError`` that aborts the whole render, so a document
that asks for something it may not have fails instead of printing without it.

Every request is logged in ``SafeFetcher.log`` as (url, outcome) so that a render can report
what it loaded and what it refused.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf"}


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for a URL outside the allowed set; rendering stops."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused to load {url[:200]!r}: {reason}")
        self.url = url


class SafeFetcher(URLFetcher):
    """Loads only ``data:`` URLs and regular files inside the template folders.

    A file URL inside any of the folders is looked up by its path relative to that folder in
    every folder in order (user first), so a user's ``style.css`` overrides the bundled one as
    templates do, and ``fonts/...`` named by a user's stylesheet still finds the bundled fonts.
    """

    def __init__(self, roots: Sequence[Path], *, max_bytes: int = MAX_RESOURCE_BYTES) -> None:
        super().__init__(timeout=5, allowed_protocols=("data",), allow_redirects=False)
        self.roots = [Path(r).resolve() for r in roots]
        self.max_bytes = max_bytes
        self.log: list[tuple[str, str]] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            response = self._fetch(url, headers)
        except ForbiddenResource:
            self.log.append((url[:500], "refused"))
            raise
        except Exception:
            self.log.append((url[:500], "missing"))
            raise
        self.log.append((url[:500] if not url.startswith("data:") else url[:40], "served"))
        return response

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            raise ForbiddenResource(url, "malformed URL") from None
        if scheme == "data":
            if len(url) > self.max_bytes * 2:
                raise ForbiddenResource(url, "data: URL too large")
            return super().fetch(url, headers)
        if scheme == "file":
            return self._fetch_file(url)
        raise ForbiddenResource(url, "only data: URLs and files in the templates folders may be loaded")

    def _fetch_file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ForbiddenResource(url, "remote file URL")
        requested = Path(os.path.realpath(url2pathname(unquote(parts.path))))
        relative = next((requested.relative_to(r) for r in self.roots if requested.is_relative_to(r)), None)
        if relative is None or not relative.parts:
            raise ForbiddenResource(url, "outside the templates folders")
        for root in self.roots:
            candidate = Path(os.path.realpath(root / relative))
            if candidate.is_relative_to(root) and candidate.is_file():
                with candidate.open("rb") as handle:
                    body = handle.read(self.max_bytes + 1)
                if len(body) > self.max_bytes:
                    raise ForbiddenResource(url, f"larger than {self.max_bytes} bytes")
                content_type = _TYPES.get(candidate.suffix.lower()) or (
                    mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                )
                if content_type.startswith("text/"):
                    content_type += "; charset=utf-8"
                return URLFetcherResponse(
                    candidate.as_uri(), body, {"Content-Type": content_type}, status=200
                )
        # Inside the folders but missing: an ordinary (logged, non-fatal) failure.
        raise FileNotFoundError(f"{relative} is not in any templates folder")
