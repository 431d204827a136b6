"""Parsing: feed bytes + response headers -> normalised Items (feedparser does the XML).

Runs in worker processes (see `ingest.py`), so everything here is a plain function of its
arguments. Normalising covers what real minerals-policy feeds get wrong: missing or reused
GUIDs, Google News redirect links and " - Publisher" title suffixes, tracking parameters,
missing or future dates, gb2312 declarations, and a stray invalid byte in a UTF-8 feed.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from briefing.errors import FeedParseError
from briefing.models import Item
from briefing.sources.sanitize import clean_html, html_to_text

TRACKING_PARAMS = re.compile(r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|oc|ref|src|spm)$", re.I)
_PROLOG = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*[\"'])([A-Za-z0-9_.:-]+)([\"'])", re.S)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*(<!doctype\s+html|<html)", re.I | re.S)
_CHINESE_CHARSETS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030", "csgb2312", "euc-cn"}
_GOOGLE_NEWS = {"news.google.com"}
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.I)
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass
class ParsedFeed:
    title: str = ""
    version: str = ""
    items: list[Item] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def item_id(feed: str, guid: str) -> str:
    return "i-" + hashlib.sha1(f"{feed}\x00{guid}".encode()).hexdigest()[:12]


def canonical_url(url: str) -> str:
    """Strip tracking parameters and fragments; keep everything else as published."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)
    ]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, urlencode(query), ""))


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
    return match.group(1).lower() if match else None


def decode(data: bytes, headers: dict[str, str]) -> tuple[bytes, list[str]]:
    """Re-encode the document as UTF-8 where feedparser's own guess would garble it.

    - gb2312/gbk declared (prolog or header): decode as gb18030, its superset.
    - UTF-8 (declared or not) with a few invalid bytes: replace those bytes instead of
      letting feedparser re-decode the whole document as another charset.
    """
    warnings: list[str] = []
    prolog = _PROLOG.match(data)
    declared = prolog.group(2).decode("ascii").lower() if prolog else None
    header = _charset(headers.get("content-type"))
    if (declared in _CHINESE_CHARSETS) or (declared is None and header in _CHINESE_CHARSETS):
        text = data.decode("gb18030", errors="replace")
    elif declared in (None, "utf-8", "utf8") and header in (None, "utf-8", "utf8"):
        try:
            data.decode("utf-8")
            return data, warnings
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
            warnings.append("invalid UTF-8 bytes replaced")
    else:
        return data, warnings
    body = text.encode("utf-8")
    if prolog:
        body = _PROLOG.sub(rb"\g<1>utf-8\g<3>", body, count=1)
    return body, warnings


def _plausible(raw: str, when: datetime) -> bool:
    """Does feedparser's reading of a date agree with the numbers in the raw string?

    feedparser turns some strings it cannot read into wrong dates ("2026-13-45" becomes
    2027-01-01, "2026年3月5日" becomes 1 November); the year and the day of the month must
    appear in the raw text (a day either side, for time-zone shifts).
    """
    numbers = {int(n) for n in re.findall(r"\d+", raw)}
    year_ok = bool({when.year, when.year - 1, when.year + 1} & numbers) or (when.year % 100) in numbers
    return year_ok and bool({when.day - 1, when.day, when.day + 1} & numbers)


def _entry_time(entry: Any) -> tuple[datetime | None, str]:
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            parsed = entry.get(f"{key}_parsed")
            if parsed:
                when = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
                return (when if _plausible(raw, when) else None), raw
            return None, raw
    return None, ""


def _unwrap_google_news(link: str, summary_html: str) -> str:
    """Google News links are redirects; use the publisher's URL when the item carries it."""
    if urlsplit(link).hostname not in _GOOGLE_NEWS:
        return link
    for href in _HREF.findall(summary_html):
        href = str(href)
        host = urlsplit(href).hostname
        if host and host not in _GOOGLE_NEWS and urlsplit(href).scheme in ("http", "https"):
            return href
    return link


def parse_document(
    data: bytes,
    headers: dict[str, str],
    *,
    feed: str,
    feed_url: str,
    kind: str,
    now: datetime,
) -> ParsedFeed:
    """Parse one feed document into Items (ids, canonical links, UTC dates, clean text)."""
    if _HTML_START.match(data[:2048]) or "html" in (headers.get("content-type") or "").split(";")[0]:
        doc_head = data[:4096].lower()
        if b"<rss" not in doc_head and b"<feed" not in doc_head and b"<rdf" not in doc_head:
            raise FeedParseError("not a feed: the server answered with an HTML page")
    body, warnings = decode(data, headers)
    lowered = {k.lower(): v for k, v in headers.items()}
    if body is not data:
        lowered["content-type"] = "application/xml; charset=utf-8"
    # nh3 sanitises below (faster, and stricter: no file: links); feedparser only parses.
    parsed = feedparser.parse(
        body, response_headers=lowered, sanitize_html=False, resolve_relative_uris=False
    )
    if not parsed.entries:
        if not parsed.get("version"):
            problem = parsed.get("bozo_exception")
            raise FeedParseError(f"not a feed{': ' + str(problem) if problem else ''}")
        raise FeedParseError("the feed has no entries")
    base = feed_url if urlsplit(feed_url).scheme in ("http", "https") else ""
    result = ParsedFeed(title=html_to_text(parsed.feed.get("title", "")), version=parsed.get("version", ""))
    result.warnings = warnings
    feed_language = parsed.feed.get("language")
    seen_guids: dict[str, int] = {}
    for entry in parsed.entries:
        guid = (entry.get("id") or "").strip()
        seen_guids[guid] = seen_guids.get(guid, 0) + 1
    for entry in parsed.entries:
        title = html_to_text(entry.get("title", "")) or "(untitled)"
        summary_raw = entry.get("summary", "") or ""
        content_raw = ""
        for content in entry.get("content", []) or []:
            if len(content.get("value", "")) > len(content_raw):
                content_raw = content.get("value", "")
        link = (entry.get("link") or "").strip()
        if base and link:
            link = urljoin(base, link)
        link = canonical_url(_unwrap_google_news(link, summary_raw))
        source = feed
        source_info = entry.get("source") or {}
        if source_info.get("title"):
            source = source_info["title"].strip()
            suffix = f" - {source}"
            if title.endswith(suffix):
                title = title[: -len(suffix)].rstrip()
        flags: list[str] = []
        guid = (entry.get("id") or "").strip()
        if not guid or seen_guids.get(guid, 0) > 1:
            if guid:
                flags.append("guid_reused")
            guid = "h:" + hashlib.sha1(f"{link}\x00{title}".encode()).hexdigest()
        published, raw = _entry_time(entry)
        if published is None:
            flags.append("undated" if not raw else "bad_date")
            published = now
        elif published > now + FUTURE_TOLERANCE:
            flags.append("future_date")
            published = now
        summary_text = html_to_text(summary_raw)
        if source_info.get("title") and summary_text.endswith(source_info["title"].strip()):
            # Google News descriptions are just "<a>Title</a> Publisher": no text of their own.
            summary_text = ""
        text = html_to_text(content_raw) if len(content_raw) > len(summary_raw) else summary_text
        result.items.append(
            Item(
                id=item_id(feed, guid),
                feed=feed,
                guid=guid,
                title=title,
                url=link,
                source=source,
                source_kind=kind,
                published=published,
                published_raw=raw,
                summary=summary_text,
                summary_html=clean_html(summary_raw) if summary_text else "",
                text=text,
                language=entry.get("language") or feed_language,
                flags=flags + (["bad_bytes"] if warnings else []),
            )
        )
    return result
