"""Feed HTML -> sanitised HTML and plain text.

Feed and article HTML is untrusted. nh3 (the Ammonia sanitiser) keeps an allow-list of
harmless tags; links keep only http(s)/mailto targets, so `file:` and `data:` URLs and
`rel="attachment"` (which makes WeasyPrint embed files) never survive.
"""

from __future__ import annotations

import html
import re

import lxml.html
import nh3
from lxml import etree

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "strong",
    "sub",
    "sup",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}

_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "article",
    "section",
}
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")
_TAGLIKE = re.compile(r"<[a-zA-Z/!]")


def clean_html(fragment: str) -> str:
    """Sanitised HTML, safe to store and to show."""
    if not fragment:
        return ""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(fragment: str) -> str:
    """Readable plain text: block elements become paragraph breaks, entities are decoded."""
    if not fragment:
        return ""
    if not _TAGLIKE.search(fragment):
        return _normalise(html.unescape(fragment))
    cleaned = clean_html(fragment)
    if not cleaned.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    except (etree.ParserError, ValueError):
        return _normalise(html.unescape(re.sub(r"<[^>]+>", " ", cleaned)))
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK:
                parts.append("\n\n" if tag != "br" else "\n")
            if element.text:
                parts.append(element.text)
        else:
            if tag in _BLOCK and tag != "br":
                parts.append("\n\n")
            if element.tail and element is not root:
                parts.append(element.tail)
    return _normalise("".join(parts))


def _normalise(text: str) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()
