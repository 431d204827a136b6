"""Selecting stories: items in the window that are on topic, duplicates merged.

Relevance: the configured topic terms, case- and inflection-tolerant for English
("critical mineral" finds "critical minerals", "export control" finds "export-controlled"),
substring matches for Chinese and Japanese terms, and short all-caps acronyms ("REE") matched
with their case so that they do not fire on ordinary words.

Merging: items with the same canonical URL, the same normalised title, or near-identical
text are one story. Near-identical text is found through an index of sampled word
shingles, so the cost grows with the number of items, not its square; candidate pairs
are confirmed by their shingle overlap.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from briefing.config import Config
from briefing.models import Item, Story, StorySource

_SUFFIX = r"(?:s|es|'s|ed|d|ing|al|led|ling)?"
_WORD = re.compile(r"\w+", re.UNICODE)
_TITLE_TAIL = re.compile("\\s+[-|\u2013\u2014]\\s+[^-|\u2013\u2014]{2,60}$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


class Matcher(Protocol):
    def __call__(self, text: str, first: bool = False) -> list[str]: ...


SHINGLE = 5
MIN_SHINGLES = 4
MAX_WORDS = 1500  # the opening of an article is enough to recognise a copy
SAMPLE = 4
MAX_SHINGLE_ITEMS = 50
NEAR_DUPLICATE = 0.5
# Official sources first among equally full, equally early copies of a story.
_KIND_RANK = {"government": 0, "state_media": 1, "wire": 2, "trade_press": 3, "news_search": 4, "other": 5}


def term_pattern(term: str) -> str:
    term = term.strip()
    if _CJK.search(term):
        return re.escape(term)
    words = [re.escape(w) for w in re.split(r"[\s-]+", term) if w]
    body = (_SUFFIX + r"[\s-]+").join(words)
    return rf"(?<!\w){body}{_SUFFIX}(?!\w)"


def matcher(terms: Iterable[str]) -> Matcher:
    """A function returning the terms found in a text (each at most once; `first`: stop at one)."""
    folded: list[tuple[str, str]] = []
    exact: list[tuple[str, str]] = []
    for term in terms:
        if not term.strip():
            continue
        # "REE", "Nd", "Sb": acronyms and element symbols keep their case.
        is_symbol = len(term) <= 4 and term.isascii() and any(c.isupper() for c in term) and " " not in term
        (exact if is_symbol else folded).append((term, term_pattern(term)))
    patterns: list[tuple[re.Pattern[str], list[str]]] = []
    for group, flags in ((folded, re.IGNORECASE), (exact, 0)):
        if group:
            names = [t for t, _ in group]
            combined = "|".join(f"(?P<t{i}>{p})" for i, (_, p) in enumerate(group))
            patterns.append((re.compile(combined, flags), names))

    def find(text: str, first: bool = False) -> list[str]:
        found: list[str] = []
        for pattern, names in patterns:
            for match in pattern.finditer(text):
                name = names[int(match.lastgroup[1:])] if match.lastgroup else ""
                if name and name not in found:
                    found.append(name)
                    if first:
                        return found
        return found

    return find


def is_relevant(item: Item, find: Matcher, exclude: Matcher) -> bool:
    fields = (item.title, item.summary, item.text)
    return any(find(f, True) for f in fields) and not any(exclude(f, True) for f in fields)


def normalise_title(title: str) -> str:
    title = _TITLE_TAIL.sub("", title)
    return " ".join(w.lower() for w in _WORD.findall(title))


def _shingles(text: str) -> set[int]:
    """Hashes of a content-defined sample of the text's SHINGLE-word runs.

    A run is kept when its first word's hash falls in one of SAMPLE buckets, so copies of a
    text keep the same runs. Deterministic: tuples of ints hash the same in every process.
    """
    ids = [zlib.crc32(w.encode()) for w in _WORD.findall(text.lower())[:MAX_WORDS]]
    return {hash(tuple(ids[i : i + SHINGLE])) for i in range(len(ids) - SHINGLE + 1) if not ids[i] % SAMPLE}


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group_duplicates(items: list[Item]) -> list[list[Item]]:
    """Groups of items that report the same story (each group in input order)."""
    union = _Union(len(items))
    first_by_key: dict[tuple[str, str], int] = {}
    for i, item in enumerate(items):
        title = normalise_title(item.title)
        keys = [("url", item.url)] + ([("title", title)] if len(title) >= 20 else [])
        for key in keys:
            if not key[1]:
                continue
            if key in first_by_key:
                union.join(first_by_key[key], i)
            else:
                first_by_key[key] = i
    # Near-identical text: items that share a sampled shingle are candidates (copies share
    # most of them; unrelated texts almost none), confirmed by their overlap. A shingle found
    # in very many items is boilerplate and makes no candidates.
    shingles = [_shingles(item.text or item.summary) for item in items]
    by_shingle: dict[int, list[int]] = defaultdict(list)
    for i, sh in enumerate(shingles):
        if len(sh) >= MIN_SHINGLES:
            for value in sh:
                by_shingle[value].append(i)
    checked: set[tuple[int, int]] = set()
    for members in by_shingle.values():
        if not 1 < len(members) <= MAX_SHINGLE_ITEMS:
            continue
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                if (a, b) in checked or union.find(a) == union.find(b):
                    continue
                checked.add((a, b))
                overlap = len(shingles[a] & shingles[b]) / min(len(shingles[a]), len(shingles[b]))
                if overlap >= NEAR_DUPLICATE:
                    union.join(a, b)
    groups: dict[int, list[Item]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[union.find(i)].append(item)
    return list(groups.values())


def make_story(group: list[Item]) -> Story:
    # The fullest text leads (it carries the quotes); among near-equal copies, the earliest.
    lead = min(
        group, key=lambda i: (-(len(i.text) // 400), i.published, _KIND_RANK.get(i.source_kind, 9), i.id)
    )
    others = sorted((i for i in group if i is not lead), key=lambda i: (i.published, i.id))
    ordered = [lead, *others]
    return Story(
        id="s-" + hashlib.sha1(lead.id.encode()).hexdigest()[:10],
        title=lead.title,
        url=lead.url,
        source=lead.source,
        source_kind=lead.source_kind,
        published=min(i.published for i in group),
        item_ids=[i.id for i in ordered],
        sources=[
            StorySource(item_id=i.id, feed=i.feed, source=i.source, url=i.url, published=i.published)
            for i in ordered
        ],
        flags=sorted({"fulltext_failed"} & {f for i in group for f in i.flags}),
    )


def select_stories(items: list[Item], config: Config) -> list[Story]:
    """On-topic stories from the items (already limited to the window), most covered first."""
    find = matcher(config.topics.terms)
    exclude = matcher(config.topics.exclude)
    relevant = [i for i in items if is_relevant(i, find, exclude)]
    stories = [make_story(group) for group in group_duplicates(relevant)]
    stories.sort(key=lambda s: (-len(s.item_ids), -s.published.timestamp(), s.id))
    return stories
