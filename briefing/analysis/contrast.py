# ruff: noqa: RUF001, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Positions side by side per topic, and who is heard how often: shared by every backend.

Both functions work from `Statement`s alone (plus the config), so a backend that finds statements
differently (an LLM) gets the same contrasts and coverage as the offline one.
"""

from __future__ import annotations

import re
from collections import defaultdict

from briefing.analysis.lexicon import DOCUMENT_HEADS, GROUP_HEADS, INSTITUTION_HEADS, OFFICIAL_HEADS, words
from briefing.analysis.terms import topic_index
from briefing.config import Config
from briefing.models import Contrast, Coverage, Item, Position, Statement, Story

UNKNOWN_SIDE = "Unknown"
EXPERTS = "experts"

_WORD = re.compile(r"[\w'’-]+")
_EXPERT_WORDS = words(
    """professor professors researcher researchers fellow fellows scholar scholars analyst analysts
    economist economists expert experts academic academics lecturer lecturers dean strategist strategists
    consultant consultants observer observers university institute academy think-tank"""
)
_OFFICIAL_WORDS = words(
    """spokesperson spokesman spokeswoman minister ministry secretary official officials ambassador
    commissioner representative department government administration envoy diplomat"""
)

_GROUP_WORDS = GROUP_HEADS
_INSTITUTION_WORDS = INSTITUTION_HEADS | DOCUMENT_HEADS | OFFICIAL_HEADS
_NAME = re.compile(r"^(?:[A-Z][\w'’-]*\.?)(?:\s+[A-Z][\w'’-]*\.?){0,3}$")


def speaker_rank(statement: Statement) -> int:
    """2 for a named person, 1 for an institution or official, 0 for unnamed groups ("experts")."""
    if statement.speaker_kind is not None:
        return {"person": 2, "institution": 1, "group": 0}[statement.speaker_kind]
    # A backend that does not say what kind of speaker it found: judge from the name.
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
    return direct + 1.5 * speaker_rank(statement) + min(words, 40) / 20 + 0.5 * min(topic_hits, 3)


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


def is_expert(statement: Statement) -> bool:
    """Said by an academic, analyst or researcher (or a group of them), not by an official or a body."""
    if statement.speaker_kind == "institution":
        return False
    described = set(_WORD.findall(f"{statement.speaker} {statement.speaker_title}".lower()))
    if "former" not in described and described & _OFFICIAL_WORDS:
        return False  # "Commerce ministry spokeswoman", but not "a former ministry official now at ..."
    return bool(described & _EXPERT_WORDS) or "think tank" in statement.speaker_title.lower()


def coverage(
    stories: list[Story], statements: list[Statement], items: dict[str, Item], config: Config
) -> Coverage:
    """Who is heard how often, so a reader sees when one side or one kind of source dominates.

    by_side                    side -> statements and stories ("Unknown" for unattributed speakers);
                               a story counts for every side quoted in it.
    by_source_kind             stories per kind of their lead item (government, state_media, wire ...):
                               each story once, so the counts add up to the number of stories.
    statements_by_source_kind  statements per kind of the item they were found in, except that
                               statements by experts (`is_expert`) count as "experts" wherever found.
    """
    by_side: dict[str, dict[str, int]] = {
        name: {"statements": 0, "stories": 0} for name in config.side_names()
    }
    story_sides: dict[str, set[str]] = defaultdict(set)
    said: dict[str, int] = defaultdict(int)
    for st in statements:
        side = st.side or UNKNOWN_SIDE
        by_side.setdefault(side, {"statements": 0, "stories": 0})["statements"] += 1
        story_sides[side].add(st.story_id)
        item = items.get(st.item_id)
        said[EXPERTS if is_expert(st) else item.source_kind if item else "other"] += 1
    by_side.setdefault(UNKNOWN_SIDE, {"statements": 0, "stories": 0})
    for side, story_ids in story_sides.items():
        by_side[side]["stories"] = len(story_ids)
    kinds: dict[str, int] = defaultdict(int)
    for story in stories:
        kinds[story.source_kind] += 1
    return Coverage(
        by_side=by_side,
        by_source_kind=dict(sorted(kinds.items())),
        statements_by_source_kind=dict(sorted(said.items())),
    )
