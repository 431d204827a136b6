# ruff: noqa: RUF001, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Positions side by side per topic, and who is heard how often: shared by every backend.

Both functions work from `Statement`s alone (plus the config), so a backend that finds statements
differently (an LLM) gets the same contrasts and coverage as the offline one.
"""

from __future__ import annotations

import re
from collections import defaultdict

from briefing.analysis.lexicon import DOCUMENT_HEADS, GROUP_HEADS, INSTITUTION_HEADS, OFFICIAL_HEADS
from briefing.analysis.terms import topic_index
from briefing.config import Config
from briefing.models import Contrast, Coverage, Item, Position, Statement, Story

UNKNOWN_SIDE = "Unknown"

_GROUP_WORDS = GROUP_HEADS
_INSTITUTION_WORDS = INSTITUTION_HEADS | DOCUMENT_HEADS | OFFICIAL_HEADS
_NAME = re.compile(r"^(?:[A-Z][\w'’-]*\.?)(?:\s+[A-Z][\w'’-]*\.?){0,3}$")


def _speaker_rank(statement: Statement) -> int:
    """2 for a named person, 1 for an institution or official, 0 for unnamed groups ("experts")."""
    words = statement.speaker.split()
    if not words:
        return 0
    last = words[-1].lower().strip(".,")
    if last in _GROUP_WORDS or (len(words) > 2 and words[0].lower() in ("people", "sources")):
        return 0
    if last in _INSTITUTION_WORDS or statement.organization == statement.speaker:
        return 1
    if _NAME.match(statement.speaker) and not statement.speaker.isupper():
        return 2
    return 1


def _strength(statement: Statement, topic_hits: int) -> float:
    words = len(statement.quote.split())
    direct = 3.0 if statement.kind == "direct" else 0.0
    return direct + 1.5 * _speaker_rank(statement) + min(words, 40) / 20 + 0.5 * min(topic_hits, 3)


def build_contrasts(statements: list[Statement], config: Config) -> list[Contrast]:
    """One Contrast per taxonomy topic that some side spoke on.

    Topics with statements from two or more sides are contrasts; a topic only one side spoke on is
    a gap. Statement ids run strongest first (direct quote, named person, longer quote, more topic
    terms); contrasts come before gaps, each ordered by how many statements they hold.
    """
    topics = {t.id: t for t in config.topics.taxonomy}
    index = topic_index(config)
    side_order = {name: i for i, name in enumerate(config.side_names())}
    by_topic: dict[str, dict[str, list[tuple[float, int, str]]]] = defaultdict(lambda: defaultdict(list))
    for order, st in enumerate(statements):
        if st.topic not in topics or st.side is None:
            continue
        hits = index.counts(f"{st.quote} {st.claim}").get(st.topic, 0)
        by_topic[st.topic][st.side].append((-_strength(st, hits), order, st.id))
    out: list[tuple[int, int, int, Contrast]] = []
    for rank, topic in enumerate(config.topics.taxonomy):
        sides = by_topic.get(topic.id)
        if not sides:
            continue
        positions = [
            Position(side=side, statement_ids=[sid for _, _, sid in sorted(entries)])
            for side, entries in sorted(
                sides.items(), key=lambda kv: (side_order.get(kv[0], len(side_order)), kv[0])
            )
        ]
        gap = len(positions) < 2
        count = sum(len(p.statement_ids) for p in positions)
        out.append(
            (
                int(gap),
                -count,
                rank,
                Contrast(topic=topic.id, label=topic.label, positions=positions, gap=gap),
            )
        )
    return [c for *_, c in sorted(out, key=lambda entry: entry[:3])]


def coverage(
    stories: list[Story], statements: list[Statement], items: dict[str, Item], config: Config
) -> Coverage:
    """Statements and stories per side ("Unknown" for unattributed speakers) and stories per source kind.

    A story counts once for every kind of source among its items (a government release and a wire
    copy of it count for both kinds); a story whose items are not given counts under its own kind.
    """
    by_side: dict[str, dict[str, int]] = {
        name: {"statements": 0, "stories": 0} for name in config.side_names()
    }
    story_sides: dict[str, set[str]] = defaultdict(set)
    for st in statements:
        side = st.side or UNKNOWN_SIDE
        by_side.setdefault(side, {"statements": 0, "stories": 0})["statements"] += 1
        story_sides[side].add(st.story_id)
    by_side.setdefault(UNKNOWN_SIDE, {"statements": 0, "stories": 0})
    for side, story_ids in story_sides.items():
        by_side[side]["stories"] = len(story_ids)
    kinds: dict[str, int] = defaultdict(int)
    for story in stories:
        found = {items[i].source_kind for i in story.item_ids if i in items}
        for kind in found or {story.source_kind}:
            kinds[kind] += 1
    return Coverage(by_side=by_side, by_source_kind=dict(sorted(kinds.items())))
