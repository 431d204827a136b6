# ruff: noqa: RUF001, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Finding the speaker phrase beside a reporting verb, for `speech.py`.

    Li Wenhua, 56, director of ..., a Beijing-based think tank, said ...     (before the verb)
    A ministry official, speaking on condition of anonymity, said ...
    Greer and Ebrard said ... / In a statement on Monday, the ministry said ...
    ..., said Li, a researcher at ... / according to a statement from the ministry, ...   (after it)

A sentence's words up to the verb are cut into parts at commas, dashes and quotations; the speaker
is the longest noun phrase (`phrases.noun_phrase`) that ends the last part, with descriptions, ages
and places set off by commas around it taken as its title. What a speaker phrase may be is
`phrases.py`'s business; this module decides where in the sentence it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from briefing.analysis import lexicon as lx
from briefing.analysis.phrases import (
    INSTITUTION,
    MAX_PHRASE,
    OFFICIAL,
    PERSON,
    PRONOUN,
    QUOTE_MARKS,
    Speaker,
    Token,
    gender_of,
    is_description,
    is_place,
    noun_phrase,
    speaker_from,
    tokens,
)
from briefing.analysis.places import BASED_ONLY, PLACES
from briefing.analysis.text import UPPER

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PERIODS = rf"(?:{_DAYS}(?:'s|’s)?|week|weekend|month|year|morning|afternoon|evening|night|day)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_OCCASIONS = (
    r"(?:statement|interview|speech|post|note|letter|briefing|report|op-ed|email|press\s+release|release|"
    r"conference|forum|meeting|event|summit|hearing|ceremony|symposium|seminar|session|call|address|remarks|"
    r"article|commentary|editorial|message|testimony|appearance|readout|broadcast|video|notice|announcement|"
    r"fact\s+sheet|factsheet|ministerial|plenary|roundtable|talks|visit|filing)"
)
CAPS = rf"(?:the\s+)?[{UPPER}][\w'’.&-]*(?:\s+(?:of\s+|for\s+|and\s+)?[{UPPER}][\w'’.&-]*){{0,5}}"
# Time, place and occasion between a verb and what was said: "said on Monday in a statement that".
ADVERBIAL = re.compile(
    r",?\s+(?:"
    rf"(?:on|last|this|early|late|earlier|later|next)\s+{_PERIODS}\b"
    rf"|on\s+{_MONTH}\s+\d{{1,2}}\b|{_MONTH}\s+\d{{1,2}}\b"
    r"|(?:earlier|later|late|early)\s+(?:this|last|that)\s+(?:week|month|year)\b"
    rf"|(?:in|during|at|via|through|on)\s+(?:an?|the|its|his|her|their|[\w]+(?:'s|’s))\s+(?:[\w'’-]+\s+){{0,4}}?"
    rf"{_OCCASIONS}s?\b"
    rf"(?:\s+(?:with|to|on|in|at|for|of|by)\s+{CAPS})?"
    rf"|in\s+[{UPPER}][\w'’-]*(?:\s+[{UPPER}][\w'’-]*)?(?=[\s,])"
    r"|(?:released|issued|published|posted|made|given|delivered)\s+(?:on|after|before|at|in|by|during|late|early|last|this)"
    r"\b[^,;]*?(?=\s+that\b|[,;]|\.?$)"
    r"|today|yesterday|again|also|publicly|repeatedly|recently|previously|separately|too"
    r")(?![\w-])"
)
_INTERJECTION = re.compile(
    r"(?:however|meanwhile|though|too|also|again|in\s+turn|in\s+response|in\s+contrast|by\s+contrast|"
    r"moreover|furthermore|in\s+addition|likewise|similarly|nonetheless|nevertheless|instead|"
    r"for\s+(?:his|her|its|their)\s+part|on\s+\w+day|last\s+(?:week|month|year)|\d{1,3})",
    re.IGNORECASE,
)
# "according to a statement from the ministry": the ministry is the speaker.
_SOURCE_OF = re.compile(
    r"(?:an?|the)\s+(?:(?:joint|written|official|separate|brief|short|new)\s+)?(?:statement|press\s+release|"
    r"release|notice|announcement|readout|communiqu[eé]|remarks|comments|document|(?:research\s+)?note|report|"
    r"letter|filing|memo|email|post)\s+(?:from|by|of|issued\s+by|released\s+by|published\s+by)\s+",
    re.IGNORECASE,
)
_DELIMITER = re.compile(r"--| - |[,;:—–()]")
# Commas inside official names.
_NAME_COMMA = re.compile(
    r",\s+(?:Trade\s+and\s+Industry|Forestry\s+and\s+Fisheries|Transport\s+and\s+Tourism"
    r"|Ltd|Inc|LLC|Co|Corp|AG|GmbH|plc|S\.A|N\.V)\b"  # "Hokuriku Metals Co., Ltd."
)
_DOTTED_END = re.compile(r"(?<![\w.])(?:[A-Za-z]\.){2,}$")
_AGE = re.compile(r"(?:aged\s+)?\d{1,3}")
# A participial aside between a speaker and the verb: "an official, speaking on condition of anonymity, said".
_ASIDE = re.compile(
    r"(?:speaking|writing|asked|responding|commenting|declining|requesting|citing|briefing"
    # "an executive, who asked not to be named, told Xinhua"
    r"|who\s+(?:asked|declined|requested|spoke|did\s+not\s+want)\b)",
    re.IGNORECASE,
)
_REGION_APPOSITIVE = re.compile(
    rf"(?:(?:[Ee]ast|[Ww]est|[Nn]orth|[Ss]outh|[Cc]entral)\w*\s+)?[{UPPER}][\w'’-]*(?:\s+[{UPPER}][\w'’-]*){{0,3}}"
    r"\s+(?:[Pp]rovince|[Pp]refecture|[Rr]egion|[Cc]ounty|[Ss]tate|[Dd]istrict)"
)
WHO_SAID = re.compile(rf"who\s+(?:(?:also|later|have|has|had)\s+)?(?:{'|'.join(sorted(lx.CLAUSE_VERBS))})\b")


_GAZETTEER = frozenset(n.lower() for names in (*PLACES.values(), *BASED_ONLY.values()) for n in names)
_A_COMPANY = re.compile(
    r"(?:an?|the)\s+(?:[\w'’-]+\s+){0,4}?(?:miner|mining\s+company|company|producer|firm|maker|developer|"
    r"explorer|refiner|manufacturer|smelter|recycler|subsidiary|consultancy|bank|fund|supplier|operator|"
    r"start-?up|group|conglomerate|utility|automaker|carmaker|chipmaker)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Part:
    start: int
    end: int
    quote: bool = False


@dataclass(slots=True)
class Subject:
    speaker: Speaker
    start: int
    end: int
    content_from: int  # where content before the speaker may start
    content_to: int | None  # end of content before the speaker, if any
    comment: bool = False  # "as Li said": the words are the clause before
    partners: tuple[tuple[Speaker, int], ...] = ()  # "Greer and Ebrard said": Greer, where named


class SpeakerPhrases:
    """Speaker phrases in one text, before or after a reporting verb; parts and tokens are cached."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._token_cache: dict[tuple[int, int], list[Token]] = {}

    def _parts(self, start: int, end: int, masks: list[tuple[int, int]]) -> list[Part]:
        """Split text at commas, semicolons, colons and dashes; quotations become parts of their own."""
        text = self.text
        opens = sorted((o, c) for o, c in masks if start <= o < end)
        parts: list[Part] = []

        def close(s: int, e: int) -> None:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                parts.append(Part(s, e))

        cur = pos = start
        depth = k = 0
        while True:
            m = _DELIMITER.search(text, pos, end)
            if k < len(opens) and (m is None or opens[k][0] < m.start()):
                o, c = opens[k]
                close(cur, o)
                parts.append(Part(o, min(c, end), quote=True))
                pos = cur = max(c, o + 1)
                while k < len(opens) and opens[k][0] < pos:
                    k += 1
                continue
            if m is None:
                break
            pos = m.end()
            mark = m.group(0)
            if mark in "()":
                depth = depth + 1 if mark == "(" else max(0, depth - 1)
            elif not depth and not (mark == "," and _NAME_COMMA.match(text, m.start())):
                close(cur, m.start())
                cur = pos
        close(cur, end)
        return parts

    def _toks(self, part: Part) -> list[Token]:
        if part.quote:
            return []
        key = (part.start, part.end)
        if key not in self._token_cache:
            self._token_cache[key] = tokens(self.text, part.start, part.end)
        return self._token_cache[key]

    def _phrase_at(self, toks: list[Token]) -> Speaker | None:
        phrase = noun_phrase(toks)
        if phrase is None:
            return None
        return speaker_from(self.text, toks, phrase)

    def _suffix_phrase(self, part: Part) -> tuple[Speaker, int] | None:
        """The longest speaker phrase ending a part, after a scene-setter or a conjunction."""
        toks = self._toks(part)
        for k in range(max(0, len(toks) - MAX_PHRASE), len(toks)):
            prefix = toks[:k]
            if prefix and not self._prefix_ok(prefix):
                continue
            speaker = self._phrase_at(toks[k:])
            if speaker is not None:
                return speaker, toks[k].start
        return None

    @staticmethod
    def _prefix_ok(prefix: list[Token]) -> bool:
        """Words that may stand before a speaker in the same clause: "and", "In a statement", "On Monday"."""
        if prefix[-1].bare in lx.CLAUSE_JOINERS:
            return True
        if len(prefix) == 1 and prefix[0].bare == "which":
            return True  # "price floors, which Marian Okafor claimed would allow ..."
        return (
            prefix[0].bare in lx.SCENE_SETTERS
            and len(prefix) <= 10
            and prefix[-1].bare not in ("of", "by", "that", "which", "who")
        )

    def _leadin(self, part: Part) -> bool:
        toks = self._toks(part)
        return (
            bool(toks)
            and len(toks) <= 12
            and (
                toks[0].bare in lx.LEADIN_START
                or bool(_INTERJECTION.fullmatch(self.text, part.start, part.end))
            )
        )

    def _title_goes_on(self, parts: list[Part], k: int) -> bool:
        """Whether part k carries on the title of part k-1: "Water Resilience and a Competitive ..."."""
        toks = self._toks(parts[k])
        return (
            k > 0
            and bool(toks)
            and all(t.cap or t.bare in ("and", "a", "an", "of", "for", "the") for t in toks)
            and bool(self._toks(parts[k - 1]))
            and _is_role_title(self._toks(parts[k - 1]))
        )

    def _desc(self, part: Part) -> bool:
        return not part.quote and is_description(self._toks(part))

    def _age(self, part: Part) -> bool:
        return not part.quote and _AGE.fullmatch(self.text, part.start, part.end) is not None

    def _place(self, part: Part) -> bool:
        """ "Beijing", "Japan", or a state or city of the gazetteer ("Rockford, Illinois")."""
        if part.quote:
            return False
        toks = self._toks(part)
        return is_place(toks) or " ".join(t.text for t in toks).lower() in _GAZETTEER

    def _subject_before(self, start: int, end: int, masks: list[tuple[int, int]]) -> Subject | None:
        """The speaker just before a reporting verb, with any description set off by commas."""
        parts = self._parts(start, end, masks)
        if not parts:
            return None
        text = self.text
        trailing = text[start:end].rstrip().endswith(",")
        i = len(parts) - 1
        title = ""
        if trailing and not parts[i].quote and _INTERJECTION.fullmatch(text, parts[i].start, parts[i].end):
            i -= 1
            trailing = False
            if i < 0:
                return None
        if trailing and i > 0 and not parts[i].quote and _ASIDE.match(text, parts[i].start, parts[i].end):
            i -= 1  # "A ministry official, speaking on condition of anonymity, said": not a title
            if i > 0 and _REGION_APPOSITIVE.fullmatch(text, parts[i].start, parts[i].end):
                i -= 1  # "... in Ganzhou, East China's Jiangxi Province, who requested anonymity, told"
            trailing = i > 0 and not parts[i - 1].quote and (self._desc(parts[i]) or self._place(parts[i]))
        elif trailing and i > 0 and _REGION_APPOSITIVE.fullmatch(text, parts[i].start, parts[i].end):
            i -= 1  # "a trading company in Ganzhou, East China's Jiangxi Province, told ..."
            trailing = i > 0 and not parts[i - 1].quote and (self._desc(parts[i]) or self._place(parts[i]))
        if parts[i].quote:
            return None
        first = i  # first part that belongs to the speaker
        partners: tuple[tuple[Speaker, int], ...] = ()
        if trailing:
            j = i
            if self._place(parts[j]) and j > 0 and self._desc(parts[j - 1]):
                j -= 1
            if self._desc(parts[j]):
                # "Li Wenhua, 56, director of ..., a Beijing-based think tank, said"
                while j > 1 and i - j < 3 and (self._desc(parts[j - 1]) or self._age(parts[j - 1])):
                    j -= 1
                if j == 0:
                    return None
                found = self._suffix_phrase(parts[j - 1])
                if j < i and self._leadin(parts[j - 1]) and (found is None or found[0].kind != PERSON):
                    # "In a letter to ..., the X Coalition, which represents ..., said" and "In Seoul,
                    # trade minister Ahn Jae-won, who ..., said": after a lead-in, the next part names
                    # the speaker and the one after describes it ("while Tomás Beltrán, who ..." does not)
                    named = self._phrase_at(self._toks(parts[j]))
                    if named is not None and named.kind != PRONOUN:
                        found = (named, parts[j].start)
                        j += 1
                if found is None:
                    return None
                speaker, sp_start = found
                partners = self._partners(parts[j - 1], sp_start)
                described = next(k for k in range(j, i + 1) if not self._age(parts[k]))
                title = text[parts[described].start : parts[i].end]
                first = j - 1
            elif i > 0 and (self._desc(parts[i - 1]) or self._title_goes_on(parts, i - 1)):
                # "Commissioner for Environment, Water Resilience and a Competitive Circular Economy,
                # Tomasz Wierzbicki, said": a title in two parts before the name
                speaker_opt = self._phrase_at(self._toks(parts[i]))
                if speaker_opt is None or speaker_opt.kind != PERSON:
                    return None
                start = i - 2 if self._title_goes_on(parts, i - 1) else i - 1
                speaker, sp_start = speaker_opt, parts[i].start
                title = text[parts[start].start : parts[i - 1].end]
                first = start
            else:
                return None
        else:
            found = self._suffix_phrase(parts[i])
            if found is None:
                return None
            speaker, sp_start = found
            partners = self._partners(parts[i], sp_start)
        if title:
            speaker = with_title(speaker, title)
        if partners:
            sp_start = partners[0][1]
        content_to: int | None = None
        before = parts[:first]
        in_part_prefix = text[parts[first].start : sp_start] if sp_start > parts[first].start else ""
        if in_part_prefix.strip():
            content_to = sp_start
        elif before and not all(self._leadin(p) and not p.quote for p in before):
            content_to = before[-1].end
        comment = in_part_prefix.strip().lower() == "as"
        return Subject(speaker, sp_start, end, start, content_to, comment, partners)

    def _partners(self, part: Part, sp_start: int) -> tuple[tuple[Speaker, int], ...]:
        """ "Greer and Ebrard", "both the ministry and the Commission": the speaker named before "and"."""
        toks = [t for t in self._toks(part) if t.end <= sp_start]
        if len(toks) < 2 or toks[-1].text != "and":
            return ()
        toks = toks[:-1]
        if toks[0].bare == "both":
            toks = toks[1:]
        for k in range(max(0, len(toks) - MAX_PHRASE), len(toks)):
            prefix = toks[:k]
            if prefix and not self._prefix_ok(prefix):
                continue
            speaker = self._phrase_at(toks[k:])
            if speaker is None:
                continue
            if speaker.kind not in (PERSON, INSTITUTION, OFFICIAL):
                return ()  # "analysts and ...", "he and ..."
            return ((speaker, toks[k].start),)
        return ()

    def _phrase_after(
        self, start: int, end: int, masks: list[tuple[int, int]], described: bool = True
    ) -> tuple[Speaker, int] | None:
        """A speaker after an inverted verb or "according to": "said Li, a researcher at ..."."""
        text = self.text
        while (
            end > start and text[end - 1] in ".!?;" + QUOTE_MARKS and not _DOTTED_END.search(text, start, end)
        ):
            end -= 1
        parts = self._parts(start, end, masks)
        if not parts or parts[0].quote or parts[0].start > start + 2:
            return None
        toks = self._toks(parts[0])
        if self._desc(parts[0]) and len(parts) > 1 and not parts[1].quote:
            named = self._phrase_at(self._toks(parts[1]))
            if named is not None and named.kind == PERSON:
                return with_title(named, text[parts[0].start : parts[0].end]), parts[1].end
        stripped = _SOURCE_OF.match(text, parts[0].start, parts[0].end)
        if stripped:
            toks = tokens(text, stripped.end(), parts[0].end)
        for k in range(min(len(toks), MAX_PHRASE), 0, -1):
            speaker = self._phrase_at(toks[:k])
            if speaker is None:
                continue
            rest = text[toks[k - 1].end : parts[0].end]
            if rest.strip().startswith("who ") and not WHO_SAID.match(rest.strip()):
                # "according to two trade diplomats who attended the meeting"
                return with_title(speaker, rest.strip()), parts[0].end
            if rest.strip() and not ADVERBIAL.fullmatch(rest):
                return None
            stop = parts[0].end
            said = len(parts) > 1 and WHO_SAID.match(text, parts[1].start, parts[1].end)
            if described and len(parts) > 1 and self._desc(parts[1]) and not said:
                speaker = with_title(speaker, text[parts[1].start : parts[1].end])
                stop = parts[1].end
            return speaker, stop
        return None


def _is_role_title(toks: list[Token]) -> bool:
    """ "Commissioner for Environment": a capitalised title opening with a public office."""
    return toks[0].cap and lx.public_office(toks[0].text)


def with_title(speaker: Speaker, title: str) -> Speaker:
    """The speaker with a description given beside the name ("Li, a spokeswoman for ..., said").
    A name described as a company is a company's: "Southern Cross Nickel, an Australian miner"."""
    if speaker.kind == PERSON and _A_COMPANY.match(title):
        return replace(speaker, kind=INSTITUTION, title=_join_titles(speaker.title, title))
    return replace(
        speaker, title=_join_titles(speaker.title, title), gender=speaker.gender or gender_of(title)
    )


def _join_titles(before: str, after: str) -> str:
    """ "Dr." and "a materials scientist at ..." make "a materials scientist at ..."."""
    if before.lower().rstrip(".") in lx.HONORIFICS:
        before = ""
    return ", ".join(t for t in (before, after) if t)
