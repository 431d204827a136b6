# ruff: noqa: RUF001, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Reported speech in English news text: who said what, with exact character offsets.

Pure text work, no configuration: `find_statements(text)` returns each attributed statement with
its speaker as written (name, description, kind) and the span of the quoted or reported words.
Deciding which actor or side a speaker belongs to is `attribution.py`'s job; finding the speaker
phrase beside a reporting verb is `subjects.py`'s, and what a speaker phrase may be, `phrases.py`'s.

Forms handled, per sentence:
    Li said (that) ... / Li told reporters on Monday that ... / Li warned of ... / analysts say ...
    ..., Li said. / ..., said Li, a researcher at ... / "...," he added.
    According to Li, ... / ..., according to a statement from the ministry.
    NAME, DESC, said ... / DESC, NAME, said ... / Foreign Ministry spokesperson Lin Jian said ...
    The ministry issued a statement, saying that ...
    Li said: "..." / "...," Li said, "..." / Li said the move was "a typical act of coercion" (the
    reported clause, with the quoted words in it, is the statement).
    Greer and Ebrard said ... (one statement for each) / Beijing and Brussels said ...
    The EU welcomed the decision ... / Zhao rejected the charge. / Liu described the probe as ...
    Chinese state media reported (that) ... / ..., state media reported on Tuesday, the first ...
    The measures, Li said, are legal ... (the clause around the attribution is quoted)
    In the view of Wu Peng, ... / An official, speaking on condition of anonymity, said ...
and across sentences: "He noted that ..." and "the spokesperson added" take the speaker they refer
back to, "Lin said" takes the full name and title given earlier, "the ministry" remembers which
ministry was named (`references.py`), an unattributed quotation right after a quoted statement (or
after "Li said:" / "... issued the following statement:") continues it, a quotation left open runs
to the end of its paragraph, and Q&A transcripts give the answerer's words (`transcripts.py`).
Spanish and Chinese text have their own, smaller grammars (`speech_es.py`, `speech_zh.py`).

Not attributed: reporting verbs inside quotations, "so-called", "as said", "is said to be",
"the said measures", action verbs without reported words ("announced export controls",
"welcomed a delegation"), "China has noted the reports", "according to data from ...", and
headlines. Words attributed twice in one sentence ("A warned that ..., B said") go to the first.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from briefing.analysis import lexicon as lx
from briefing.analysis.phrases import (
    INSTITUTION,
    OFFICIAL,
    PERSON,
    PRONOUN,
    Found,
    Speaker,
    noun_phrase,
    speaker_from,
)
from briefing.analysis.references import References
from briefing.analysis.subjects import ADVERBIAL, CAPS, SpeakerPhrases, Subject
from briefing.analysis.text import UPPER, Paragraph, Quotation, Span, paragraphs
from briefing.analysis.transcripts import signed_statement, transcript_turns

MAX_SENTENCE = 3000  # characters
Direction = Literal["after", "before", "around"]


def _alternation(phrases: Sequence[str]) -> str:
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


_AUX = (
    r"(?:has|have|had|also|further|again|previously|repeatedly|later|earlier|then|recently|publicly|long|"
    r"already|once|separately|similarly|likewise|reportedly|officially|explicitly|firmly|strongly|clearly|"
    r"openly|privately|directly|specifically|flatly|sharply|bluntly|quickly|swiftly|emphatically|"
    r"categorically|even|still|often|frequently|consistently|in\s+turn|today|yesterday|tonight|"
    r"on\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))"
)
_INTRODUCES = (
    r"(?:issued|released|made|gave|delivered|offered)\s+the\s+following\s+(?:statement|remarks|comments)"
)
_QUOTED_AS = (
    r"(?:is|was|were|are)\s+(?:quoted|cited)(?:\s+by\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+){0,3})?\s+as\s+saying"
    # "As one scholar put it, ...", "Lu put it the same way: ..."
    r"|went\s+on\s+to\s+say|put\s+it(?:\s+(?:this|that|the\s+same|another)\s+way"
    r"|\s+(?:more\s+)?(?:bluntly|simply|plainly|succinctly|starkly))?(?=\s*[,:])"
)
_VERBS = _alternation([*lx.STRONG_VERBS, *lx.STRONG_PHRASES, *lx.WEAK_VERBS])
_VERB_RE = re.compile(
    rf"(?<![\w-])(?P<aux>(?:{_AUX}\s+){{0,3}})(?P<verb>{_INTRODUCES}|{_QUOTED_AS}|{_VERBS})(?![\w-])"
    r"|(?<![\w-])(?P<according>[Aa]ccording\s+to|[Ii]n\s+the\s+(?:view|words|opinion|eyes)\s+of)(?![\w-])"
)
_PARTICIPLE_RE = re.compile(rf",[\"”’']?\s+(?P<verb>{_alternation(lx.PARTICIPLES)})(?![\w-])")
# "..., saying that ...", "..., calling for ...": the same point, not a second one ("adding that ...").
_SAME_POINT = frozenset(
    {"saying", "claiming", "urging", "calling for", "calling on", "asserting", "declaring"}
)
# "..., according to two officials, who said ...", "Li claimed that ... and told reporters that ...":
# the same speaker again.
_WHO = re.compile(r"(?:,\s*who|,?\s+and)\s+(?:(?:also|later|then|have|has|had)\s+)?$")
_OPENING_QUOTES = "\"“‘'«„"
# Verbs that report words again after "who" or "and" ("who said", "and told"); not "who asked".
_SAID_AGAIN = lx.STRONG_VERBS | lx.words("added adds confirmed confirms stated")
_ON = re.compile(r"\s+on\b")
_WHICH_BEFORE = re.compile(r"\bwhich\s+$")
_COMMA = re.compile(r",")
_BUT_BEFORE = re.compile(r"\b(?:declined|refused|did\s+not|would\s+not|wouldn['’]t)\b[^;]*?,?\s+but\s+$")
_WORD_NEXT = re.compile(r"\s*[A-Za-z]")


def _masked(pos: int, masks: list[tuple[int, int]]) -> bool:
    """Whether a position falls inside one of the sentence's quotations."""
    return any(o <= pos < c for o, c in masks)


_WORD_END = re.compile(r"([\w'’.-]+)\s*$")
# Whom something was told: "told reporters", "told a press conference", "told the Global Times".
_TOLD_OBJECT = re.compile(
    r"\s+(?:reporters|journalists|the\s+press|the\s+media|media|lawmakers|legislators|parliament|"
    r"delegates|participants|investors|analysts|clients|members|officials|colleagues|lenders|senators|"
    r"shareholders|customers|staff|an?\s+(?:[\w-]+\s+){0,3}?(?:audience|forum|conference|"
    r"briefing|meeting|hearing|seminar|symposium|summit|panel|committee|gathering|tank|newspaper|broadcaster|"
    r"podcast|group)|the\s+(?:[\w-]+\s+){0,3}?(?:audience|forum|tank|broadcaster|podcast|"
    r"conference|briefing|meeting|hearing|committee|summit|panel|newspaper|paper|outlet|agency|council|"
    r"group|delegates|delegation|session|gathering|audience|participants)|"
    rf"{CAPS}|him|her|them|us)(?![\w-])"
)
_TOLD_THAT = re.compile(r"[^,.;:!?\"“”‘’]{0,120}?\bthat\b")
_THAT = re.compile(r"\s*,?\s*(?:(?P<that>that)(?![\w-])|(?P<colon>:))")
_OPEN_QUOTE = re.compile(r"\s*[,:]?\s*[\"“‘'«„]")
_WORD = re.compile(r"[\w'’-]+")
_LEADING_THAT = re.compile(r"that\s+")
_SUBORDINATE = re.compile(
    r"\s*,\s*(?:as|while|when|whereas|after|before|because|since|although|though|adding|saying|noting|citing|"
    r"amid|despite|following|but|even|in\s+a\s+sign|according|(?:[\w-]+\s+){0,3}(?:after|before|ahead\s+of))\b"
)
_DATELINE = re.compile(
    rf"(?:[{UPPER}][{UPPER}.'’/ -]{{2,}}[{UPPER}.])(?:,\s*[{UPPER}][a-z]{{2,}}\.?\s+\d{{1,2}})?\s*"
    r"(?:\([^)]{1,40}\))?\s*(?:--|[-–—])\s*"
)
_SAID_TO = re.compile(r"\s+to\s+(?:be|have|\w+ed)\b")
_TRAILING_JOINER = re.compile(r"[\s,;]+(?:and|but|while|whereas|as|although|though|even\s+as)$")
_AFTER_QUOTE = re.compile(r"[,?!—–-]\s*[\"”’'»]$")
_TRIM_END = " \t\n,;:.—–-"
_PERFECT = re.compile(r"\b(?:has|have|had)\b")
_COMMA_NEXT = re.compile(r"\s*,")
_AS_JUDGED = re.compile(r"\s*(?:[\w'’.-]+\s+){1,8}?as\s")  # "described the probe as ..."
# What opens the second half of an interrupted clause: "The measures, Li said, are legal".
_PREDICATE = re.compile(
    r"\s*,\s*(?:(?:also|still|now|already|not|never|only|indeed|clearly)\s+)?"
    r"(?:is|are|was|were|will|would|can|could|should|must|may|might|has|have|had|do|does|did|cannot|"
    r"remain|remains|remained|won['’]t|isn['’]t|aren['’]t|wasn['’]t|weren['’]t|doesn['’]t|don['’]t|didn['’]t)"
    r"(?![\w-])",
    re.IGNORECASE,
)
# Where a clause ends inside a sentence: before a joined clause or a subordinate one.
_CLAUSE_STOP = re.compile(
    r";|,\s*(?:and|but|while|whereas|as|although|though|because|since|even\s+as|after|before|when)\b"
)
_CLAUSE_PIECE = re.compile(r"[^,;:.!?\"“”]*")


# --- sentences ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Attribution:
    speaker: Speaker
    lo: int  # first character of speaker or verb
    hi: int  # last character of speaker or verb
    direction: Direction
    content: tuple[int, int] | None
    verb_end: int
    partners: tuple[tuple[Speaker, int], ...] = ()  # more speakers of the same words
    source: bool = False  # names where words attributed before come from: no statement of its own


def _substantial(text: str, q: Quotation) -> bool:
    """A quotation of someone's words, not a scare-quoted term."""
    inner = text[q.start : q.end]
    words = len(inner.split())
    if words == 0:
        return False
    before = _WORD_END.search(text, max(0, q.open - 40), q.open)
    if before and before.group(1).lower() in lx.NAMING_WORDS:
        return False
    long = [w for w in inner.split() if len(w) > 3]
    if len(long) >= 3 and all(w[:1].isupper() or not w[:1].isalpha() for w in long):
        return False  # the title of a document: "Announcement on Suspending the Implementation of ..."
    return words >= 4 or (words >= 2 and inner[-1:] in ",.!?")


class _Extractor(SpeakerPhrases):
    def __init__(self, text: str, title: str) -> None:
        super().__init__(text)
        self.title = title
        self.paragraphs: list[Paragraph] = paragraphs(text, title)
        self.found: list[Found] = []
        self.refs = References(text, self.found)

    def run(self) -> list[Found]:
        continuing: Speaker | None = None  # whose quotation the next sentence may continue
        turns = transcript_turns(self.text, self.title, self.paragraphs, self.refs)
        signed = None if turns else signed_statement(self.text, self.paragraphs)
        answering: Speaker | None = None  # who is speaking in a Q&A transcript
        answer: Found | None = None
        for n, para in enumerate(self.paragraphs):
            if para.heading:
                continuing = None
                continue
            if turns:
                turn = turns.get(n)
                if turn is not None:
                    answering, start = turn
                else:
                    start = para.start
                if answering is not None and start < para.end:
                    # A transcript answer is the speaker's own words, paragraph by paragraph ...
                    whole = Span(start, para.end)
                    answer = Found(answering, "direct", start, para.end, whole, start)
            elif signed is not None and n >= signed[1]:
                # ... and so is each paragraph of a signed press statement, the signer's
                answer = Found(
                    signed[0], "direct", para.start, para.end, Span(para.start, para.end), para.start
                )
            before = len(self.found)
            opens = [q.open for q in para.quotes]
            for sentence in para.sentences:
                lo, hi = bisect.bisect_left(opens, sentence.start), bisect.bisect_left(opens, sentence.end)
                if any(q.close >= sentence.end for q in para.quotes[:lo]):
                    continue  # inside a quotation opened earlier, whose statement runs on to here
                made: list[Found] = []
                pending = None
                # Longer "sentences" are unpunctuated blobs (lists, tables, scraped menus), not prose.
                if sentence.end - sentence.start <= MAX_SENTENCE:
                    made, pending = self._sentence(sentence, para.quotes[lo:hi], continuing)
                self.found.extend(made)
                # Only a quotation (or "Li said:") is continued by an unattributed quotation next.
                continuing = made[-1].speaker if made and made[-1].kind == "direct" else pending
            # ... unless the answer reports them ("Answer: Zhou Hanxin, spokesperson of the Ministry of
            # Commerce, said that ..."): then its sentences say who said what.
            if answer is not None and not any(
                _answerer(f.speaker, answer.speaker) for f in self.found[before:]
            ):
                self.found.insert(before, answer)
            answer = None
        return self.found

    # -- one sentence --

    def _sentence(
        self, sent: Span, quotes: list[Quotation], continuing: Speaker | None
    ) -> tuple[list[Found], Speaker | None]:
        """The statements of one sentence, and who may speak on in the next ("Li said:")."""
        text = self.text
        masks = [(q.open, q.close) for q in quotes]
        atts: list[_Attribution] = []
        verb_seen = False
        for m in _VERB_RE.finditer(text, sent.start, sent.end):
            pos = m.start()
            if _masked(pos, masks):
                continue
            verb_seen = True
            att = self._according(sent, m, masks) if m.group("according") else self._reporting(sent, m, masks)
            again = m.group("verb") and " ".join(m.group("verb").split()) in _SAID_AGAIN
            if att is None and atts and again and _WHO.search(text, sent.start, pos):
                # "..., according to two officials, who said ...", "... and told a think tank that ...".
                cstart, _ = self._complement(m.group("verb"), m.end(), sent.end, masks)
                last = atts[-1]
                att = _Attribution(
                    last.speaker, pos, m.end(), "after", (cstart, sent.end), m.end(), last.partners
                )
            if att and not any(a.lo <= att.lo <= a.hi for a in atts):
                atts.append(att)
        if not atts:
            for m in _PARTICIPLE_RE.finditer(text, sent.start, sent.end):
                if not _masked(m.start(), masks):
                    verb_seen = True
                    att = self._participle(sent, m, masks)
                    if att:
                        atts.append(att)
                        break
        atts.sort(key=lambda a: a.lo)
        if atts:
            # "The department claimed that ..., according to a statement on its website": the source
            # of the words already attributed, not a second speaker of the last of them.
            for k, a in enumerate(atts):
                if k and a.direction == "before" and text.startswith("ccording", a.lo + 1):
                    a.source = True
            atts = self._continued(sent, atts, masks)
        clipped = [self._clip(q, sent) for q in quotes]
        real = [q for q in clipped if q is not None and _substantial(text, q)]
        if not atts:
            if verb_seen or continuing is None or not real:
                return [], None
            # An unattributed quotation right after a quoted statement (or "Li said:") continues it.
            q = real[0]
            return [Found(continuing, "direct", q.start, self._quote_end(q), _around(sent, q), q.open)], None
        owned: dict[int, list[Quotation]] = {}
        for q in real:
            if any(a.lo <= q.open <= a.hi for a in atts):
                continue
            owner = self._owner(q, atts)
            owned.setdefault(owner, []).append(q)
        out: list[Found] = []
        pending: Speaker | None = None
        for i, att in enumerate(atts):
            if att.source:
                continue
            resolved = self.refs.resolve(att.speaker, att.lo, out)
            if resolved is None:
                continue
            if i not in owned and att.content is None and text[sent.start : sent.end].endswith(":"):
                pending = resolved  # "Li said:" or "... issued the following statement:" and a quotation next
            made: Found | None = None
            inside = att.content is not None and att.direction == "after" and i in owned
            if (
                inside
                and all(
                    len(_WORD.findall(text, att.content[0], q.open)) >= 2  # type: ignore[index]
                    and not text[: q.open].rstrip().endswith(":")  # 'welcomed it: "..."' is a quotation
                    for q in owned[i]
                )
            ):
                # 'Gao said stockpiling was "a matter for each country" and that China was "a
                # responsible supplier"': the reported clause, which holds the quoted words
                del owned[i]
            if i in owned:
                # '"A," said Li, "B."': the opening words; otherwise the longest quotation.
                opening = [q for q in owned[i] if q.close <= att.lo]
                best = (
                    opening[0]
                    if opening and any(q.open >= att.hi for q in owned[i])
                    else max(owned[i], key=lambda q: (q.end - q.start, -q.start))
                )
                made = Found(
                    resolved, "direct", best.start, self._quote_end(best), _around(sent, best), att.lo
                )
            elif att.content:
                s, e = att.content
                # Two speakers in one sentence: each one's words stop where the other is named.
                if att.direction == "after" and i + 1 < len(atts):
                    e = min(e, atts[i + 1].lo)
                elif att.direction == "before" and i > 0:
                    s = max(s, atts[i - 1].hi)
                s, e = self._trim(s, e)
                if len(text[s:e].split()) >= 3:
                    made = Found(resolved, "indirect", s, e, sent, att.lo)
            if made is None or any((f.start, f.end) == (made.start, made.end) for f in out):
                continue  # the same words under a second attribution ("A warned that ..., B said")
            if att.direction == "before" and any(f.start <= made.start and made.end <= f.end for f in out):
                continue  # 'Fang told members the measures were "...", the diplomats said': a source
            # "Greer and Ebrard said ...": the same words, once for each speaker named.
            for partner, at in att.partners:
                other = self.refs.resolve(partner, at, out)
                if other is not None and other != resolved:
                    out.append(replace(made, speaker=other, anchor=at))
            out.append(made)
        return out, pending

    @staticmethod
    def _clip(q: Quotation, sent: Span) -> Quotation | None:
        """The quotation within the sentence; one left open runs on to the end of its paragraph."""
        s, e = max(q.start, sent.start), q.end if not q.closed else min(q.end, sent.end)
        if e <= s:
            return None
        return replace(q, start=s, end=e) if (s, e) != (q.start, q.end) else q

    @staticmethod
    def _owner(q: Quotation, atts: list[_Attribution]) -> int:
        after = [i for i, a in enumerate(atts) if a.lo >= q.close]
        before = [i for i, a in enumerate(atts) if a.hi <= q.open]
        if after and atts[after[0]].direction in ("before", "around"):
            return after[0]
        if before and atts[before[-1]].direction in ("after", "around"):
            return before[-1]
        return after[0] if after else before[-1] if before else 0

    def _quote_end(self, q: Quotation) -> int:
        """A quotation without the comma that hands over to the attribution: "It will," he said."""
        e = q.end
        while e > q.start + 1 and self.text[e - 1] in ", ":
            e -= 1
        return e

    def _trim(self, s: int, e: int) -> tuple[int, int]:
        text = self.text
        while s < e and (text[s].isspace() or text[s] in ",;:—–-"):
            s += 1
        dateline = _DATELINE.match(text, s, e)
        if dateline:
            s = dateline.end()  # "BEIJING, Feb. 4 (Xinhua) -- "
        m = _LEADING_THAT.match(text, s, e)
        if m:
            s = m.end()
        while e > s and text[e - 1] in _TRIM_END:
            e -= 1
        tail = _TRAILING_JOINER.search(text, s, e)
        if tail:
            e = tail.start()
        # Keep quotation marks balanced: drop a dangling closing mark left by trimming.
        if e > s and text[e - 1] in "”»’" and not any(ch in text[s:e] for ch in "“«‘"):
            e -= 1
            while e > s and text[e - 1] in _TRIM_END:
                e -= 1
        return s, e

    # -- parts of a clause --

    # -- reporting verbs --

    def _reporting(self, sent: Span, m: re.Match[str], masks: list[tuple[int, int]]) -> _Attribution | None:
        text = self.text
        verb = " ".join(m.group("verb").split())
        lo = m.start()
        before = _WORD_END.search(text, max(sent.start, lo - 40), lo)
        if before and before.group(1).lower() in lx.NOT_BEFORE_VERB and not m.group("aux"):
            return None
        if before and before.group(1).lower() in lx.PASSIVE:
            return None
        if verb in lx.BASE_FORMS and (not before or before.group(1).lower() in lx.MODALS or m.group("aux")):
            return None
        if verb in ("insist", "insists", "insisted") and _ON.match(text, m.end()):
            return None  # "if the US side insists on going its own way": a deed, not words
        if verb in ("said", "says") and _SAID_TO.match(text, m.end()):
            return None  # "officials said to be involved", "a deal said to be worth"
        left = text[sent.start : lo].rstrip()
        if (
            verb in lx.INVERTIBLE
            and not m.group("aux")
            and (left.endswith(",") or self._after_quote(lo, masks))
        ):
            found = self._phrase_after(m.end(), sent.end, masks)
            # '..., said the EU "has no intention ..."': a quotation right after is the words said
            # about the EU, not an inverted "said Li".
            if found is not None and text[found[1] : sent.end].lstrip()[:1] not in _OPENING_QUOTES:
                speaker, stop = found
                content = self._content_before(sent.start, lo, masks)
                return _Attribution(speaker, lo, stop, "before", content, m.end())
        subject = self._subject_before(sent.start, lo, masks)
        if subject is None and _BUT_BEFORE.search(text, sent.start, lo):
            # "A spokesperson ... declined to comment on the talks but said Tokyo shared ..."
            opening = self._opening_speaker(sent, lo, masks)
            if opening is not None:
                cstart, _ = self._complement(verb, m.end(), sent.end, masks)
                return _Attribution(opening[0], opening[1], m.end(), "after", (cstart, sent.end), m.end())
        if subject is None:
            return None
        if verb.endswith(("statement", "remarks", "comments")):
            # "... issued the following statement:": the words follow in the next paragraph.
            return _Attribution(
                subject.speaker, subject.start, m.end(), "before", None, m.end(), subject.partners
            )
        cstart, marker = self._complement(verb, m.end(), sent.end, masks)
        rest = text[cstart : sent.end]
        has_rest = len(_WORD.findall(rest)) >= 2 or marker == "quote"
        promise = verb in lx.TO_VERBS and rest.lstrip().startswith("to ")
        if verb in ("noted", "notes") and _PERFECT.search(m.group("aux")) and not marker:
            return None  # "China has noted the relevant reports": took note of, not said
        # The words came first: "..., the ministry said on Tuesday, as Tokyo seeks to ..." and the comment
        # clause "... repaid through sales, as US officials have said, or ...".
        # "..., as US officials have said, or ..." (the words came first), but not "..., as traders said
        # producers were holding back cargoes" (the words follow)
        comment = subject.comment and not (marker or _WORD_NEXT.match(text, cstart))
        if subject.content_to is not None and (_SUBORDINATE.match(text, cstart) or comment):
            has_rest = False
        elif subject.content_to is not None and not marker and _COMMA_NEXT.match(text, cstart):
            if self._interrupts(subject, cstart):
                # "The measures, Li said, are legal": the attribution sits inside the clause it reports.
                clause = self._interrupted_clause(sent, subject, cstart, masks)
                return _Attribution(
                    subject.speaker, subject.start, m.end(), "around", clause, m.end(), subject.partners
                )
            has_rest = False  # "..., state media reported on Tuesday, the first such approvals ..."
        stance = (verb in lx.STANCE_VERBS and self._stance_object(cstart, sent.end)) or (
            verb in lx.DESCRIBING_VERBS and _AS_JUDGED.match(text, cstart, sent.end) is not None
        )
        if has_rest and verb in lx.WEAK_VERBS and not marker and not (promise or stance):
            return None
        if has_rest:
            if not marker and verb not in lx.CLAUSE_VERBS and not verb.endswith(("saying", "say")):
                cstart = m.start("verb")
            cend = sent.end
            if _WHICH_BEFORE.search(text, sent.start, subject.start):
                # "The plan, which Li said was flawed, failed": the words end with the relative clause
                comma = next(
                    (c for c in _COMMA.finditer(text, cstart, sent.end) if not _masked(c.start(), masks)),
                    None,
                )
                cend = comma.start() if comma else sent.end
            return _Attribution(
                subject.speaker,
                subject.start,
                m.end(),
                "after",
                (cstart, cend),
                m.end(),
                subject.partners,
            )
        if subject.content_to is not None:
            return _Attribution(
                subject.speaker,
                subject.start,
                m.end(),
                "before",
                (subject.content_from, subject.content_to),
                m.end(),
                subject.partners,
            )
        return _Attribution(
            subject.speaker, subject.start, m.end(), "before", None, m.end(), subject.partners
        )

    def _interrupts(self, subject: Subject, cstart: int) -> bool:
        """Whether "..., NAME said, ..." interrupts one clause rather than following a finished one."""
        if _PREDICATE.match(self.text, cstart):
            return True  # "The measures, Li said, are legal"
        before = self.text[subject.content_from : subject.content_to or subject.start]
        return len(_WORD.findall(before)) <= 3  # "The approvals, he said, change nothing"

    def _interrupted_clause(
        self, sent: Span, subject: Subject, cstart: int, masks: list[tuple[int, int]]
    ) -> tuple[int, int]:
        """The clause around a parenthetical attribution, without the clauses joined to it."""
        start = sent.start
        for part in self._parts(sent.start, subject.start, masks):
            toks = self._toks(part)
            if toks and toks[0].bare in lx.COORDINATORS and part.start > sent.start:
                start = toks[1].start if len(toks) > 1 else part.end
        end = sent.end
        stop = _CLAUSE_STOP.search(self.text, cstart + 1, sent.end)
        if stop is not None:
            end = stop.start()
        return start, end

    def _stance_object(self, start: int, end: int) -> bool:
        """ "welcomed the U.S. proposal", "rejected the charge": a stand taken on something said or done."""
        clause = _CLAUSE_PIECE.match(self.text, start, end)
        words = _WORD.findall(clause.group(0) if clause else "")[:6]
        return any(w.lower() in lx.STANCE_OBJECTS for w in words)

    def _after_quote(self, pos: int, masks: list[tuple[int, int]]) -> bool:
        left = self.text[:pos].rstrip()
        return any(c == len(left) for _, c in masks) and bool(_AFTER_QUOTE.search(left))

    def _content_before(self, start: int, end: int, masks: list[tuple[int, int]]) -> tuple[int, int] | None:
        parts = self._parts(start, end, masks)
        if not parts or all(self._leadin(p) and not p.quote for p in parts):
            return None
        return parts[0].start, parts[-1].end

    def _complement(self, verb: str, pos: int, end: int, masks: list[tuple[int, int]]) -> tuple[int, str]:
        """Where the reported words start after the verb, and what introduced them."""
        text = self.text
        i = pos
        if verb in ("told", "tells"):
            m = _TOLD_OBJECT.match(text, i, end)
            if m:
                i = m.end()
            # "told a meeting of the WTO's goods council on Friday that ...": the object runs to "that".
            far = _TOLD_THAT.match(text, i, end)
            if far:
                i = far.end()
        for _ in range(4):
            m = ADVERBIAL.match(text, i, end)
            if not m:
                break
            i = m.end()
        m = _THAT.match(text, i, end)
        if m:
            i = m.end()
            marker = "that" if m.group("that") else ":"
            q = _OPEN_QUOTE.match(text, i, end)
            if q and any(o == q.end() - 1 for o, _ in masks):
                return i, "quote"
            return i, marker
        q = _OPEN_QUOTE.match(text, i, end)
        if q and any(o == q.end() - 1 for o, _ in masks):
            return i, "quote"
        # "said in a statement released on its website on Tuesday that ..."
        words = list(_WORD.finditer(text, i, min(end, i + 160)))
        for k, w in enumerate(words[:14]):
            if w.group(0) == "that" and k > 0:
                between = words[:k]
                if all(b.group(0).lower() in lx.BRIDGE_WORDS or b.group(0)[0].isupper() for b in between):
                    return w.end(), "that"
                break
        return i, ""

    def _according(self, sent: Span, m: re.Match[str], masks: list[tuple[int, int]]) -> _Attribution | None:
        text = self.text
        found = self._phrase_after(m.end(), sent.end, masks)
        if found is None:
            return None
        speaker, stop = found
        if speaker.kind == PRONOUN or speaker.head in lx.DATA_HEADS:
            return None
        if speaker.kind == INSTITUTION and speaker.head == "report":
            return None
        lo = m.start()
        if self._content_before(sent.start, lo, masks) is None:
            # "According to Li, ..." (perhaps after a scene-setter); what follows is the words, not a
            # description: "According to the ministry, the EU sources its magnets from China."
            if len(_WORD.findall(text, stop, sent.end)) < 2:
                found = self._phrase_after(m.end(), sent.end, masks, described=False)
                if found is None:
                    return None
                speaker, stop = found
            return _Attribution(speaker, lo, stop, "after", (stop, sent.end), stop)
        return _Attribution(speaker, lo, stop, "before", (sent.start, lo), stop)

    def _continued(
        self, sent: Span, atts: list[_Attribution], masks: list[tuple[int, int]]
    ) -> list[_Attribution]:
        """ "..., Mizuno said, adding that ...": the speaker's second point is a statement of its own."""
        out = list(atts)
        for m in _PARTICIPLE_RE.finditer(self.text, atts[-1].hi, sent.end):
            same_point = m.group("verb") in _SAME_POINT and out[-1].direction != "before"
            # '..., Tian said the suspension showed China's "sincerity," adding that ...': the comma may
            # sit inside the closing quotation mark
            if _masked(m.start("verb"), masks) or same_point:
                continue  # ", saying that ..." after "X urged Y to ..." is X's same point
            cstart, _ = self._complement(m.group("verb"), m.end(), sent.end, masks)
            last = out[-1]
            out.append(
                _Attribution(
                    last.speaker, m.start(), m.end(), "after", (cstart, sent.end), m.end(), last.partners
                )
            )
            break
        return out

    def _participle(self, sent: Span, m: re.Match[str], masks: list[tuple[int, int]]) -> _Attribution | None:
        """ "The ministry issued a statement on Monday, saying that ...": the speaker opens the sentence."""
        opening = self._opening_speaker(sent, m.start(), masks)
        if opening is None:
            return None
        speaker, lo, hi = opening
        cstart, _ = self._complement(m.group("verb"), m.end(), sent.end, masks)
        return _Attribution(speaker, lo, hi, "after", (cstart, sent.end), m.end())

    def _opening_speaker(
        self, sent: Span, end: int, masks: list[tuple[int, int]]
    ) -> tuple[Speaker, int, int] | None:
        """The speaker phrase that opens a sentence, before its first verb, and where it stands."""
        parts = self._parts(sent.start, end, masks)
        main = next((p for p in parts if not self._leadin(p)), None)
        if main is None or main.quote:
            return None
        toks = self._toks(main)
        for k in range(min(len(toks) - 1, 12), 0, -1):
            phrase = noun_phrase(toks[:k])
            if phrase is None or phrase.kind == PRONOUN:
                continue
            nxt = toks[k]
            timed = ADVERBIAL.match(self.text, toks[k - 1].end) is not None  # "The department on Tuesday"
            if (nxt.cap or nxt.bare in lx.CONNECTORS) and not timed:
                continue  # "Colin Brandt briefed participants | on ...": a shorter phrase, then
            return speaker_from(self.text, toks[:k], phrase), toks[0].start, toks[k - 1].end
        return None


def _answerer(speaker: Speaker, answering: Speaker) -> bool:
    """Whether a statement's speaker is the one answering in a transcript, named in the third person."""
    if speaker.kind == PERSON:
        return speaker.name == answering.name or "spokes" in speaker.title.lower()
    return speaker.kind == OFFICIAL and speaker.head.startswith("spokes")


def _around(sent: Span, q: Quotation) -> Span:
    """The sentence, stretched over a quotation that runs on past it."""
    return sent if q.end <= sent.end else Span(sent.start, q.end)


def find_statements(text: str, title: str = "") -> list[Found]:
    """Attributed statements in `text`, in order. A line equal to `title` is skipped as a headline."""
    if not text:
        return []
    return _Extractor(text, title).run()
