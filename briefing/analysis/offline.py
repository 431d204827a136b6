"""The offline backend: deterministic summaries, statements and contrasts from plain text.

No network, no model: reported speech is found by `speech.py` (English; `speech_es.py` and
`speech_zh.py` for Spanish and Chinese items), speakers are placed by `attribution.py`, summaries
are picked by `summary.py`, and every statement's quote is checked against the item text before it
is kept. The same words from the same speaker are kept once per story (syndicated copies); the same
words from two speakers are two statements. The same input always gives the same output.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import replace

from briefing.analysis import lexicon as lx
from briefing.analysis import register, speech_es, speech_zh
from briefing.analysis.attribution import Resolution, Resolver
from briefing.analysis.contrast import build_contrasts
from briefing.analysis.phrases import GROUP, INSTITUTION, OFFICIAL, PERSON, Found
from briefing.analysis.references import dateline
from briefing.analysis.speech import find_statements
from briefing.analysis.summary import Sentence, summarise
from briefing.analysis.terms import mineral_index, relevance_index, topic_index
from briefing.analysis.text import Span, language, sentence_spans
from briefing.config import Config
from briefing.models import Analysis, Item, SpeakerKind, Statement, Story

_NOT_WORD = re.compile(r"[^\w]+")
_IN_PLACE = re.compile(r"\s*In\s+([A-Z][\w.-]+(?:\s+[A-Z][\w.-]+)?),")
# Kinds of speaker phrase -> Statement.speaker_kind. An unnamed official speaks for an institution.
SPEAKER_KINDS: dict[str, SpeakerKind] = {
    PERSON: "person",
    OFFICIAL: "institution",
    INSTITUTION: "institution",
    GROUP: "group",
}


def statement_id(item_id: str, start: int, speaker: str = "") -> str:
    """Stable id from the item and offset; `speaker` tells apart two speakers of the same words."""
    key = f"{item_id}:{start}:{speaker}" if speaker else f"{item_id}:{start}"
    return "st-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:12]


def _quote_key(quote: str) -> str:
    """Quotes that differ only in case, spacing, punctuation or quote marks are the same quote."""
    return " ".join(_NOT_WORD.sub(" ", quote.lower()).split())


class _Run:
    """What one analysis run builds once (matchers) and remembers (per-item work) across stories."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.resolver = Resolver(config)
        self.topics = topic_index(config)
        self.minerals = mineral_index(config)
        self.relevance = relevance_index(config)
        self._taxonomy = {t.id for t in config.topics.taxonomy}
        self._found: dict[str, list[Found]] = {}
        self._spans: dict[str, list[Span]] = {}
        self._starts: dict[str, list[int]] = {}
        self._item_topic: dict[str, str | None] = {}
        self._people: dict[str, dict[str, Resolution]] = {}

    def statements_in(self, item: Item) -> list[Found]:
        if item.id not in self._found:
            lang = language(item.text, item.language)
            if lang == "zh":
                found = speech_zh.find_statements(item.text)
            elif lang == "es":
                found = speech_es.find_statements(item.text, item.title)
            else:
                found = find_statements(item.text, item.title)
            self._found[item.id] = found
        return self._found[item.id]

    def resolve(self, item: Item, found: Found) -> Resolution:
        """The speaker's actor and side. A person is one person throughout an item: what one mention
        says of them ("Ms. Pike, a Republican from Ohio") places the mentions that say nothing."""
        resolution = self.resolver.resolve(found.speaker, item.feed)
        if resolution.side is not None or found.speaker.kind != PERSON:
            return resolution
        speaker = found.speaker
        where = _where_based(item.text, resolution.organization or "")
        if where and not speaker.context:
            # "Dana Whitcomb, chief executive officer of Keystone Critical Metals" where the text
            # says elsewhere "Keystone Critical Metals of Pittsburgh, Pennsylvania"
            placed = self.resolver.resolve(replace(speaker, context=where), item.feed)
            if placed.side is not None:
                return placed
        if not speaker.context and lx.public_office(speaker.title):
            # "Industry Minister Claire Tremblay-Ross said" in a report from Ottawa: a minister named
            # without a country is the dateline country's (a foreign one is always given a country),
            # or that of the place the sentence opens with ("In Seoul, trade minister ...")
            opening = _IN_PLACE.match(item.text, found.sentence.start, found.anchor)
            place = opening.group(1) if opening else dateline(item.text)  # "In Seoul, trade minister ..."
            if place:
                placed = self.resolver.resolve(replace(speaker, context=place), item.feed)
                if placed.side is not None:
                    return placed
        if item.id not in self._people:
            people: dict[str, Resolution] = {}
            for other in self.statements_in(item):
                if other.speaker.kind == PERSON and other.speaker.name not in people:
                    placed = self.resolver.resolve(other.speaker, item.feed)
                    if placed.side is not None:
                        people[other.speaker.name] = placed
            self._people[item.id] = people
        return self._people[item.id].get(found.speaker.name, resolution)

    def spans(self, item: Item) -> list[Span]:
        if item.id not in self._spans:
            self._spans[item.id] = sentence_spans(item.text, item.title)
        return self._spans[item.id]

    def position(self, item: Item, offset: int) -> int | None:
        """The number of the sentence of the item that holds this character, if any does."""
        if item.id not in self._starts:
            self._starts[item.id] = [s.start for s in self.spans(item)]
        n = bisect.bisect_right(self._starts[item.id], offset) - 1
        return n if n >= 0 and offset < self.spans(item)[n].end else None

    def context_topic(self, story: Story, item: Item) -> str | None:
        """The topic of a statement whose own sentence names none: the story's, else the item's."""
        for topic in story.topics:
            if topic in self._taxonomy:
                return topic
        if item.id not in self._item_topic:
            self._item_topic[item.id] = self.topics.best(f"{item.title}\n{item.text or item.summary}")
        return self._item_topic[item.id]


class OfflineBackend:
    name = "offline"

    def analyse(self, stories: list[Story], items: dict[str, Item], config: Config) -> Analysis:
        run = _Run(config)
        summaries: dict[str, str] = {}
        statements: list[Statement] = []
        failed: dict[str, str] = {}
        ids: set[str] = set()
        for story in stories:
            story_items = [items[i] for i in story.item_ids if i in items]
            try:
                found = self._statements(story, story_items, run)
                found = [(st, f) for st, f in found if st.id not in ids]
                summaries[story.id] = self._summary(story, story_items, found, run)
            except Exception as exc:  # one bad story is reported, never the end of the run
                failed[story.id] = f"{type(exc).__name__}: {exc}"
                continue
            for st, _ in found:
                ids.add(st.id)
                statements.append(st)
        return Analysis(
            summaries=summaries,
            statements=statements,
            contrasts=build_contrasts(statements, config),
            failed_stories=failed,
        )

    def _statements(self, story: Story, story_items: list[Item], run: _Run) -> list[tuple[Statement, Found]]:
        out: list[tuple[Statement, Found]] = []
        seen: set[tuple[str, str]] = set()
        ids: set[str] = set()
        for item in story_items:
            for found in run.statements_in(item):
                statement = self._statement(story, item, found, run)
                if statement is None:
                    continue
                # The same words from the same speaker are one statement (a syndicated copy, a quote
                # repeated further down); the same words from two speakers are two.
                key = (_quote_key(statement.speaker), _quote_key(statement.quote))
                if key in seen:
                    continue
                seen.add(key)
                if statement.id in ids:  # "Greer and Ebrard said ...": one statement per speaker
                    new_id = statement_id(item.id, statement.start, statement.speaker)
                    statement = statement.model_copy(update={"id": new_id})
                ids.add(statement.id)
                out.append((statement, found))
        return out

    @staticmethod
    def _statement(story: Story, item: Item, found: Found, run: _Run) -> Statement | None:
        text = item.text
        quote = text[found.start : found.end]
        if not quote.strip() or not 0 <= found.start < found.end <= len(text):
            return None
        claim = " ".join(text[found.sentence.start : found.sentence.end].split())
        resolution = run.resolve(item, found)
        statement = Statement(
            id=statement_id(item.id, found.start),
            story_id=story.id,
            item_id=item.id,
            speaker=found.speaker.name,
            speaker_title=found.speaker.title,
            organization=resolution.organization,
            actor=resolution.actor,
            side=resolution.side,
            resolved_by=resolution.resolved_by,
            kind=found.kind,
            speaker_kind=SPEAKER_KINDS.get(found.speaker.kind),
            quote=quote,
            claim=claim,
            start=found.start,
            end=found.end,
            topic=run.topics.best(claim) or run.context_topic(story, item),
            minerals=run.minerals.present(claim),
            url=item.url,
            verified=True,
        )
        # The promise of a statement: its quote is exactly the source text at its offsets.
        if text[statement.start : statement.end] != statement.quote:
            return None
        return statement

    @staticmethod
    def _summary(
        story: Story, story_items: list[Item], found: list[tuple[Statement, Found]], run: _Run
    ) -> str:
        count = run.config.analysis.summary_sentences
        main = next((i for i, item in enumerate(story_items) if run.spans(item)), None)
        if main is None:
            # No usable text: the feed's summary, then the story's, then its title.
            for text in [*(item.summary for item in story_items), story.summary]:
                spans = sentence_spans(text)
                if spans:
                    return summarise(_sentences(text, spans, 0), {}, count, run.relevance)
            return " ".join(
                (next((i.summary for i in story_items if i.summary.strip()), "") or story.title).split()
            )
        number = {item.id: i for i, item in enumerate(story_items)}
        by_side: dict[str, list[Sentence]] = {side: [] for side in run.config.side_names()}
        for statement, f in found:
            if statement.side not in by_side:
                continue
            i = number[statement.item_id]
            position = run.position(story_items[i], f.anchor)
            if position is None:
                continue
            span = run.spans(story_items[i])[position]
            sentence = Sentence(i, position, " ".join(story_items[i].text[span.start : span.end].split()))
            if sentence not in by_side[statement.side]:
                by_side[statement.side].append(sentence)
        quoted_sides = {side: s for side, s in by_side.items() if s}
        item = story_items[main]
        candidates = _sentences(item.text, run.spans(item), main)
        return summarise(candidates, quoted_sides if len(quoted_sides) > 1 else {}, count, run.relevance)


def _where_based(text: str, organization: str) -> str:
    """Where the text says an organisation is: "Keystone Critical Metals of Pittsburgh, Pennsylvania",
    "Pittsburgh-based Keystone Critical Metals", "Shinwa Magnet Industries, a Nagoya company"."""
    if len(organization.split()) < 2 or not organization[:1].isupper():
        return ""
    name = re.escape(organization)
    found = [m.group(1) for m in re.finditer(rf"([\w.-]+-based)\s+{name}", text)]
    found += [
        m.group(1)
        for m in re.finditer(rf"{name},?\s+((?:of|in|from|based\s+in)\s+[^,.;]+(?:,\s*[A-Z][\w.]*)?)", text)
    ]
    found += [m.group(1) for m in re.finditer(rf"{name},\s+(an?\s+[^,.;]{{3,80}})", text)]
    return "; ".join(found)


def _sentences(text: str, spans: list[Span], item: int) -> list[Sentence]:
    return [Sentence(item, n, " ".join(text[s.start : s.end].split())) for n, s in enumerate(spans)]


register(OfflineBackend())
