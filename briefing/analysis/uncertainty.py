"""Uncertainty and gaps, said plainly: flags on statements, stories, positions and topics.

    statement  single_source    found in one outlet only, and not the speaker's own official channel
                                (no other outlet's text carries the same words; a primary official
                                statement or release is the record itself and is not flagged)
               unnamed_group    attributed only to an unnamed group ("experts said", "officials said")
               fulltext_failed  its item's article could not be fetched: found in the feed summary
               offline_fallback its story was analysed by the offline rules after the model failed
    story      single_source    one outlet only, and not an official release
               (fulltext_failed, offline_fallback, analysis_failed are set by select and assemble)
    position   media_only       a side's position on a topic rests only on media commentary: state
                                media, wires, trade press, experts quoted in media; no official voice
    topic      one_side_only    only one side spoke on the topic in this window (a gap)

`summary` gathers them for `Briefing.flags`: flag -> the ids it marks.
"""

from __future__ import annotations

import re
from collections import defaultdict

from briefing.analysis.sourcing import MEDIA, speaker_kind
from briefing.models import Contrast, Item, Statement, Story

SINGLE_SOURCE = "single_source"
UNNAMED_GROUP = "unnamed_group"
FULLTEXT_FAILED = "fulltext_failed"
OFFLINE_FALLBACK = "offline_fallback"
MEDIA_ONLY = "media_only"
ONE_SIDE_ONLY = "one_side_only"
MIN_CORROBORATING_WORDS = 4
_STATEMENT_FLAGS = (SINGLE_SOURCE, UNNAMED_GROUP, FULLTEXT_FAILED, OFFLINE_FALLBACK)

_NOT_WORD = re.compile(r"[^\w]+")


def _key(text: str) -> str:
    """Case, punctuation, quote marks and spacing do not tell two copies of the same words apart."""
    return " " + " ".join(_NOT_WORD.sub(" ", text.casefold()).split()) + " "


def _outlet(item: Item | None) -> str:
    return (item.source if item is not None else "").strip().casefold()


def _add(flags: list[str], flag: str) -> list[str]:
    return flags if flag in flags else [*flags, flag]


def flag_statements(
    statements: list[Statement], stories: list[Story], items: dict[str, Item]
) -> list[Statement]:
    """The statements with their uncertainty flags (copies); descriptors must be set first."""
    fallback = {s.id for s in stories if OFFLINE_FALLBACK in s.flags}
    texts = {i: _key(f"{item.title}\n{item.text or item.summary}") for i, item in items.items()}
    having: dict[str, set[str]] = defaultdict(set)  # word -> items whose text has it
    for item_id, text in texts.items():
        for word in set(text.split()):
            having[word].add(item_id)
    by_speaker: dict[str, list[Statement]] = defaultdict(list)
    for st in statements:
        by_speaker[(st.actor or st.speaker).casefold()].append(st)

    def corroborated(st: Statement) -> bool:
        quote = _key(st.quote)
        quote_words = quote.split()
        if len(quote_words) < MIN_CORROBORATING_WORDS:
            return False
        outlet = _outlet(items.get(st.item_id))
        # Only items holding the quote's two rarest words can hold the quote.
        rare = sorted(set(quote_words), key=lambda w: len(having.get(w, ())))[:2]
        candidates = set.intersection(*(having.get(w, set()) for w in rare))
        for item_id in candidates:
            if item_id != st.item_id and _outlet(items[item_id]) != outlet and quote in texts[item_id]:
                return True
        # Another outlet quoting part of the same words from the same speaker.
        for other in by_speaker[(st.actor or st.speaker).casefold()]:
            part = _key(other.quote)
            if (
                other.item_id != st.item_id
                and _outlet(items.get(other.item_id)) != outlet
                and len(part.split()) >= MIN_CORROBORATING_WORDS
                and part in quote
            ):
                return True
        return False

    flagged = []
    for st in statements:
        flags = [f for f in st.flags if f not in _STATEMENT_FLAGS]  # computed afresh each time
        if st.descriptor in MEDIA | {"official_in_media"} and not corroborated(st):
            flags = _add(flags, SINGLE_SOURCE)
        if speaker_kind(st) == "group":
            flags = _add(flags, UNNAMED_GROUP)
        item = items.get(st.item_id)
        if item is not None and FULLTEXT_FAILED in item.flags:
            flags = _add(flags, FULLTEXT_FAILED)
        if st.story_id in fallback:
            flags = _add(flags, OFFLINE_FALLBACK)
        flagged.append(st.model_copy(update={"flags": flags}) if flags != st.flags else st)
    return flagged


def single_source_story(story: Story, items: dict[str, Item]) -> bool:
    """One outlet only, and not an official release (which is its own record)."""
    outlets = {s.source.strip().casefold() for s in story.sources} or {
        _outlet(items.get(i)) for i in story.item_ids
    }
    return len(outlets) <= 1 and story.descriptor != "official_statement"


def flag_story(story: Story, items: dict[str, Item]) -> list[str]:
    flags = [f for f in story.flags if f != SINGLE_SOURCE]
    if single_source_story(story, items):
        flags = _add(flags, SINGLE_SOURCE)
    return flags


def flag_contrasts(contrasts: list[Contrast], statements: list[Statement]) -> list[Contrast]:
    """`one_side_only` on gaps, `media_only` on positions with no official voice behind them."""
    descriptor = {s.id: s.descriptor for s in statements}
    out = []
    for contrast in contrasts:
        positions = []
        for position in contrast.positions:
            found = [descriptor[i] for i in position.statement_ids if i in descriptor]
            media_only = bool(found) and all(d in MEDIA for d in found)
            flags = [f for f in position.flags if f != MEDIA_ONLY] + ([MEDIA_ONLY] if media_only else [])
            positions.append(position.model_copy(update={"flags": flags}))
        one_side = contrast.gap or len(positions) < 2
        flags = [f for f in contrast.flags if f != ONE_SIDE_ONLY] + ([ONE_SIDE_ONLY] if one_side else [])
        out.append(contrast.model_copy(update={"positions": positions, "flags": flags}))
    return out


def summary(
    stories: list[Story], statements: list[Statement], contrasts: list[Contrast]
) -> dict[str, list[str]]:
    """Flag -> ids: statement and story ids, topic ids (one_side_only), 'topic/side' (media_only)."""
    found: dict[str, list[str]] = defaultdict(list)
    for story in stories:
        for flag in story.flags:
            found[flag].append(story.id)
    for st in statements:
        for flag in st.flags:
            found[flag].append(st.id)
    for contrast in contrasts:
        for flag in contrast.flags:
            found[flag].append(contrast.topic)
        for position in contrast.positions:
            for flag in position.flags:
                found[flag].append(f"{contrast.topic}/{position.side}")
    return {flag: ids for flag, ids in sorted(found.items())}
