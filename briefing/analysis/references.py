# ruff: noqa: RUF001 -- names with typographic apostrophes on purpose
"""Speakers named once and then referred to: pronouns, surnames, bare roles and "the ministry".

    "Li Wenhua ... said ... He noted that ..."       he -> Li Wenhua
    "Commerce Minister Wang Tao ... Wang said ..."   Wang -> Wang Tao, Commerce Minister
    "Secretary Rubio ... the Secretary said ..."     the Secretary -> Rubio
    "China's Ministry of Commerce ... The ministry said ..."   remembers which ministry (as context)
    "the Ministry of Commerce (MOFCOM) ... MOFCOM said ..."    remembers what MOFCOM stands for

A reference with nothing to refer to is left as written (a pronoun is dropped): the speaker stays
unknown rather than guessed.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from briefing.analysis import lexicon as lx
from briefing.analysis.phrases import (
    GROUP,
    INSTITUTION,
    OFFICIAL,
    PERSON,
    PRONOUN,
    Found,
    Speaker,
    Token,
    is_description,
    noun_phrase,
    speaker_from,
    tokens,
)
from briefing.analysis.text import UPPER, spelled_out

_ACRONYM_NAME = re.compile(r"(?:(?:the|The|la|La|el|El)\s+)?[A-Z]{2,8}")
_CLAUSE_END = re.compile(r"[,;:.]$")
_APPOSITIVE = re.compile(r",\s*([^,.;]{3,120}),")


class References:
    """Resolves speakers against the statements found so far in one text (`found`, kept up to date)."""

    def __init__(self, text: str, found: list[Found]) -> None:
        self.text = text
        self.found = found

    def resolve(self, speaker: Speaker, at: int, same_sentence: Sequence[Found] = ()) -> Speaker | None:
        """Replace pronouns, bare roles and surnames by the speaker they refer back to."""
        earlier = [f for f in self.found if f.anchor < at] + [f for f in same_sentence if f.anchor < at]
        if speaker.kind == PRONOUN:
            want = {
                "he": (PERSON, OFFICIAL),
                "she": (PERSON, OFFICIAL),
                "it": (INSTITUTION,),
                "they": (GROUP,),
            }
            kinds = want.get(speaker.head, ())
            for f in reversed(earlier):
                if f.speaker.kind in kinds:
                    return f.speaker
            return None
        if speaker.kind == INSTITUTION and not speaker.context and _ACRONYM_NAME.fullmatch(speaker.name):
            meaning = spelled_out(self.text, speaker.name.split()[-1], at)
            if meaning:
                return replace(
                    speaker, context=meaning
                )  # "MOFCOM said" after "Ministry of Commerce (MOFCOM)"
        definite = not speaker.proper and speaker.name[:4].lower() == "the "
        if definite and speaker.kind in (OFFICIAL, INSTITUTION):
            return self._definite(speaker, at, earlier)
        if speaker.kind == GROUP and (definite or speaker.name.lower() == speaker.head):
            # "USTR officials said ... the officials said" / "Officials stressed": the same group.
            for f in reversed(earlier):
                if f.speaker.kind == GROUP and speaker.head in f.speaker.name.lower().split():
                    return f.speaker
            return speaker
        if speaker.kind == PERSON and len(speaker.name.split()) == 1:
            return self._surname(speaker, at, earlier)
        if speaker.kind == PERSON and not speaker.title:
            return self._titled(speaker, at, earlier)
        return speaker

    def _definite(self, speaker: Speaker, at: int, earlier: list[Found]) -> Speaker:
        """ "the spokesperson" / "the ministry" / "the press release": whom does it refer back to?"""
        head = speaker.head
        word = re.compile(rf"(?<![\w-]){re.escape(head)}", re.IGNORECASE)
        if speaker.kind == OFFICIAL:
            for f in reversed(earlier):
                if f.speaker.kind == PERSON and word.search(f.speaker.title):
                    return f.speaker
            # "Secretary Rubio announced ... the Secretary said": the last person given that title.
            last = None
            for m in _titled_name(head).finditer(self.text, 0, at):
                last = m
            if last is not None:
                intro = self.introduction(last.start(1), last.end(1))
                if intro is not None:
                    return self.resolve(intro, last.start(1)) or intro
            return speaker
        best_pos, context = -1, ""
        for f in reversed(earlier):
            named = f"{f.speaker.name} {f.speaker.title}"
            described = word.search(named) or (
                head in lx.DOCUMENT_HEADS and word.search(self.text[f.sentence.start : f.sentence.end])
            )
            if described and f.speaker.proper:
                best_pos, context = f.anchor, " ".join(x for x in (named.strip(), f.speaker.context) if x)
                break
        if head in lx.INSTITUTION_HEADS:
            for m in _mention(head).finditer(self.text, 0, at):
                if m.start() > best_pos:
                    best_pos, context = m.start(), m.group(0)
        return replace(speaker, context=context) if context else speaker

    def _surname(self, speaker: Speaker, at: int, earlier: list[Found]) -> Speaker:
        """ "Lin said" after "Foreign Ministry spokesperson Lin Jian said": the same person."""
        token = speaker.name
        for f in reversed(earlier):
            if f.speaker.kind == PERSON and token in f.speaker.name.split() and f.speaker.name != token:
                return f.speaker
        for m in re.finditer(rf"(?<![\w-]){re.escape(token)}(?![\w-])", self.text[:at]):
            intro = self.introduction(m.start(), m.end())
            if intro is not None and token in intro.name.split() and intro.name != token:
                return intro if intro.title or not speaker.title else replace(intro, title=speaker.title)
        return speaker

    def _titled(self, speaker: Speaker, at: int, earlier: list[Found]) -> Speaker:
        """A full name given without a title here, but with one earlier ("Spokesperson He Yadong")."""
        for f in reversed(earlier):
            if f.speaker.name == speaker.name and f.speaker.title:
                return f.speaker
        first = self.text.find(speaker.name, 0, at)
        if first < 0:
            return speaker
        intro = self.introduction(first, first + len(speaker.name))
        if intro is not None and intro.name == speaker.name and intro.title:
            return intro
        return speaker

    def introduction(self, start: int, end: int) -> Speaker | None:
        """The full name and title around a mention of a surname, if the text gives them."""
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        left = tokens(text, max(line_start, start - 120), start)
        left = [t for t in left if not _CLAUSE_END.search(t.text) or t.text.endswith(("Dr.", "Mr.", "Ms."))]
        right = list(re.finditer(rf"\s+([{UPPER}][\w'’-]*)", text[end : end + 40]))
        cands: list[Token] = []
        pos = end
        for r in right[:2]:
            if r.start() + end != pos:
                break
            cands.append(Token(r.group(1), end + r.start(1), end + r.end(1)))
            pos = end + r.end()
        centre = tokens(text, start, end)
        for n_right in range(len(cands), -1, -1):
            tail = [*centre, *cands[:n_right]]
            for k in range(max(0, len(left) - 8), len(left) + 1):
                toks = left[k:] + tail
                if any(text[a.end : b.start].strip() for a, b in itertools.pairwise(toks)):
                    continue
                phrase = noun_phrase(toks)
                if phrase is None or phrase.kind != PERSON:
                    continue
                speaker = speaker_from(text, toks, phrase)
                after = _APPOSITIVE.match(text, toks[-1].end)
                if after and not speaker.title:
                    desc = tokens(text, after.start(1), after.end(1))
                    if is_description(desc):
                        speaker = replace(speaker, title=after.group(1).strip())
                return speaker
        return None


@functools.cache
def _titled_name(role: str) -> re.Pattern[str]:
    """A role word followed by a name: "Secretary Rubio", "spokesperson Lin Jian"."""
    name = rf"[{UPPER}][\w'’-]+"
    return re.compile(rf"(?<![\w-])(?i:{re.escape(role)})\s+({name}(?:\s+{name}){{0,2}})")


@functools.cache
def _mention(head: str) -> re.Pattern[str]:
    """A named organisation with this head: "China's Ministry of Commerce", "Japan's trade ministry"."""
    cap = rf"[{UPPER}][\w'’.&-]*"
    named = rf"{cap}(?:\s+(?:(?:of|for|and|the)\s+)*{cap})*"
    return re.compile(
        rf"{named}\s+(?:[a-z]+\s+)?(?i:{re.escape(head)})(?:\s+(?:of|for|on)\s+(?:the\s+)?{named})?"
        rf"|{re.escape(head.capitalize())}\s+(?:of|for|on)\s+(?:the\s+)?{named}"
    )
