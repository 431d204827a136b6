"""What changed since the previous briefing for the same audience.

    new stories    stories whose title and source URLs the previous briefing did not have
    new topics     taxonomy topics someone spoke on now but nobody did then
    new actors     actors (or speakers placed on a side without a configured actor) heard now, not then
    quiet actors   heard then, not now

"The previous briefing" is the latest finished run before this one that rendered the audience
(`Store.previous_run(before, audience)`): an audience rendered only on Fridays is compared with last
Friday's briefing, not with a run for another audience on Wednesday. Speakers whose side is unknown
are left out of the actor lists: "analysts" appearing or going quiet says nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from briefing.models import Briefing, Changes, Statement

if TYPE_CHECKING:
    from briefing.store import Store


def _actors(statements: list[Statement]) -> set[str]:
    return {s.actor or s.speaker for s in statements if s.actor or s.resolved_by != "unknown"}


def _topics(statements: list[Statement]) -> set[str]:
    return {s.topic for s in statements if s.topic}


def compare(previous: Briefing | None, current: Briefing, audience: str | None = None) -> Changes:
    """The changes from `previous` to `current`; empty (no previous run) when there is none."""
    if previous is None:
        return Changes(audience=audience)
    old_urls = {src.url for story in previous.stories for src in story.sources} | {
        story.url for story in previous.stories
    }
    old_titles = {story.title for story in previous.stories}
    new_stories = [
        story.id
        for story in current.stories
        if story.title not in old_titles and not ({src.url for src in story.sources} | {story.url}) & old_urls
    ]
    old_actors, now_actors = _actors(previous.statements), _actors(current.statements)
    return Changes(
        previous_run=previous.run.id,
        audience=audience,
        new_stories=new_stories,
        new_topics=sorted(_topics(current.statements) - _topics(previous.statements)),
        new_actors=sorted(now_actors - old_actors),
        quiet_actors=sorted(old_actors - now_actors),
    )


def changes_by_audience(
    store: Store, current: Briefing, audiences: list[str], before: datetime, exclude: str | None = None
) -> dict[str, Changes]:
    """Audience name -> changes against that audience's previous briefing in the store.

    `exclude` is the id of the run being made, whose own earlier record (a re-run) is not "previous".
    """
    loaded: dict[str, Briefing] = {}
    out: dict[str, Changes] = {}
    for audience in audiences:
        row = store.previous_run(before, audience, exclude=exclude)
        if row is None:
            out[audience] = compare(None, current, audience)
            continue
        if row["id"] not in loaded:
            try:
                loaded[row["id"]] = Briefing.model_validate_json(row["briefing"])
            except ValidationError:
                out[audience] = compare(None, current, audience)  # written by an incompatible version
                continue
        out[audience] = compare(loaded[row["id"]], current, audience)
    return out
