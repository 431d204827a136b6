"""Full text for headline-only items: fetch the article page, extract the main text.

trafilatura does the extraction (boilerplate removal, canonical URL from the page's
metadata). Pages come from the network with the same limits as feeds, or from an archive
folder of saved pages (`[fetch] archive`, with an index.toml mapping URL -> file), which
is how the bundled sample runs offline and how a user can feed in pages saved by hand.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from briefing.errors import FetchError
from briefing.sources.parse import canonical_url

MIN_TEXT = 200


@dataclass
class Article:
    url: str
    final_url: str
    text: str
    title: str = ""


class Archive:
    """Saved pages keyed by canonical URL (tracking parameters do not matter)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        self.pages: dict[str, Path] = {}
        index = self.folder / "index.toml"
        try:
            data = tomllib.loads(index.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise FetchError(f"cannot read article archive index {index}: {exc}") from exc
        for page in data.get("page", []):
            path = (self.folder / str(page.get("file", ""))).resolve()
            if path.is_relative_to(self.folder) and page.get("url"):
                self.pages[canonical_url(str(page["url"]))] = path

    def get(self, url: str) -> bytes | None:
        path = self.pages.get(canonical_url(url))
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            raise FetchError(f"archived page for {url} unreadable: {exc.strerror}") from exc


def extract(html: bytes | str, url: str) -> Article:
    """Main text and canonical URL of an article page; FetchError when there is no article."""
    document = trafilatura.bare_extraction(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True, with_metadata=True
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if len(text) < MIN_TEXT:
        raise FetchError("no article text found on the page")
    final_url = getattr(document, "url", None) or url
    if not str(final_url).startswith(("http://", "https://")):
        final_url = url
    return Article(url=url, final_url=str(final_url), text=text, title=getattr(document, "title", "") or "")
