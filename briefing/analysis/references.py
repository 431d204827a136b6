# ruff: noqa: RUF001 -- names with typographic apostrophes on purpose
"""Speakers named once and then referred to: pronouns, surnames, bare roles and "the ministry".

    "Li Wenhua ... said ... He noted that ..."       he -> Li Wenhua
    "Commerce Minister Wang Tao ... Wang said ..."   Wang -> Wang Tao, Commerce Minister
    "Secretary Rubio ... the Secretary said ..."     the Secretary -> Rubio
    "China's Ministry of Commerce ... The ministry said ..."   remembers which ministry (as context)
    "the Ministry of Commerce (MOFCOM) ... MOFCOM said ..."    remembers what MOFCOM stands for

"He" and "she" skip a speaker the text gives the other gender ("Mr.", "Ms.", "spokeswoman"), and
take a person who opened the sentence before when that person was named after the last statement
("Aiko Mori was more optimistic. Japanese buyers, she said, ..."). A title that names a body only
by its head ("the coalition's president") remembers the body named earlier, as "the ministry" does.

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
_APPOSITIVE = re.compile(r",\s*([^,.;]{3,160})(?:,|\.(?:\s|$))")  # ", a Chinese company that ... ."
_BODY_IN_TITLE = re.compile(r"\b(?:the|its)\s+([a-z]+)(?:['’]s\b|\s*$)")
_LOCAL = re.compile(
    r"(?:the\s+)?(?:local|regional|provincial|municipal|prefectural)\s"
    r"|the\s+(?:city|province|region|county|prefecture|municipality|state)['’]s\s",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    # "NANCHANG, Oct 9 (Xinhua) --", "GANZHOU, Jiangxi, March 22 (Xinhua) --", "WASHINGTON -"
    rf"(?m)^\s*([{UPPER}][{UPPER}'’ .-]{{1,30}}[{UPPER}])(?:,\s+[{UPPER}][a-z]+\.?)*"
    rf"(?:,?\s+[{UPPER}][a-z]{{2,}}\.?\s+\d{{1,2}})?\s*(?:\([^)\n]{{1,40}}\))?\s*(?:--|[-–—]|:)\s"
)
_BODY = re.compile(rf"[{UPPER}][\w'’&.-]*(?:\s+(?:(?:of|for|and|on|the)\s+)*[{UPPER}][\w'’&.-]*)+")
_COMPANY_ROLES = lx.words(
    """chief executive officer ceo cfo coo cto managing director president chairman chairwoman chair
    founder co general manager head of operations finance financial operating technology its the company's"""
)
_WORDS = re.compile(r"[\w-]+")
_TITLE_BEFORE = re.compile(
    rf"(?:^|[.;]\s+)((?:[{UPPER}][\w'’.-]*\s+)(?:(?:[{UPPER}][\w'’.-]*|of|for|and|the)\s+){{0,8}}?[\w'’.-]+),\s*$",
    re.MULTILINE,
)
_NATIONAL = re.compile(
    r"the\s+(?:[a-z]+\s+){0,2}(?:ministry|government|cabinet|parliament|regulator|central\s+bank)$",
    re.IGNORECASE,
)
_THE_COUNTRYS = re.compile(r"\bthe\s+(?:country|nation)['’]s\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?:[.!?][\"”’']?\s+|\n+)(?=[\"“‘]?[A-Z])")


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
            # "she" never refers back to a "Mr." or a spokesman, nor "he" to a "Ms."
            clash = {"he": "f", "she": "m"}.get(speaker.head, "-")
            found = next(
                (
                    f
                    for f in reversed(earlier)
                    if (f.speaker.kind in kinds or _one_person(f.speaker, speaker.head))
                    and f.speaker.gender != clash
                ),
                None,
            )
            if speaker.head in ("he", "she"):
                # "Aiko Mori was more optimistic. Japanese buyers, she said, ...": a person who opens the
                # sentence before, named after the last statement, is the nearer antecedent.
                subject = self._previous_subject(at)
                nearer = subject is not None and subject[1] > (found.anchor if found else -1)
                if subject is not None and nearer and subject[0].gender != clash:
                    return self.resolve(subject[0], subject[1]) or subject[0]
            return found.speaker if found else None
        if speaker.kind == INSTITUTION and not speaker.context and _ACRONYM_NAME.fullmatch(speaker.name):
            meaning = spelled_out(self.text, speaker.name.split()[-1], at)
            if meaning:
                return replace(
                    speaker, context=meaning
                )  # "MOFCOM said" after "Ministry of Commerce (MOFCOM)"
        definite = not speaker.proper and speaker.name[:4].lower() == "the "
        if definite and speaker.kind in (OFFICIAL, INSTITUTION):
            speaker = self._definite(speaker, at, earlier)
        unnamed_sources = (
            speaker.kind == GROUP and speaker.head == "sources"
        )  # "people familiar with the ministry's ..."
        if (
            speaker.kind in (OFFICIAL, INSTITUTION, GROUP)
            and not speaker.proper
            and not speaker.context
            and not unnamed_sources
        ):
            # "A ministry spokesperson said" after "China's commerce ministry ...": that ministry.
            bodies = [
                w
                for w in _WORDS.findall(speaker.name.lower())
                if w in lx.INSTITUTION_HEADS and w != speaker.head
            ]
            mentions = list(_mention(bodies[-1]).finditer(self.text, 0, at)) if bodies else []
            if mentions:
                speaker = replace(speaker, context=mentions[-1].group(0))
        if speaker.kind == INSTITUTION and not speaker.context and _THE_COUNTRYS.search(speaker.title):
            # "Daehan Chemical, the country's biggest anode maker, said" in a report from Seoul
            return replace(speaker, context=self._dateline)
        if speaker.kind != PERSON and not speaker.context and _LOCAL.match(speaker.name):
            # "local authorities said", "the regional industry department said": of the place the
            # report comes from, its dateline ("NANCHANG, Oct 9 (Xinhua) --") or its sentence so far.
            return replace(
                speaker, context=" ".join(x for x in (self._dateline, self._sentence_before(at)) if x)
            )
        if definite and speaker.kind in (OFFICIAL, INSTITUTION):
            return speaker
        if speaker.kind == GROUP and speaker.head == "them":
            # "said one of them": one of the group quoted last
            return next((f.speaker for f in reversed(earlier) if f.speaker.kind == GROUP), speaker)
        if speaker.kind == GROUP and (definite or speaker.name.lower() == speaker.head):
            # "USTR officials said ... the officials said" / "Officials stressed": the same group.
            for f in reversed(earlier):
                if f.speaker.kind == GROUP and speaker.head in f.speaker.name.lower().split():
                    return f.speaker
            return speaker
        if speaker.kind == PERSON and len(speaker.name.split()) == 1:
            speaker = _gendered(self._surname(speaker, at, earlier), speaker.gender)
        elif speaker.kind == PERSON and not speaker.title:
            speaker = _gendered(self._titled(speaker, at, earlier), speaker.gender)
        return self._company_quoted_before(self._body_named_earlier(speaker, at), at, earlier)

    @staticmethod
    def _company_quoted_before(speaker: Speaker, at: int, earlier: list[Found]) -> Speaker:
        """ "Perth-based Coolgardie Antimony said ... Managing Director Fiona McRae said": a bare
        company role names no company; it is that of the organisation quoted just before (and a bare
        public office, "First Vice Minister Yoon Seo-jin", that of the ministry quoted just before)."""
        if speaker.kind != PERSON or speaker.context or not speaker.title:
            return speaker
        words = speaker.title.lower().replace("-", " ").split()
        office = lx.public_office(speaker.title) and not any(w in ("of", "for", "at") for w in words)
        if not office and not all(w in _COMPANY_ROLES for w in words):
            return speaker
        for f in reversed(earlier):
            known = f.speaker.proper or (office and bool(f.speaker.context))  # "the industry ministry"
            # a public office belongs to a public body quoted before, a company role to a company
            public = any(w in lx.PUBLIC_BODIES for w in _WORDS.findall(f.speaker.name.lower()))
            if f.speaker.kind == INSTITUTION and known and public == office and at - f.anchor <= 400:
                named = " ".join(x for x in (f.speaker.title, f.speaker.name, f.speaker.context) if x)
                return replace(speaker, context=named)
        return speaker

    @functools.cached_property
    def _dateline(self) -> str:
        return dateline(self.text)  # one search per text, however many speakers refer to it

    def _sentence_before(self, at: int) -> str:
        ends = [m.end() for m in _SENTENCE_END.finditer(self.text, max(0, at - 600), at)]
        start = ends[-1] if ends else max(0, self.text.rfind("\n", 0, at) + 1)
        return self.text[start:at]

    def _body_named_earlier(self, speaker: Speaker, at: int) -> Speaker:
        """ "the coalition's president, Greg Tilden": which coalition, if the text named it before."""
        m = _BODY_IN_TITLE.search(speaker.title) if speaker.kind == PERSON and not speaker.context else None
        if m is None or m.group(1).lower() not in lx.INSTITUTION_HEADS:
            return speaker
        mentions = list(_mention(m.group(1).lower()).finditer(self.text, 0, at))
        if mentions:
            return replace(speaker, context=mentions[-1].group(0))
        # "chairman of the company", a company the report never names: one of the place it is filed from.
        dateline = self._dateline
        return replace(speaker, context=dateline) if dateline else speaker

    def _previous_subject(self, at: int) -> tuple[Speaker, int] | None:
        """A person named at the start of the sentence before the one at `at`, and where."""
        text = self.text
        ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, at - 1500), at)]
        if not ends:
            return None
        start = ends[-2] if len(ends) > 1 else text.rfind("\n", 0, ends[-1]) + 1
        all_toks = tokens(text, start, ends[-1])
        toks = all_toks[:10]
        cut = next(
            # "Senator Dale Whitcomb, a Wyoming Republican": up to and with the name before the comma
            (k + 1 for k, t in enumerate(toks) if _CLAUSE_END.search(t.text) and t.bare not in lx.HONORIFICS),
            len(toks),
        )
        for k in range(cut, 0, -1):
            phrase = noun_phrase(toks[:k])
            if phrase is not None and phrase.kind == PERSON:
                return speaker_from(text, toks[:k], phrase), toks[0].start
        if toks and toks[0].bare in lx.CAP_STOP:
            # "Pressed by Senator Marchetti on ..., Voight declined to speculate": the main clause's subject
            comma = next((k for k, t in enumerate(all_toks) if t.text.endswith(",")), None)
            if comma is not None:
                rest = all_toks[comma + 1 : comma + 8]
                for k in range(len(rest), 0, -1):
                    phrase = noun_phrase(rest[:k])
                    nxt = rest[k] if k < len(rest) else None
                    if phrase is not None and phrase.kind == PERSON and (nxt is None or not nxt.cap):
                        found = speaker_from(text, rest[:k], phrase)
                        return self.resolve(found, rest[0].start) or found, rest[0].start
        return None

    def _definite(self, speaker: Speaker, at: int, earlier: list[Found]) -> Speaker:
        """ "the spokesperson" / "the ministry" / "the press release": whom does it refer back to?"""
        head = speaker.head
        word = re.compile(rf"(?<![\w-]){re.escape(head)}", re.IGNORECASE)
        if speaker.kind == OFFICIAL:
            for f in reversed(earlier):
                if f.speaker.kind == PERSON and word.search(f.speaker.title):
                    return f.speaker
                detailed = f.speaker.proper or len(f.speaker.name.split()) > 2  # "an official at a ... house"
                if f.speaker.kind == OFFICIAL and detailed and word.search(f.speaker.name):
                    return f.speaker  # "A British government official said ... The official noted"
                if head == "official" and f.speaker.kind == PERSON and lx.public_office(f.speaker.title):
                    return f.speaker  # "Deputy Energy Minister Arief Santoso said ... the official added"
            # "Secretary Rubio announced ... the Secretary said": the last person given that title.
            last = None
            for m in _titled_name(head).finditer(self.text, 0, at):
                if not _headline(self.text, m.start()):  # "MOFCOM Spokesperson Responds to ..."
                    last = m
            if last is not None:
                intro = self.introduction(last.start(1), last.end(1))
                if intro is not None:
                    return self.resolve(intro, last.start(1)) or intro
            return speaker
        best_pos, context = -1, ""
        # "The report urged ...": the body that issued it before a person who wrote it
        order = sorted(
            reversed(earlier), key=lambda f: head in lx.DOCUMENT_HEADS and f.speaker.kind == PERSON
        )
        for f in order:
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
        if not context and speaker.kind == INSTITUTION and _NATIONAL.match(speaker.name):
            # "the industry ministry said" in a report filed from Seoul: the government of that place
            context = self._dateline
        singular = not head.endswith("s") or head.endswith("ss")  # "the two sides" are not one body
        if not context and head in lx.INSTITUTION_HEADS and singular:
            # "Japan Organization for Metals and Energy Security will ..., the agency said": a body
            # named otherwise earlier in the same sentence.
            bodies = [m.group(0) for m in _BODY.finditer(self._sentence_before(at))]
            context = next((b for b in reversed(bodies) if _named_body(b)), "")
            if not context:
                # "Export Development Canada said ... The agency said": the organisation quoted last.
                context = next(
                    (
                        f.speaker.name
                        for f in reversed(earlier)
                        if f.speaker.kind == INSTITUTION and f.speaker.proper
                    ),
                    "",
                )
        return replace(speaker, context=context) if context else speaker

    def _surname(self, speaker: Speaker, at: int, earlier: list[Found]) -> Speaker:
        """ "Lin said" after "Foreign Ministry spokesperson Lin Jian said": the same person."""
        token = speaker.name
        for f in reversed(earlier):
            if f.speaker.kind == PERSON and token in f.speaker.name.split() and f.speaker.name != token:
                return _retitled(f.speaker, speaker.title)
        for m in re.finditer(rf"(?<![\w-]){re.escape(token)}(?![\w-])", self.text[:at]):
            if _headline(self.text, m.start()):
                continue  # "Minister Onoda Holds Meeting with ..."
            intro = self.introduction(m.start(), m.end())
            if intro is not None and token in intro.name.split() and intro.name != token:
                return _retitled(intro, speaker.title)
        # "Mr. ONODA Takeshi, Minister of Economy, Trade and Industry, held ...": a family name in capitals
        caps = re.search(rf"(?<![\w-]){re.escape(token.upper())}\s+[{UPPER}][a-z]+(?![\w-])", self.text[:at])
        if caps and token.upper() != token:
            after = _APPOSITIVE.match(self.text, caps.end())
            title = after.group(1).strip() if after else speaker.title
            return replace(speaker, name=caps.group(0), title=title)
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
                before = _TITLE_BEFORE.search(text, line_start, toks[0].start)
                if before and not speaker.title:
                    # "Mexico's Secretary of Economy, Rodrigo Alcántara Ruiz, joined ..."
                    desc = tokens(text, before.start(1), before.end(1))
                    if desc and (is_description(desc) or any(lx.public_office(t.text) for t in desc)):
                        speaker = replace(speaker, title=before.group(1).strip())
                return speaker
        return None


def dateline(text: str) -> str:
    """The place a report is filed from: "NANCHANG" of "NANCHANG, Oct 9 (Xinhua) --", title-cased."""
    m = _DATELINE.search(text, 0, 400)
    return m.group(1).title() if m else ""


def _one_person(speaker: Speaker, pronoun: str) -> bool:
    """ "A manager at a smelter said ... he said": one unnamed person, not a group."""
    head = speaker.head
    return (
        pronoun in ("he", "she")
        and speaker.kind == GROUP
        and head in lx.GROUP_HEADS
        and not head.endswith("s")
    )


def _headline(text: str, at: int) -> bool:
    """Whether the line holding `at` is a headline in title case ("MOFCOM Spokesperson Responds to ...")."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)].split()
    long = [w for w in line if len(w) > 3]
    return (
        len(line) >= 4
        and not line[-1].endswith((".", '"', "”"))
        and (sum(w[:1].isupper() for w in long) >= 0.7 * len(long))
    )


def _named_body(name: str) -> bool:
    """A capitalised run that names an organisation: one of its words is an organisation word."""
    return any(w.lower().strip(".") in lx.ORG_WORDS for w in name.split()[1:])


def _retitled(speaker: Speaker, title: str) -> Speaker:
    """The full-named speaker, with what this mention adds ("Pike, a Republican from Ohio, said")."""
    title = title if title.lower().rstrip(".") not in lx.HONORIFICS else ""
    if not title or title in speaker.title:
        return speaker
    return replace(speaker, title=", ".join(t for t in (speaker.title, title) if t))


def _gendered(speaker: Speaker, gender: str) -> Speaker:
    """ "Mr. Ochoa said" about "Daniel Ochoa": what the mention says about "he" or "she" is kept."""
    return replace(speaker, gender=gender) if gender and not speaker.gender else speaker


@functools.cache
def _titled_name(role: str) -> re.Pattern[str]:
    """A role word followed by a name: "Secretary Rubio", "spokesperson Lin Jian"."""
    name = rf"[{UPPER}][\w'’-]+"
    return re.compile(rf"(?<![\w-])(?i:{re.escape(role)})\s+({name}(?:\s+{name}){{0,2}})")


@functools.cache
def _mention(head: str) -> re.Pattern[str]:
    """A named organisation with this head: "China's Ministry of Commerce", "Japan's trade ministry"."""
    # "U.S." keeps its full stops; "Europe." ending a sentence is not part of a name.
    cap = rf"(?:(?:[A-Z]\.){{2,}}|[{UPPER}][\w'’&-]*)"
    named = rf"{cap}(?:[ \t]+(?:(?:of|for|and|the)[ \t]+)*{cap})*"
    return re.compile(
        rf"{named}\s+(?:[a-z]+\s+)?(?i:{re.escape(head)})(?:\s+(?:of|for|on)\s+(?:the\s+)?{named})?"
        rf"|{re.escape(head.capitalize())}\s+(?:of|for|on)\s+(?:the\s+)?{named}"
    )
