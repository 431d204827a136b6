"""The bottom line: three to five one-sentence key points, each citing its sources.

When the analysis supplies key developments (``Briefing.developments``, written by the LLM
backend and resting on the statements they cite), those are the bottom line. Otherwise the
points are computed from the counts in the briefing: which topic drew the most statements and
from whom, which topic one side dominated, where only one side spoke, how the sides balance and
what changed since the last briefing. Computed points state counts, never an assessment.

Templates receive a list of ``Judgement``: ``text`` (plain text, escaped when printed),
``item_ids`` (the sources to cite after it) and ``basis`` ("counts" or "model").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from briefing.models import Briefing, Statement

if TYPE_CHECKING:
    from briefing.render.context import ContrastRow, SideView

MAX_JUDGEMENTS = 5


@dataclass(frozen=True)
class Judgement:
    text: str
    item_ids: tuple[str, ...] = ()
    basis: Literal["counts", "model"] = "counts"


def key_judgements(
    briefing: Briefing,
    sides: Sequence[SideView],
    rows: Sequence[ContrastRow],
    gaps: Sequence[ContrastRow],
) -> list[Judgement]:
    if briefing.developments:
        return _from_developments(briefing)[:MAX_JUDGEMENTS]
    if not briefing.statements:
        stories = len(briefing.stories)
        text = (
            f"{stories} on-topic {'story' if stories == 1 else 'stories'} in the window, "
            "but no attributed statement was found, so positions cannot be compared."
            if stories
            else "No on-topic story was found in the monitored feeds for this window."
        )
        return [Judgement(text)]
    points: list[Judgement] = []
    if rows:
        points.append(_most_discussed(rows[0], sides))
    dominated = _dominated(rows[1:])
    if dominated is not None:
        points.append(dominated)
    elif len(rows) > 1:
        points.append(_most_discussed(rows[1], sides, rank="second"))
    if gaps:
        points.append(_gaps(gaps))
    points.append(_balance(briefing, sides))
    changed = _changes(briefing)
    if changed is not None:
        points.append(changed)
    return points[:MAX_JUDGEMENTS]


def _from_developments(briefing: Briefing) -> list[Judgement]:
    by_id = {s.id: s for s in briefing.statements}
    found = []
    for development in briefing.developments:
        items = [by_id[i].item_id for i in development.statement_ids if i in by_id]
        found.append(Judgement(development.text, tuple(dict.fromkeys(items)), "model"))
    return found


def _side_counts(row: ContrastRow) -> list[tuple[str, int, Statement | None]]:
    counted = [(c.side.name, len(c.statements), c.lead) for c in row.cells if c.statements]
    return sorted(counted, key=lambda t: -t[1])


def _cites(row: ContrastRow) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.lead.item_id for c in row.cells if c.lead))


def _most_discussed(row: ContrastRow, sides: Sequence[SideView], rank: str = "most") -> Judgement:
    counted = _side_counts(row)
    spread = ", ".join(f"{name} {n}" for name, n, _ in counted)
    who = "all sides" if len(counted) == len(sides) and len(sides) > 1 else _names([n for n, _, _ in counted])
    lead = "drew the most statements" if rank == "most" else "drew the second most statements"
    return Judgement(f"{row.label} {lead} ({row.statements}), from {who}: {spread}.", _cites(row))


def _dominated(rows: Sequence[ContrastRow]) -> Judgement | None:
    """The topic where one side said the most, relative to the others (at least 60% and 5 statements)."""
    best: tuple[float, ContrastRow] | None = None
    for row in rows:
        counted = _side_counts(row)
        if len(counted) < 2 or row.statements < 5:
            continue
        share = counted[0][1] / row.statements
        if share >= 0.6 and (best is None or share > best[0]):
            best = (share, row)
    if best is None:
        return None
    share, row = best
    (top, n, lead), *others = _side_counts(row)
    rest = ", ".join(f"{name} {m}" for name, m, _ in others)
    speaker = f", led by {lead.speaker}" if lead is not None else ""
    return Judgement(
        f"{row.label} was mostly {_possessive(top)} topic: {n} of {row.statements} statements "
        f"({round(100 * share)}%){speaker}; {rest}.",
        _cites(row),
    )


def _gaps(gaps: Sequence[ContrastRow]) -> Judgement:
    parts = []
    for row in gaps[:3]:
        speaking = _names([s.name for s in row.speaking]) or "no side"
        parts.append(f"{row.label} ({speaking} only)")
    more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
    noun = "topic" if len(gaps) == 1 else "topics"
    return Judgement(
        f"One side only on {len(gaps)} {noun}: {'; '.join(parts)}{more}. Silence in the monitored feeds "
        "is not proof of silence.",
        tuple(dict.fromkeys(c.lead.item_id for row in gaps[:3] for c in row.cells if c.lead)),
    )


def _balance(briefing: Briefing, sides: Sequence[SideView]) -> Judgement:
    ranked = sorted(sides, key=lambda s: -s.statements)
    total = len(briefing.statements)
    if not ranked or ranked[0].statements == 0:
        return Judgement(f"{total} attributed statements, none assigned to a configured side.")
    top = ranked[0]
    voices = Counter(
        s.actor or s.organization or s.speaker for s in briefing.statements if s.side == top.name
    ).most_common(2)
    through = _names([f"{name} ({n})" for name, n in voices])
    others = ", ".join(f"{s.name} {s.statements}" for s in ranked[1:])
    unassigned = total - sum(s.statements for s in sides)
    tail = f"; {unassigned} could not be assigned to a side" if unassigned > 0 else ""
    cites = tuple(
        dict.fromkeys(
            next(s.item_id for s in briefing.statements if s.side == top.name and name == _voice(s))
            for name, _ in voices
        )
    )
    return Judgement(
        f"{top.name} was the most quoted side with {top.statements} of {total} statements, mostly through "
        f"{through}; {others}{tail}.",
        cites,
    )


def _voice(statement: Statement) -> str:
    return statement.actor or statement.organization or statement.speaker


def _changes(briefing: Briefing) -> Judgement | None:
    changes = briefing.changes
    if not changes.previous_run:
        return None
    stories = {s.id: s for s in briefing.stories}
    new = [stories[i] for i in changes.new_stories if i in stories]
    topics = [briefing.topics.get(t, t) for t in changes.new_topics]
    parts = []
    if new:
        parts.append(f"{len(new)} new {'story' if len(new) == 1 else 'stories'}")
    if topics:
        noun = "topic" if len(topics) == 1 else "topics"
        parts.append(f"new {noun}: {', '.join(topics)}")
    if changes.new_actors:
        parts.append(f"first statements from {_names(changes.new_actors[:3])}")
    if not parts:
        return Judgement("Nothing new since the previous briefing: no new story, topic or actor.")
    cites = tuple(s.item_ids[0] for s in new[:2] if s.item_ids)
    return Judgement(f"Since the previous briefing: {'; '.join(parts)}.", cites)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
