"""What changed since the previous briefing: new stories and topics, actors new or quiet."""

from __future__ import annotations

from briefing.models import Briefing, Changes, Statement


def _actors(statements: list[Statement]) -> set[str]:
    return {s.actor or s.speaker for s in statements if s.actor or s.resolved_by != "unknown"}


def _topics(statements: list[Statement]) -> set[str]:
    return {s.topic for s in statements if s.topic}


def compare(previous: Briefing | None, current: Briefing) -> Changes:
    if previous is None:
        return Changes()
    old_urls = {src.url for story in previous.stories for src in story.sources}
    old_titles = {story.title for story in previous.stories}
    new_stories = [
        story.id
        for story in current.stories
        if story.title not in old_titles and not ({src.url for src in story.sources} & old_urls)
    ]
    old_actors, now_actors = _actors(previous.statements), _actors(current.statements)
    return Changes(
        previous_run=previous.run.id,
        new_stories=new_stories,
        new_topics=sorted(_topics(current.statements) - _topics(previous.statements)),
        new_actors=sorted(now_actors - old_actors),
        quiet_actors=sorted(old_actors - now_actors),
    )
