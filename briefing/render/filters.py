"""Small text helpers the templates use as filters and globals, and the escaping they rely on.

Everything here takes untrusted text (feed and model output). The HTML helpers return
``Markup`` built with ``Markup.format``, which escapes every value it is given; the Markdown
helpers backslash-escape every character that could start structure. Only http(s) URLs ever
become links (``javascript:``, ``file:``, ``data:`` ... print as text or not at all).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit

from markupsafe import Markup

from briefing.analysis.sourcing import LABELS as DESCRIPTOR_LABELS
from briefing.models import Statement

_DASH = "\u2013"
_KIND_LABELS = {
    "government": "Government",
    "state_media": "State media",
    "wire": "Wire",
    "trade_press": "Trade press",
    "news_search": "News search",
    "other": "Other",
}
# Flags on stories and items, as a reader should see them.
FLAG_LABELS = {
    "offline_fallback": "Offline fallback: the model failed, rule-based analysis used",
    "analysis_failed": "Analysis failed: no statements extracted",
    "fulltext_failed": "Full text unavailable: analysed from the feed summary",
    "updated": "Edited by the source after first seen",
    "bad_date": "Date unreadable: dated when first seen",
    "undated": "Undated: dated when first seen",
    "future_date": "Dated in the future by the source",
    "single_source": "Single source: found in one outlet only, and not an official release",
    "unnamed_group": "Unnamed source: attributed only to an unnamed group (“experts said”)",
    "media_only": "Media only: no official statement behind this side's position, only media commentary",
    "one_side_only": "One side only: no other side was found speaking on this topic",
}
SHORT_FLAG_LABELS = {
    "offline_fallback": "offline fallback",
    "analysis_failed": "analysis failed",
    "fulltext_failed": "summary only",
    "updated": "edited",
    "bad_date": "date uncertain",
    "undated": "date uncertain",
    "future_date": "future date",
    "single_source": "single source",
    "unnamed_group": "unnamed source",
    "media_only": "media only",
    "one_side_only": "one side only",
}
# Flags shown as markers beside statements, stories and positions, in this order in a legend.
MARKED_FLAGS = (
    "single_source",
    "unnamed_group",
    "media_only",
    "fulltext_failed",
    "offline_fallback",
    "analysis_failed",
)


def format_date(value: datetime | date | None) -> str:
    """4 Feb 2026."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def format_datetime(value: datetime | None) -> str:
    """4 Feb 2026, 14:05 UTC."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{format_date(value)}, {value:%H:%M} UTC"


def format_isodate(value: datetime | date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def format_window(since: datetime, until: datetime) -> str:
    """A window label: "28 Jan - 4 Feb 2026", "1-7 Feb 2026", "20 Dec 2025 - 3 Jan 2026" (en dashes).

    ``until`` is exclusive (a window ending at midnight does not cover the next day).
    """
    until = until - timedelta(microseconds=1)
    if since.year != until.year:
        return f"{format_date(since)} {_DASH} {format_date(until)}"
    if since.month != until.month:
        return f"{since.day} {since:%b} {_DASH} {format_date(until)}"
    if since.day != until.day:
        return f"{since.day}{_DASH}{format_date(until)}"
    return format_date(until)


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-") or "x"


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, str(kind).replace("_", " ").capitalize())


def flag_label(flag: str, short: bool = False) -> str:
    labels = SHORT_FLAG_LABELS if short else FLAG_LABELS
    return labels.get(flag, str(flag).replace("_", " "))


def descriptor_label(descriptor: str | None) -> str:
    """ "official statement", "state-media commentary" ...: the kind of source behind a quote."""
    return DESCRIPTOR_LABELS.get(descriptor or "", "")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``3|plural("statement")`` -> "3 statements"."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary and marked with an ellipsis."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "\u2026"


def url_host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def affiliation(statement: Statement) -> str:
    """Role and organisation as given in the text: "Spokesperson, Ministry of Commerce"."""
    parts: list[str] = []
    for part in (statement.speaker_title, statement.organization):
        part = (part or "").strip()
        if part and part != statement.speaker and not any(part.lower() in p.lower() for p in parts):
            parts.append(part)
    if not parts and statement.actor and statement.actor != statement.speaker:
        parts.append(statement.actor)
    return ", ".join(parts)


def short_affiliation(statement: Statement, limit: int = 48) -> str:
    """The configured actor's short name ("USTR") when known, else the affiliation, clipped."""
    if statement.actor and statement.actor != statement.speaker:
        return statement.actor
    return clip(affiliation(statement), limit)


def http_url(url: str | None) -> str:
    """The URL when it is http(s), else "" (``javascript:``, ``file:`` ... never become links)."""
    if not url:
        return ""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return ""
    return url.strip()


# --------------------------------------------------------------------------- HTML


def html_link(text: object, url: str | None, css_class: str = "") -> Markup:
    """``<a href>`` for an http(s) URL; other URLs print as plain text."""
    target = http_url(url)
    if not target:
        return Markup("{}").format(text)
    if css_class:
        return Markup('<a class="{}" href="{}">{}</a>').format(css_class, target, text)
    return Markup('<a href="{}">{}</a>').format(target, text)


# --------------------------------------------------------------------------- Markdown


class MarkdownText(str):
    """Markdown built by briefing's own helpers, already escaped; printed as is."""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!&])")
_MD_LIST_START = re.compile(r"^(\s*)([-+=])")
_MD_ORDERED_START = re.compile(r"^(\s*\d+)([.)])")
_WHITESPACE = re.compile(r"\s+")


def escape_markdown(value: object) -> str:
    """Feed text as inert Markdown: one line, every significant character backslash-escaped.

    Runs of whitespace (newlines included) become one space, so the text cannot start a block.
    """
    text = _WHITESPACE.sub(" ", str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LIST_START.sub(r"\1\\\2", text)
    return _MD_ORDERED_START.sub(r"\1\\\2", text)


def md_finalize(value: object) -> str:
    if isinstance(value, MarkdownText):
        return value
    return escape_markdown(value)


def md_url(url: str) -> str:
    return quote(url, safe=":/?#@!$&'*+,;=%~-._[]")


def md_link(text: object, url: str | None) -> MarkdownText:
    target = http_url(url)
    if not target:
        return MarkdownText(escape_markdown(text))
    return MarkdownText(f"[{escape_markdown(text)}](<{md_url(target)}>)")
