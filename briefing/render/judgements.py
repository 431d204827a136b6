"""Key judgements as templates see them, and the plain-language uncertainty that goes with them.

``for_audience`` picks an audience's own synthesis when the run wrote one per audience.
The judgements themselves are made in the analysis (``Briefing.judgements``: computed from the
data by ``analysis/judgements.py``, or written by the LLM backend and checked); here each becomes a
``JudgementView``: ``text`` (plain text, escaped when printed), ``item_ids`` (the sources to cite
after it: the items of the statements it cites, then the lead reports of the stories it cites) and
``basis`` ("data" or "model"), so a template can say whose assessment it is.

``caveats`` says in words what the uncertainty flags count: stories resting on one outlet, unnamed
speakers, positions resting on media commentary only, topics heard from one side only.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefing.models import Briefing, Story
from briefing.render.filters import plural

MAX_JUDGEMENTS = 5
MAX_CITES = 4


@dataclass(frozen=True)
class JudgementView:
    text: str
    item_ids: tuple[str, ...] = ()
    basis: str = "data"
    kind: str = ""


def _lead_item(story: Story) -> str | None:
    for listed in story.sources:
        if listed.url == story.url:
            return listed.item_id
    return story.item_ids[0] if story.item_ids else None


def for_audience(briefing: Briefing, audience: str) -> Briefing:
    """The briefing as one audience reads it: its own developments, judgements and contrast
    sentences (``Briefing.syntheses``, written in its tone) when it has them, else the shared ones."""
    own = briefing.syntheses.get(audience)
    if own is None:
        return briefing
    contrasts = [
        c.model_copy(update={"summary": own.contrasts[c.topic]}) if c.topic in own.contrasts else c
        for c in briefing.contrasts
    ]
    return briefing.model_copy(
        update={
            "developments": own.developments,
            "judgements": own.judgements or briefing.judgements,
            "contrasts": contrasts,
        }
    )


def key_judgements(briefing: Briefing) -> list[JudgementView]:
    statements = {s.id: s for s in briefing.statements}
    stories = {s.id: s for s in briefing.stories}
    views = []
    for judgement in briefing.judgements[:MAX_JUDGEMENTS]:
        items = [statements[i].item_id for i in judgement.statement_ids if i in statements]
        for story_id in judgement.story_ids:
            story = stories.get(story_id)
            lead = _lead_item(story) if story is not None else None
            if story is not None and lead is not None and not set(story.item_ids) & set(items):
                items.append(lead)
        views.append(
            JudgementView(
                judgement.text,
                tuple(dict.fromkeys(items))[:MAX_CITES],
                judgement.basis,
                judgement.kind,
            )
        )
    return views


def caveats(briefing: Briefing) -> list[str]:
    """One clause per kind of uncertainty present, for a line beside the key judgements."""
    flags = briefing.flags
    stories = {s.id for s in briefing.stories}
    out = []
    single = [i for i in flags.get("single_source", []) if i in stories]
    if single:
        verb = "rests" if len(single) == 1 else "rest"
        out.append(f"{len(single)} of {plural(len(stories), 'story', 'stories')} {verb} on a single outlet")
    unnamed = flags.get("unnamed_group", [])
    if unnamed:
        out.append(f"{plural(len(unnamed), 'statement')} attributed only to unnamed groups")
    media_only = flags.get("media_only", [])
    if media_only:
        labels = briefing.topics
        named = []
        for entry in media_only[:2]:
            topic, _, side = entry.partition("/")
            named.append(f"{side} on {labels.get(topic, topic).lower()}")
        more = f" and {len(media_only) - 2} more" if len(media_only) > 2 else ""
        noun = "position rests" if len(media_only) == 1 else "positions rest"
        out.append(f"{len(media_only)} {noun} only on media commentary ({'; '.join(named)}{more})")
    one_side = flags.get("one_side_only", [])
    if one_side:
        out.append(f"{plural(len(one_side), 'topic')} heard from one side only")
    return out
