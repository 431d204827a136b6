# ruff: noqa: RUF001 -- quote marks and dashes are listed on purpose
"""Code, not the model, decides what of a reply reaches a briefing. Fail closed.

    statement     the item is one of the story's; the quote is in that item's stored text (after
                  normalising whitespace, quote marks, dashes and case; offsets are found here, so
                  `item.text[start:end] == quote`); the speaker is named in the item; actor and
                  side are configured and agree with each other and with the code's own attribution
                  (`attribution.Resolver`); no link; not from text addressed to AI systems
    summary       every sentence cites evidence that passes the quote check in one of the story's
                  items; its numbers occur in the evidence and most of its words do too; no link
    synthesis     every development or contrast cites statement ids that passed the checks above;
                  the sides it names are sides of those statements; numbers and words as above

Whatever fails is dropped and counted by reason (`Grounder.dropped`). The word checks are a net
for invented entities, numbers and sides, not a proof of meaning: a sentence that turns a cited
"rejected" into "accepted" with the same words is not caught, which is why every sentence keeps
its citations and quotes are shown verbatim.

Text that addresses an AI system ("ignore previous instructions ...") is found by
`instruction_spans`; it is withheld from prompts, and nothing quoted from it is kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from briefing.analysis.attribution import Resolver
from briefing.analysis.lexicon import words
from briefing.analysis.llm_schema import StatementReply, SummarySentence
from briefing.analysis.offline import statement_id
from briefing.analysis.phrases import Speaker
from briefing.analysis.terms import mineral_index, topic_index
from briefing.analysis.text import language, sentence_spans
from briefing.config import Config
from briefing.models import Item, ResolvedBy, Statement, Story

Span = tuple[int, int]

_DOUBLE = '"“”„‟«»″〝〞＂「」『』'
_SINGLE = "'‘’‚‛′`´"
_DASHES = "‐‑‒–—―−"
_FOLD = {**{c: '"' for c in _DOUBLE}, **{c: "'" for c in _SINGLE}, **{c: "-" for c in _DASHES}}
_EDGE = _DOUBLE + _SINGLE + " \t\n"

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,60}?\b(?:instructions?|prompts?|rules|"
    r"guidelines|directions|directives)\b"
    r"|\b(?:system|developer)\s+(?:prompt|message|instructions?)\b"
    r"|\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|language\s+model|chatbot|llm|gpt)\b"
    r"|\b(?:as\s+an\s+ai|ai\s+(?:assistant|model|system)s?|language\s+models?|llms?)\b[^.!?\n]{0,40}?"
    r"\b(?:must|should|shall|will|are\s+to)\b"
    r"|\bnew\s+instructions?\b"
    r"|<\|?\s*/?\s*(?:system|assistant|user|im_start|im_end|instructions?)\s*\|?>"
    r"|\[/?INST\]",
    re.IGNORECASE,
)
_LINK = re.compile(
    r"(?:https?:|ftp:|mailto:|data:|javascript:|www\.|\]\(|<a\s|href\s*=)"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|cn|gov|int|info|biz|ru|xyz|example)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")

# Words a summary may use without finding them in its evidence: function words and the verbs of
# reporting that say who said what, not what happened.
_FREE = words(
    """about above after again against also among amid another around because been before being
    below between both could does doing during each either from further have having here however
    into itself more most much must neither other over same should since some such than that
    their them then there these they this those though through under until upon very were what
    when where whereas which while whom whose will with within without would your
    said says saying stated states according argued argues called calls warned warns urged urges
    added adds noted notes described describes reported reports told statement statements
    position positions official officials spokesperson side sides week weeks month year
    today yesterday monday tuesday wednesday thursday friday saturday sunday"""
)
_GENERIC_SPEAKER = words(
    """the a an of for and on in at to ministry department office spokesperson spokesman spokeswoman
    official officials minister secretary representative government agency commission council
    bureau press release statement chinese china us u s american united states european japanese
    mexican national state foreign affairs trade"""
)
# Words a key judgement may use to assess what its statements show (weight, agreement, silence),
# as stems; entities, numbers and sides still have to come from the cited statements.
_JUDGEMENT_WORDS = frozenset(
    w[:5]
    for w in words(
        """stance stances rests relies rely official media commentary weight weighs source sources
        single silent silence pressed presses disagree disagreement diverge diverges divergence agree
        agreement contested contest measure measures announced announces signal signals suggest
        suggests likely indicates indicate shows show appears reject rejects rejected oppose opposes
        opposed support supports backed backs frame frames framing both neither only while whereas
        sharply clearly firmly remain remains position positions line lines government governments
        defend defends defended criticise criticises criticize criticizes criticized dismiss dismisses
        emphasise emphasises emphasize emphasizes insist insists warning warnings concern concerns"""
    )
    if len(w) >= 4
)
MIN_QUOTE_CHARS = 12
SUMMARY_SUPPORT = 0.6
SYNTHESIS_SUPPORT = 0.8


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _normalise(text: str, lower: bool) -> tuple[str, list[int]]:
    """`text` with quote marks, dashes and whitespace runs made uniform; `index[i]` is where
    character i of the result came from in `text`."""
    chars: list[str] = []
    index: list[int] = []
    space = False
    for i, c in enumerate(text):
        if c.isspace():
            space = bool(chars)
            continue
        if space:
            chars.append(" ")
            index.append(i - 1)
            space = False
        if c == "…":
            chars.extend("...")
            index.extend((i, i, i))
            continue
        c = _FOLD.get(c, c)
        if lower:
            c = c.lower()
            if len(c) != 1:  # "İ".lower() is two characters; keep one so offsets stay exact
                c = c[0]
        chars.append(c)
        index.append(i)
    return "".join(chars), index


def locate(quote: str, text: str) -> Span | None:
    """Where `quote` stands in `text`, ignoring spacing, quote-mark style, dashes, then case."""
    quote = quote.strip(_EDGE)
    if not quote or not text:
        return None
    for lower in (False, True):
        needle, _ = _normalise(quote, lower)
        haystack, index = _normalise(text, lower)
        at = haystack.find(needle)
        if at >= 0:
            return index[at], index[at + len(needle) - 1] + 1
    return None


def instruction_spans(text: str) -> list[Span]:
    """Sentences of `text` that address an AI system rather than report news."""
    if not _INSTRUCTION.search(text):
        return []
    spans = [(s.start, s.end) for s in sentence_spans(text)] or [(0, len(text))]
    hits = [m.span() for m in _INSTRUCTION.finditer(text)]
    found = [s for s in spans if any(s[0] <= h[0] < s[1] or h[0] <= s[0] < h[1] for h in hits)]
    # A hit outside every sentence (a heading, a stray line) still counts: withhold its line.
    for h in hits:
        if not any(s[0] <= h[0] < s[1] for s in found):
            start = text.rfind("\n", 0, h[0]) + 1
            end = text.find("\n", h[1])
            found.append((start, len(text) if end < 0 else end))
    return sorted(set(found))


def has_link(text: str) -> bool:
    return bool(_LINK.search(text))


def _overlaps(span: Span, spans: Iterable[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _stems(text: str) -> list[str]:
    return [w[:5] for w in (m.group(0).lower() for m in _WORD.finditer(fold(text))) if len(w) >= 4]


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def support(text: str, evidence: str, vocabulary: frozenset[str] = frozenset()) -> float:
    """Share of the sentence's words (other than free words) that occur in the evidence; 0 when a
    number of the sentence does not occur there."""
    if not _numbers(text) <= _numbers(evidence):
        return 0.0
    words = [w for w in _stems(text) if w not in _FREE]
    if not words:
        return 1.0
    known = set(_stems(evidence)) | vocabulary
    return sum(1 for w in words if w in known) / len(words)


def _quote_long_enough(quote: str) -> bool:
    return len(_CJK.findall(quote)) >= 6 or len(" ".join(quote.split())) >= MIN_QUOTE_CHARS


class Grounder:
    """The checks for one run: its items, the config's actors and sides, counts of what was dropped."""

    def __init__(self, config: Config, items: dict[str, Item]) -> None:
        self.config = config
        self.items = items
        self.sides = config.side_names()
        self.resolver = Resolver(config)
        self.topics = {t.id for t in config.topics.taxonomy}
        self.topic_index = topic_index(config)
        self.minerals = mineral_index(config)
        self.dropped: Counter[str] = Counter()
        self._flagged: dict[str, list[Span]] = {}
        self._folded: dict[str, str] = {}
        vocabulary = [*self.sides, *(a.name for a in config.actors), *config.topics.minerals]
        vocabulary += [t.label for t in config.topics.taxonomy]
        self.vocabulary = frozenset(s for v in vocabulary for s in _stems(v))

    def flagged(self, item: Item) -> list[Span]:
        if item.id not in self._flagged:
            self._flagged[item.id] = instruction_spans(item.text)
        return self._flagged[item.id]

    def flagged_items(self) -> int:
        """How many items checked so far hold text addressed to AI systems."""
        return sum(1 for spans in self._flagged.values() if spans)

    def drop(self, reason: str) -> None:
        self.dropped[reason] += 1

    # -- statements --------------------------------------------------------------------------

    def _named_in(self, item: Item, speaker: str, actor: str | None) -> bool:
        if item.id not in self._folded:
            self._folded[item.id] = " ".join(fold(f"{item.title}\n{item.text}").lower().split())
        text = self._folded[item.id]
        name = " ".join(fold(speaker).lower().split())
        if name and name in text:
            return True
        for word in _WORD.findall(name):
            if len(word) >= 3 and word not in _GENERIC_SPEAKER and re.search(rf"\b{re.escape(word)}\b", text):
                return True
        chosen = self.config.actor(actor)
        if chosen is not None:
            for alias in [chosen.name, chosen.organization, *chosen.aliases]:
                alias = " ".join(fold(alias).lower().split())
                if alias and re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text):
                    return True
        return False

    def statement(self, story: Story, reply: StatementReply) -> Statement | None:
        """A checked Statement from one statement of a reply, or None (and the reason counted)."""
        checked = self._statement(story, reply)
        if isinstance(checked, str):
            self.drop(checked)
            return None
        return checked

    def _statement(self, story: Story, reply: StatementReply) -> Statement | str:
        item = self.items.get(reply.item_id) if reply.item_id in story.item_ids else None
        if item is None:
            return "unknown_item"
        span = locate(reply.quote, item.text)
        if span is None:
            return "quote_not_found"
        start, end = span
        quote = item.text[start:end]
        if not _quote_long_enough(quote):
            return "quote_too_short"
        if _overlaps(span, self.flagged(item)):
            return "injection"
        written = [
            quote,
            reply.speaker,
            reply.speaker_title,
            reply.organization or "",
            reply.translation or "",
        ]
        if any(has_link(t) for t in written):
            return "link"
        actor = self.config.actor(reply.actor) if reply.actor else None
        if reply.actor and actor is None:
            return "unknown_actor"
        if reply.side and reply.side not in self.sides:
            return "unknown_side"
        side = reply.side or (actor.side if actor else None)
        if actor is not None and actor.side != side:
            return "side_mismatch"
        title = ", ".join(t for t in (reply.speaker_title, reply.organization or "") if t)
        resolution = self.resolver.resolve(Speaker(name=reply.speaker, title=title), item.feed)
        resolved_by: ResolvedBy = "model" if side else "unknown"
        actor_name = actor.name if actor else None
        organization = reply.organization or (actor.organization if actor else None) or None
        if resolution.side is not None:
            if side is not None and side != resolution.side:
                return "side_mismatch"
            side, resolved_by = resolution.side, resolution.resolved_by
            if resolution.actor is not None and (resolution.resolved_by == "alias" or actor_name is None):
                actor_name = resolution.actor
            organization = resolution.organization or organization
        if not self._named_in(item, reply.speaker, actor_name):
            return "speaker_not_in_text"
        kind = reply.kind
        before = item.text[max(0, start - 2) : start]
        if kind == "direct" and not any(c in _DOUBLE + _SINGLE for c in before + quote[:1]):
            kind = "indirect"  # "direct" means inside quotation marks in the source
        claim = self._sentence(item, start, end)
        topic = reply.topic if reply.topic in self.topics else self.topic_index.best(claim)
        configured = set(self.config.topics.minerals)
        minerals = [m for m in reply.minerals if m in configured] or self.minerals.present(claim)
        return Statement(
            id=statement_id(item.id, start),
            story_id=story.id,
            item_id=item.id,
            speaker=" ".join(reply.speaker.split()),
            speaker_title=" ".join(reply.speaker_title.split()),
            organization=organization,
            actor=actor_name,
            side=side,
            resolved_by=resolved_by,
            kind=kind,
            quote=quote,
            claim=claim,
            start=start,
            end=end,
            topic=topic,
            minerals=minerals,
            url=item.url,  # from the store, never from the reply
            verified=item.text[start:end] == quote,
            translation=(" ".join(reply.translation.split()) or None) if reply.translation else None,
        )

    @staticmethod
    def _sentence(item: Item, start: int, end: int) -> str:
        for span in sentence_spans(item.text, item.title):
            if span.start <= start < span.end:
                return " ".join(item.text[span.start : max(span.end, end)].split())
        return " ".join(item.text[start:end].split())

    # -- summaries ---------------------------------------------------------------------------

    def summary(self, story: Story, sentences: Iterable[SummarySentence]) -> str:
        """The sentences whose evidence holds, joined; dropped ones counted as `summary:<reason>`."""
        kept: list[str] = []
        for sentence in sentences:
            reason = self._summary_problem(story, sentence)
            if reason:
                self.drop(f"summary:{reason}")
            else:
                kept.append(" ".join(sentence.text.split()))
        return " ".join(kept)

    def _summary_problem(self, story: Story, sentence: SummarySentence) -> str | None:
        if not sentence.text.strip():
            return "empty"
        if has_link(sentence.text):
            return "link"
        if not sentence.evidence:
            return "no_evidence"
        evidence: list[str] = []
        english = True
        for ev in sentence.evidence:
            item = self.items.get(ev.item_id) if ev.item_id in story.item_ids else None
            if item is None:
                return "unknown_item"
            span = locate(ev.quote, item.text)
            if span is None:
                return "quote_not_found"
            if _overlaps(span, self.flagged(item)):
                return "injection"
            evidence.append(item.text[span[0] : span[1]])
            english = english and language(evidence[-1], item.language) == "en"
        joined = " ".join(evidence)
        if english:
            enough = support(sentence.text, joined, self.vocabulary) >= SUMMARY_SUPPORT
        else:  # across languages only numbers can be compared
            enough = _numbers(sentence.text) <= _numbers(joined)
        return None if enough else "unsupported"

    # -- synthesis ---------------------------------------------------------------------------

    def judgement_problem(self, text: str, cited: list[Statement], allowed: set[str]) -> str | None:
        """Why a key judgement is not kept: the synthesis checks, allowing the words of assessment."""
        return self.synthesis_problem(text, cited, allowed, _JUDGEMENT_WORDS)

    def synthesis_problem(
        self, text: str, cited: list[Statement], allowed: set[str], extra: frozenset[str] = frozenset()
    ) -> str | None:
        """Why a development or contrast summary citing `cited` (out of `allowed` ids) is not kept."""
        if not text.strip():
            return "empty"
        if not cited:
            return "no_evidence"
        if any(s.id not in allowed for s in cited):
            return "unknown_id"
        if has_link(text):
            return "link"
        folded = fold(text).lower()
        cited_sides = {s.side for s in cited}
        for side in self.sides:
            if (
                re.search(rf"(?<!\w){re.escape(fold(side).lower())}(?!\w)", folded)
                and side not in cited_sides
            ):
                return "side_not_cited"
        evidence = " ".join(
            f"{s.quote} {s.claim} {s.translation or ''} {s.speaker} {s.speaker_title} {s.organization or ''} "
            f"{s.actor or ''}"
            for s in cited
        )
        if support(text, evidence, self.vocabulary | extra) < SYNTHESIS_SUPPORT:
            return "unsupported"
        return None
