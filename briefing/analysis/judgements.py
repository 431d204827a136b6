"""Key judgements from the data: three to five one-sentence assessments, each citing its evidence.

Rules choose what is worth saying; `prompts/judgements.j2` says it (a user's prompts folder
overrides the wording by file name). In order, when the data supports them:

    contest    the topic most discussed across sides, with each of the two loudest sides' strongest
               statement quoted (officials first, direct quotes first, English first)
    measure    new measures announced: stories whose headline announces, launches, adopts, signs ...
    silence    a topic only one side spoke on (at least MIN_GAP statements), or a side silent on a
               topic others pressed (at least MIN_PRESSED statements from one side)
    sourcing   a side's position resting only on media commentary, else the side whose statements
               are mostly media commentary
    balance    one side heard far more than another (coverage imbalance)

Each cites the statements it quotes or counts on and their stories. These are the briefing's
assessments, marked `basis="data"`; what the sources said is in the statements themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from briefing.analysis.prompting import Prompts
from briefing.analysis.sourcing import LABELS, MEDIA, OFFICIAL
from briefing.analysis.terms import topic_index
from briefing.analysis.text import language, sentence_spans
from briefing.config import Config
from briefing.models import Briefing, Contrast, Judgement, Statement, Story

TEMPLATE = "judgements.j2"
MAX_JUDGEMENTS = 5
MIN_JUDGEMENTS = 3
MIN_PRESSED = 3
MIN_GAP = 2
EXCERPT_WORDS = 18
IMBALANCE = 1.5
MEDIA_SHARE = 0.4

# Diplomatic filler: true of every statement, so it says nothing about this one.
_FILLER = re.compile(
    r"\b(?:noted the reports?|consistent and clear|stated (?:its|our) position|on many occasions|"
    r"closely follow|firmly safeguard|legitimate rights and interests|no comment|please refer|"
    r"competent authorities|have noted)\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    r"(?<!\w)(?:announc(?:e|es|ed|ement)|launch(?:es|ed)?|unveil(?:s|ed)?|enact(?:s|ed)?|adopt(?:s|ed)?|"
    r"sign(?:s|ed)?|impos(?:e|es|ed)|introduc(?:e|es|ed)|approv(?:e|es|ed)|issu(?:e|es|ed)|"
    r"complet(?:e|es|ed|ion)|opens?|opened|expand(?:s|ed)?|establish(?:es|ed)?|selects?|selected|"
    r"suspend(?:s|ed)?|extend(?:s|ed)?|lift(?:s|ed)?|takes? effect|sets? up|creat(?:e|es|ed)|"
    r"adoptan?|lanzan?|instalan?|firman?|anuncian?|publican?|inician?)(?!\w)"
    r"|发布|宣布|实施|启动|出台",
    re.IGNORECASE,
)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else plural_form or singular + 's'}"


def names(values: Sequence[str]) -> str:
    values = list(values)
    return values[0] if len(values) == 1 else ", ".join(values[:-1]) + " and " + values[-1] if values else ""


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def the(name: str, start: bool = False) -> str:
    """ "the United States", "the Partners", but "China": sides named as in the config."""
    if name.startswith(("United ", "European ")) or (name.endswith("s") and " " not in name.strip()[-3:]):
        return ("The " if start else "the ") + name
    return name


def _dedupe(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


class _Judge:
    def __init__(self, briefing: Briefing, config: Config, prompts: Prompts) -> None:
        self.briefing = briefing
        self.config = config
        self.prompts = prompts
        self.by_id = {s.id: s for s in briefing.statements}
        self.items = {i.id: i for i in briefing.items}
        self.topics = topic_index(config)
        self.labels = {t.id: t.label for t in config.topics.taxonomy} | dict(briefing.topics)
        self.sides = list(briefing.sides) or config.side_names()
        self.actors = {a.name: a for a in config.actors}

    # -- wording -----------------------------------------------------------------------------

    def judgement(
        self, kind: str, cited: Sequence[Statement], cited_stories: Sequence[str] = (), **ctx: Any
    ) -> Judgement:
        text = self.prompts.render(TEMPLATE, kind=kind, **ctx)
        return Judgement(
            text=" ".join(text.split()),
            kind=kind,
            basis="data",
            statement_ids=_dedupe([s.id for s in cited]),
            story_ids=_dedupe([*(s.story_id for s in cited), *cited_stories]),
        )

    def excerpt(self, statement: Statement, topic: str | None) -> tuple[int, str]:
        """Verbatim words of the quote: the sentence most about the topic, short and not diplomatic
        filler, cut at EXCERPT_WORDS; and how good it is (0 best: on topic, whole and not filler)."""
        quote = " ".join(statement.quote.split())
        sentences = [quote[s.start : s.end].strip() for s in sentence_spans(quote)] or [quote]

        def rank(sentence: str) -> tuple[int, int]:
            n = len(sentence.split())
            on_topic = bool(topic and self.topics.counts(sentence).get(topic))
            fits = 6 <= n <= EXCERPT_WORDS
            clean = not _FILLER.search(sentence)
            penalty = (
                0 if on_topic and fits and clean else 1 if on_topic and clean else 2 if fits and clean else 3
            )
            return (penalty, abs(n - 14))

        best = min(sentences, key=rank)
        words = best.split()
        text = " ".join(words[:EXCERPT_WORDS]).rstrip(",;:") + " …" if len(words) > EXCERPT_WORDS else best
        return rank(best)[0], text.rstrip(".")

    def speaker(self, statement: Statement, topic: str | None) -> dict[str, str]:
        return {
            "speaker": statement.speaker,
            "voice": statement.actor or statement.organization or "",
            "side": statement.side or "",
            "excerpt": self.excerpt(statement, topic)[1],
            "source": LABELS.get(statement.descriptor or "", ""),
        }

    def strongest(self, ids: Sequence[str], topic: str | None = None) -> Statement | None:
        """Officials before media, direct quotes before reported speech, English before others, then
        the one with the best excerpt on the topic; among the first few in the analysis' order."""
        found = [(n, self.by_id[i]) for n, i in enumerate(ids) if i in self.by_id][:8]
        if not found:
            return None
        found.sort(
            key=lambda p: (
                p[1].descriptor not in OFFICIAL,
                p[1].kind != "direct",
                not p[1].verified,
                language(p[1].quote) != "en" and not p[1].translation,
                self.excerpt(p[1], topic)[0],
                p[0],
            )
        )
        return found[0][1]

    # -- the judgements ------------------------------------------------------------------------

    def contest(self, contrast: Contrast) -> Judgement | None:
        positions = sorted(contrast.positions, key=lambda p: -len(p.statement_ids))
        chosen = [s for s in (self.strongest(p.statement_ids, contrast.topic) for p in positions[:2]) if s]
        if not chosen:
            return None
        return self.judgement(
            "contest",
            chosen,
            topic=self.labels.get(contrast.topic, contrast.topic),
            statements=sum(len(p.statement_ids) for p in contrast.positions),
            spread=[{"side": p.side, "statements": len(p.statement_ids)} for p in positions],
            positions=[self.speaker(s, contrast.topic) for s in chosen],
        )

    def measure(self) -> Judgement | None:
        found: list[tuple[tuple[float, ...], Story]] = []
        for story in self.briefing.stories:
            if not _MEASURE.search(story.title):
                continue
            said = [s for s in self.briefing.statements if s.story_id == story.id]
            official = story.descriptor == "official_statement"
            english = language(story.title) == "en"
            found.append(((len(story.item_ids), official, english, min(len(said), 5)), story))
        if not found:
            return None
        ranked = [s for _, s in sorted(found, key=lambda p: p[0], reverse=True)]
        first = ranked[0]
        second = next((s for s in ranked[1:] if self.side_of(s) != self.side_of(first)), None)
        chosen = [first] + ([second] if second is not None else [])
        cited = [st for st in (self.lead_statement(s) for s in chosen) if st is not None]
        return self.judgement(
            "measure",
            cited,
            [s.id for s in chosen],
            measures=[
                {
                    "title": _clip(story.title, 110),
                    "voice": self.voice_of(story),
                    "side": self.side_of(story) or "",
                    "date": f"{story.published.day} {story.published:%b %Y}",
                }
                for story in chosen
            ],
            more=len(found) - len(chosen),
        )

    @staticmethod
    def silent_topic(contrasts: Sequence[Contrast], sides: Sequence[str]) -> Contrast | None:
        """The topic with the loudest side where another side said nothing."""
        best: tuple[tuple[int, int], Contrast] | None = None
        for contrast in contrasts:
            speaking = {p.side for p in contrast.positions}
            silent = [s for s in sides if s not in speaking]
            top = max((len(p.statement_ids) for p in contrast.positions), default=0)
            # A topic only one side spoke on is a gap at two statements; a side silent where two
            # others spoke matters when the topic was pressed.
            enough = top >= (MIN_GAP if len(contrast.positions) == 1 else MIN_PRESSED)
            if silent and enough and (best is None or (top, len(silent)) > best[0]):
                best = ((top, len(silent)), contrast)
        return best[1] if best is not None else None

    def silence(self, contrast: Contrast | None) -> Judgement | None:
        if contrast is None:
            return None
        pressing = max(contrast.positions, key=lambda p: len(p.statement_ids))
        lead = self.strongest(pressing.statement_ids, contrast.topic)
        if lead is None:
            return None
        cited = [lead, *(self.by_id[i] for i in pressing.statement_ids[:3] if i in self.by_id)]
        speaking = {p.side for p in contrast.positions}
        return self.judgement(
            "silence",
            cited,
            topic=self.labels.get(contrast.topic, contrast.topic),
            silent=[s for s in self.sides if s not in speaking],
            pressing={
                "side": pressing.side,
                "statements": len(pressing.statement_ids),
                "media_only": "media_only" in pressing.flags,
            },
            lead=self.speaker(lead, contrast.topic),
            gap=len(contrast.positions) == 1,
        )

    def sourcing(self, contrasts: Sequence[Contrast], avoid: str | None = None) -> Judgement | None:
        """`avoid`: a topic another judgement is about already, so that five judgements cover more."""
        media_only = [
            (contrast, position)
            for contrast in contrasts
            for position in contrast.positions
            if "media_only" in position.flags and len(position.statement_ids) >= 2 and contrast.topic != avoid
        ]
        if media_only:
            contrast, position = max(media_only, key=lambda cp: len(cp[1].statement_ids))
            said = [self.by_id[i] for i in position.statement_ids if i in self.by_id]
            return self.judgement(
                "sourcing",
                said[:3],
                side=position.side,
                topic=self.labels.get(contrast.topic, contrast.topic),
                statements=len(said),
                breakdown=_breakdown(said),
                share=100,
                official=[],
            )
        best: tuple[float, str, list[Statement]] | None = None
        for side in self.sides:
            said = [s for s in self.briefing.statements if s.side == side]
            media = [s for s in said if s.descriptor in MEDIA]
            if (
                len(said) >= 5
                and len(media) / len(said) >= MEDIA_SHARE
                and (best is None or len(media) / len(said) > best[0])
            ):
                best = (len(media) / len(said), side, said)
        if best is None:
            return None
        share, side, said = best
        media = [s for s in said if s.descriptor in MEDIA]
        official = Counter(_voice(s) for s in said if s.descriptor in OFFICIAL).most_common(2)
        cited = [next(s for s in said if s.descriptor in OFFICIAL and _voice(s) == v) for v, _ in official]
        return self.judgement(
            "sourcing",
            [*cited, *media[:2]],
            side=side,
            topic="",
            statements=len(said),
            media=len(media),
            breakdown=_breakdown(media),
            share=round(100 * share),
            official=[{"voice": v, "statements": n} for v, n in official],
        )

    def balance(self, force: bool = False) -> Judgement | None:
        counts = {side: [s for s in self.briefing.statements if s.side == side] for side in self.sides}
        ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
        total = len(self.briefing.statements)
        if len(ranked) < 2 or not ranked[0][1]:
            return None
        top, said = ranked[0]
        low = len(ranked[-1][1])
        if not force and (total < 6 or len(said) < IMBALANCE * max(low, 1)):
            return None
        voices = Counter(_voice(s) for s in said).most_common(2)
        cited = [next(s for s in said if _voice(s) == v) for v, _ in voices]
        return self.judgement(
            "balance",
            cited,
            top={"side": top, "statements": len(said)},
            total=total,
            share=round(100 * len(said) / total),
            others=[{"side": side, "statements": len(s)} for side, s in ranked[1:]],
            unassigned=total - sum(len(s) for s in counts.values()),
        )

    # -- helpers -------------------------------------------------------------------------------

    def lead_statement(self, story: Story) -> Statement | None:
        return self.strongest([s.id for s in self.briefing.statements if s.story_id == story.id])

    def side_of(self, story: Story) -> str | None:
        lead = self.items.get(story.item_ids[0]) if story.item_ids else None
        feed = self.config.feed(lead.feed) if lead is not None else None
        actor = self.actors.get(feed.actor or "") if feed is not None else None
        if actor is not None:
            return actor.side
        return story.sides[0] if story.sides else None

    def voice_of(self, story: Story) -> str:
        lead = self.items.get(story.item_ids[0]) if story.item_ids else None
        feed = self.config.feed(lead.feed) if lead is not None else None
        if feed is not None and feed.actor and story.descriptor == "official_statement":
            return feed.actor
        return story.source

    def all(self) -> list[Judgement]:
        if not self.briefing.statements:
            return [self.judgement("none", [], stories=len(self.briefing.stories))]
        contrasts = sorted(
            self.briefing.contrasts, key=lambda c: -sum(len(p.statement_ids) for p in c.positions)
        )
        contested = [c for c in contrasts if len(c.positions) >= 2]
        silent = self.silent_topic(contrasts, self.sides)
        points: list[Judgement | None] = [
            self.contest(contested[0]) if contested else None,
            self.measure(),
            self.silence(silent),
            self.sourcing(contrasts, avoid=silent.topic if silent is not None else None),
            self.balance(),
        ]
        found = [p for p in points if p is not None]
        # Too few: the second most contested topic, then the balance of sides even when it is even.
        for more in (*(self.contest(c) for c in contested[1:2]), self.balance(force=True)):
            if len(found) >= MIN_JUDGEMENTS:
                break
            if more is not None and all(more.text != j.text for j in found):
                found.append(more)
        return found[:MAX_JUDGEMENTS]


def _voice(statement: Statement) -> str:
    return statement.actor or statement.organization or statement.speaker


def _breakdown(statements: Sequence[Statement]) -> list[dict[str, Any]]:
    counted = Counter(LABELS.get(s.descriptor or "", "other") for s in statements)
    return [{"label": label, "count": n} for label, n in counted.most_common()]


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def data_judgements(briefing: Briefing, config: Config) -> tuple[list[Judgement], dict[str, str]]:
    """Key judgements computed from a briefing whose statements carry descriptors and flags;
    also the sha256 of the phrasing template used (for the manifest)."""
    prompts = Prompts(config)
    prompts.env.filters.update(plural=plural, names=names, possessive=possessive, the=the)
    judgements = _Judge(briefing, config, prompts).all()
    return judgements, dict(prompts.hashes)
