"""Source weight: what kind of source stands behind each statement and story.

A reader weighs "the commerce ministry said" in the ministry's own release differently from the
same words in a state-media commentary, and both differently from "analysts said" in a wire report.
Every statement gets one descriptor from the kind of outlet it was found in and the kind of speaker:

    official_statement       a government feed, and an official or a government body of that
                             feed's side speaking (the side of the feed's default actor)
    quoted_in_release        a government feed quoting someone else (an industry group, an analyst,
                             another government)
    official_in_media        an official or a government body, quoted by any other outlet
    state_media_commentary   state media speaking for itself, or anyone else it quotes (and any
                             speaker whose configured actor has kind state_media, wherever found)
    expert_in_media          academics, analysts, researchers quoted by wires, trade press, news sites
    wire_report              a wire's own report, or other voices it quotes (industry, traders)
    trade_press              the same in trade press
    media_report             the same in any other outlet (news search results, blogs)

The outlet's kind is the feed's `kind`, except that an item from a news search (or an `other` feed)
whose outlet is a configured actor ("Global Times" as an alias of a state-media actor) takes that
actor's kind. A story's descriptor is its lead report's. Works from statements and items alone, so
both backends (and stored runs) get the same descriptors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from briefing.analysis.contrast import is_expert, speaker_rank
from briefing.analysis.lexicon import words
from briefing.config import Config
from briefing.models import Descriptor, Item, SpeakerKind, Statement, Story

LABELS: dict[str, str] = {
    "official_statement": "official statement",
    "quoted_in_release": "quoted in an official release",
    "official_in_media": "official quoted in media",
    "state_media_commentary": "state-media commentary",
    "expert_in_media": "expert quoted in media",
    "wire_report": "wire report",
    "trade_press": "trade press",
    "media_report": "media report",
}
# Descriptors of what media say or whom they choose to quote, as opposed to what officials said.
MEDIA: frozenset[str] = frozenset(
    {"state_media_commentary", "expert_in_media", "wire_report", "trade_press", "media_report"}
)
OFFICIAL: frozenset[str] = frozenset({"official_statement", "official_in_media"})

_WORD = re.compile("[\\w'\u2019-]+")
# Words that make an unconfigured speaker a government voice ("a ministry spokeswoman", "officials").
_GOVERNMENT = words(
    """ministry ministries minister ministers government governments department administration
    commission commissioner ambassador embassy secretary official officials envoy envoys diplomat
    diplomats customs cabinet premier spokesperson spokesman spokeswoman authorities authority"""
)
# ... but a company's or an association's spokesperson is not one.
_NON_GOVERNMENT = words(
    """company companies corp corporation inc ltd llc group association coalition chamber federation
    council institute university firm producer producers manufacturer manufacturers miner miners"""
)
_OUTLET_KINDS = ("government", "state_media", "wire", "trade_press")


def label(descriptor: str | None) -> str:
    return LABELS.get(descriptor or "", "")


def speaker_kind(statement: Statement) -> SpeakerKind:
    """The backend's speaker kind, or one judged from the name (the LLM backend does not say)."""
    if statement.speaker_kind is not None:
        return statement.speaker_kind
    kinds: tuple[SpeakerKind, ...] = ("group", "institution", "person")
    return kinds[speaker_rank(statement)]


class Sourcing:
    """Descriptors for one config: actors by name and outlets by alias, looked up once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.actors = {a.name: a for a in config.actors}
        self.feed_sides: dict[str, str] = {}
        for feed in config.feeds:
            actor = self.actors.get(feed.actor or "")
            if actor is not None:
                self.feed_sides[feed.name] = actor.side
        self.outlets: dict[str, str] = {}
        for actor in config.actors:
            if actor.kind in _OUTLET_KINDS:
                for name in (actor.name, *actor.aliases):
                    self.outlets.setdefault(name.casefold(), actor.kind)

    def outlet_kind(self, item: Item | None) -> str:
        if item is None:
            return "other"
        if item.source_kind in ("news_search", "other"):
            return self.outlets.get(item.source.strip().casefold(), item.source_kind)
        return item.source_kind

    def is_official(self, statement: Statement) -> bool:
        """An official or a government body: a configured government actor, or a title that says so."""
        described = set(
            _WORD.findall(
                f"{statement.speaker} {statement.speaker_title} {statement.organization or ''}".lower()
            )
        )
        if "former" in described or is_expert(statement):
            return False
        actor = self.actors.get(statement.actor or "")
        if actor is not None:
            return actor.kind == "government"
        return bool(described & _GOVERNMENT) and not described & _NON_GOVERNMENT

    def statement(self, statement: Statement, item: Item | None) -> Descriptor:
        kind = self.outlet_kind(item)
        official = self.is_official(statement)
        actor = self.actors.get(statement.actor or "")
        if kind == "government":
            # A government's own voice in its own channel; another government's words it reports
            # (a joint statement, a reply to the other side) are quoted in its release.
            own = self.feed_sides.get(item.feed if item is not None else "")
            if official and (own is None or statement.side in (None, own)):
                return "official_statement"
            return "quoted_in_release"
        if official:
            return "official_in_media"
        if kind == "state_media" or (actor is not None and actor.kind == "state_media"):
            return "state_media_commentary"
        if is_expert(statement):
            return "expert_in_media"
        return _MEDIA_OF_KIND.get(kind, "media_report")

    def story(self, story: Story, items: dict[str, Item], statements: Iterable[Statement]) -> Descriptor:
        lead = next(
            (items[s.item_id] for s in story.sources if s.url == story.url and s.item_id in items), None
        )
        if lead is None:
            lead = next((items[i] for i in story.item_ids if i in items), None)
        kind = self.outlet_kind(lead) if lead is not None else story.source_kind
        if kind == "government":
            return "official_statement"
        if kind == "state_media":
            return "state_media_commentary"
        if kind in _MEDIA_OF_KIND:
            return _MEDIA_OF_KIND[kind]
        found = {s.descriptor for s in statements}
        quoted: tuple[Descriptor, ...] = ("official_in_media", "expert_in_media")
        return next((d for d in quoted if d in found), "media_report")


_MEDIA_OF_KIND: dict[str, Descriptor] = {"wire": "wire_report", "trade_press": "trade_press"}


def describe(statements: list[Statement], items: dict[str, Item], config: Config) -> list[Statement]:
    """The statements with their `descriptor` set (copies; the input is not changed)."""
    sourcing = Sourcing(config)
    return [
        s.model_copy(update={"descriptor": sourcing.statement(s, items.get(s.item_id))}) for s in statements
    ]
