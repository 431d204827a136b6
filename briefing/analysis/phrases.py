# ruff: noqa: RUF001, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Speaker noun phrases: is this run of words a speaker, and what kind?

    "Li Wenhua"                                  person
    "Foreign Ministry spokesperson Lin Jian"     person, titled "Foreign Ministry spokesperson"
    "a spokesperson for the European Commission" official (an unnamed person in a role)
    "China's commerce ministry", "the press release", "Beijing"   institution
    "Chinese experts", "people familiar with the matter"          group
    "he", "she", "it", "they"                                     pronoun

The grammar is a handful of rules over word lists (`lexicon.py`); `speech.py` decides where a
phrase may stand (before a reporting verb, after "according to", ...).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from briefing.analysis import lexicon as lx
from briefing.analysis.text import UPPER, Span

PERSON = "person"
OFFICIAL = "official"
INSTITUTION = "institution"
GROUP = "group"
PRONOUN = "pronoun"


@dataclass(frozen=True, slots=True)
class Speaker:
    """A speaker as the text gives it; `kind` is one of the constants above."""

    name: str
    title: str = ""
    kind: str = PERSON
    head: str = ""  # lower-case head noun of an unnamed speaker: "ministry", "release"
    proper: bool = True  # names something (a proper noun beyond generic words like "Ministry")
    context: str = ""  # text naming whom an unnamed speaker ("the ministry") refers back to
    gender: str = ""  # "m" or "f" when the text says so ("Mr.", "spokeswoman"), for "he" and "she"


@dataclass(frozen=True, slots=True)
class Found:
    """One attributed statement: `text[start:end]` is the quotation or the reported clause."""

    speaker: Speaker
    kind: Literal["direct", "indirect"]
    start: int
    end: int
    sentence: Span  # the sentence (or transcript answer) the statement stands in
    anchor: int  # where the speaker is mentioned


QUOTE_MARKS = "\"“”‘’'«»„「」"
CAP_WORD = re.compile(rf"[{UPPER}][\w'’.&-]*,?")  # a comma only survives inside a name ("Economy, Trade")
_TOKEN = re.compile(r"\([^()]*\)|[^\s()]+")
_DOTTED = re.compile(r"(?:[a-z]\.){2,}")
_HYPHENATED = re.compile(r"[a-z]+(?:-[a-z]+)+")
_UNNAMED_SOURCES = re.compile(
    r"(?:[\w.-]+\s+){0,3}(?:people|persons?|sources?|officials?|insiders?|diplomats?)\s+"
    r"(?:familiar\s+with|briefed\s+on|close\s+to|knowledgeable\s+about|with\s+(?:direct\s+)?knowledge\s+of|"
    r"involved\s+in|aware\s+of|present\s+at)\s+[\w\s'’-]{2,40}$",
    re.IGNORECASE,
)
_ALSO_KNOWN = re.compile(r"(?:also\s+|formerly\s+|better\s+)?known\s+as\b", re.IGNORECASE)
_AFFILIATED = re.compile(
    rf"(?i:an?|the)\s+(?:[\w'’-]+\s+){{0,4}}(?:at|of|with|from|for|in)\s+(?:the\s+)?[{UPPER}]"
)


class Token:
    """A word of a candidate speaker phrase, with what the grammar asks about it worked out once."""

    __slots__ = ("bare", "cap", "end", "paren", "possessive", "start", "text")

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        word = text.lower().strip(QUOTE_MARKS)
        for suffix in ("'s", "’s"):
            word = word.removesuffix(suffix)
        # Lower case, without possessive ending or a trailing full stop ("Dr." -> "dr", "U.S." stays).
        self.bare = word if _is_dotted(word) else word.rstrip(".")
        self.cap = text.lstrip(QUOTE_MARKS)[:1].isupper()
        self.possessive = text.endswith(("'s", "’s", "s'", "s’"))
        self.paren = text.startswith("(")


def _is_dotted(word: str) -> bool:
    return "." in word and _DOTTED.fullmatch(word) is not None


@dataclass(frozen=True, slots=True)
class Phrase:
    kind: str
    head: str
    proper: bool
    name_from: int | None  # index of the first token of a person's name, after a title
    name_to: int | None = None  # index after a person's name, before "of the U.S. Geological Survey"


def _is_role(tok: Token) -> bool:
    bare = tok.bare
    return bare in lx.ROLE_WORDS or any(part in lx.ROLE_WORDS for part in bare.split("-") if part)


def _acronym(tok: Token) -> bool:
    core = tok.text.rstrip(".,").replace(".", "")
    for suffix in ("'s", "’s"):
        core = core.removesuffix(suffix)
    return len(core) >= 2 and core.isupper() and core.isalpha()


def name_token(tok: Token, last: bool) -> bool:
    """A token that can be part of a person's name."""
    if not tok.cap or tok.paren or tok.possessive or tok.text in ("A", "I", "An", "The"):
        return False
    bare = tok.bare
    if bare in lx.ORG_WORDS or bare in lx.GEO or bare in lx.CAP_STOP or _is_role(tok) or bare in lx.HEADS:
        return False
    if _acronym(tok):
        # "JD Vance": a two-letter capital pair before a surname; longer acronyms are organisations.
        return not last and len(tok.text.replace(".", "")) == 2
    return CAP_WORD.fullmatch(tok.text) is not None


def _valid_words(toks: Sequence[Token]) -> bool:
    for i, tok in enumerate(toks):
        if tok.paren:
            continue
        bare = tok.bare
        if tok.cap:
            # "Under Secretary for Industry and Security": "Under" opens a title, not a clause.
            title = bare == "under" and i + 1 < len(toks) and toks[i + 1].bare == "secretary"
            if (bare in lx.CAP_STOP and not title) or not CAP_WORD.fullmatch(tok.text.strip(QUOTE_MARKS)):
                return False
            continue
        if bare in lx.CONNECTORS:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            prev = toks[i - 1] if i > 0 else None
            if prev is None or nxt is None or not (prev.cap or prev.bare in lx.CONNECTORS):
                return False
            if not (nxt.cap or nxt.bare in lx.CONNECTORS):
                return False
            continue
        if tok.possessive or bare in lx.MODIFIERS or bare in lx.ROLE_WORDS or bare in lx.HEADS:
            continue
        if "-" in bare and _HYPHENATED.fullmatch(bare):
            continue
        # A few plain words may describe the head: "price reporting agencies", "rare earth producers";
        # not after a person's name ("Colin Brandt briefed participants" is a clause).
        after_name = (
            i > 1
            and all(  # a full name, two name words ("A Swiss trading house" is fine)
                t.cap and name_token(t, last=False) and t.bare not in lx.GEO for t in toks[i - 2 : i]
            )
        )
        if len(toks) - i <= 3 and toks[-1].bare in lx.HEADS and _plain(toks[i:-1]) and not after_name:
            continue
        # ... or a role in a title before a name: "Independent minor metals consultant Arjen Visser"
        ahead = toks[i + 1 : i + 4]
        if _plain([tok]) and any(_is_role(t) and not t.cap for t in ahead):
            continue
        return False
    return True


def _plain_org(org: Sequence[Token]) -> bool:
    """Plain words naming a kind of firm: "a Hunan-based antimony smelter", "a US consumer of
    germanium for infrared optics" ("of", "for" and "in" may join them)."""
    inner = [t for k, t in enumerate(org) if not (0 < k < len(org) - 1 and t.bare in ("of", "for", "in"))]
    return (
        len(inner) <= 6
        and _plain(inner[:-1])
        and inner[-1].bare.isalpha()
        and inner[-1].bare not in lx.FUNCTION_WORDS
    )


def _plain(toks: Sequence[Token]) -> bool:
    return all(
        t.bare.replace("-", "").replace(".", "").isalpha()  # "a U.S. electronics distributor"
        and t.bare not in lx.FUNCTION_WORDS
        and t.bare not in lx.HEADS
        and t.bare not in _VERBS  # "The department added nine companies" is no speaker
        for t in toks
    )


def noun_phrase(toks: Sequence[Token]) -> Phrase | None:
    """Classify tokens as a whole speaker noun phrase, or None."""
    core = [t for t in toks if not t.paren]
    if not core or len(core) > MAX_PHRASE:
        return None
    if len(core) == 1 and core[0].bare in lx.PRONOUNS and core[0].text.isalpha():
        return Phrase(PRONOUN, core[0].bare, False, None)
    if len(core) > 3 and _UNNAMED_SOURCES.match(" ".join(t.text for t in core)):
        return Phrase(GROUP, "sources", False, None)
    if len(core) >= 3 and core[0].bare in _HOW_MANY and core[1].bare == "of":
        # "two of the people", "one of them", "some of the companies"
        rest = core[2:]
        if [t.bare for t in rest] in (["them"], ["those"]):
            return Phrase(GROUP, "them", False, None)
        if (
            rest[0].bare in ("the", "these", "those")
            and len(rest) <= 4
            and rest[-1].bare in lx.HEADS | {"people"}
        ):
            return Phrase(GROUP, rest[-1].bare, False, None)
    first = 0
    # "the ministry", "Her colleague Mr. Ochoa", "the two sides"
    while first < min(2, len(core) - 1) and (
        (core[first].bare in lx.DETERMINERS and not core[first].cap)
        or (first == 0 and core[0].text in ("The", "A", "An", "Her", "His", "Their", "Its", "Our"))
    ):
        first += 1
    body = core[first:]
    if not body or core[-1].possessive:
        return None
    # "a manager surnamed Zhang at a trading company in Ganzhou": the surname is the name
    named = next((k for k, t in enumerate(core[:-1]) if t.bare == "surnamed" and core[k + 1].cap), None)
    if named is not None and named > 0 and core[named - 1].bare in lx.HEADS | lx.ROLE_WORDS:
        return Phrase(PERSON, "", True, named + 1, named + 2)
    # "a spokesperson for the European Commission", "experts at Tsinghua University"
    for i, tok in enumerate(body[:-1]):
        # A capitalised head is a title ("Secretary of State Marco Rubio"), unless it opens the sentence.
        plain = not tok.cap or (i == 0 and tok.bare in lx.GROUP_HEADS)
        based = body[i + 1].bare == "based" and i + 2 < len(body) and body[i + 2].bare == "in"
        if plain and tok.bare in lx.HEADS and based and i + 3 < len(body) and _city(body[i + 3 :]):
            return Phrase(_kind_of(tok.bare), tok.bare, False, None)  # "an industry insider based in Baotou"
        if plain and tok.bare in lx.HEADS and body[i + 1].bare in lx.AFFILIATING and i + 2 < len(body):
            org = body[i + 2 :]
            if len(org) > 3 and org[0].bare == "one" and org[1].bare == "of":
                org = org[2:]  # "an executive at one of South Korea's three big battery makers"
            if org[0].bare in ("the", "a", "an") and not org[0].cap:
                org = org[1:]
            if len(org) > 1 and org[0].possessive and org[0].bare in _LOCAL_OWNERS | {"country", "nation"}:
                org = org[1:]  # "the head of the country's strategic minerals regulator"
            where = next((k for k, t in enumerate(org) if t.bare == "in" and not t.cap and k > 0), None)
            if (
                where is not None
                and _city(org[where + 1 :])
                and not (org[0].cap and _valid_words(org[:where]))
            ):
                org = org[:where]  # "an insider from a rare earth enterprise in Ganzhou"
            lead = body[: i + 1]
            if not _valid_words(lead) or not org:
                return None
            if org[0].cap and (_valid_words(org) or _placed_body(org)):
                return Phrase(_kind_of(tok.bare), tok.bare, True, None)
            plain_org = _plain_org(org)
            if tok.bare not in lx.INSTITUTION_HEADS and len(org) <= 7 and plain_org:
                # "an expert on the industry", "an executive at a Hunan-based antimony smelter"
                return Phrase(_kind_of(tok.bare), tok.bare, False, None)
            local = lead[0].possessive and lead[0].bare in _LOCAL_OWNERS
            if local and len(org) <= 6 and all(t.bare.isalpha() and not t.cap for t in org):
                # "the city's bureau of industry and information technology"
                return Phrase(INSTITUTION, tok.bare, False, None)
            return None
    # "an industry body representing European magnet makers", "a group lobbying for US miners"
    for i, tok in enumerate(body[:-2]):
        if tok.bare in lx.HEADS and not tok.cap and body[i + 1].bare in _SERVING and len(body) - i <= 8:
            lead, rest = body[: i + 1], body[i + 2 :]
            if rest[0].bare in ("for", "the", "a", "an") and not rest[0].cap:
                rest = rest[1:]
            if rest and _valid_words(lead) and (_valid_words(rest) or _plain(rest)):
                return Phrase(_kind_of(tok.bare), tok.bare, False, None)
            return None
    # "J. R. Smith of the U.S. Geological Survey", "Li of Fudan University"
    for i, tok in enumerate(body[1:-1], start=1):
        if tok.bare in ("of", "at", "from", "with") and not tok.cap:
            person = noun_phrase(core[: first + i])
            org = body[i + 2 :] if body[i + 1].bare == "the" else body[i + 1 :]
            if person and person.kind == PERSON and org and org[0].cap and _valid_words(org):
                return Phrase(PERSON, "", True, person.name_from, first + i)
            break
    joiner = next((i for i, t in enumerate(body) if t.bare in ("and", "or") and not t.cap), None)
    if (
        joiner is not None
        and 0 < joiner < len(body) - 1
        and _places(body[:joiner])
        and _places(body[joiner + 1 :])
    ):
        return None  # "Beijing and Brussels", "the United States and Mexico": two speakers
    if joiner is not None and 0 < joiner < len(body) - 1 and not body[joiner + 1].cap:
        # "trade lawyers and analysts", "traders and price reporting agencies"
        left, right = noun_phrase(body[:joiner]), noun_phrase(body[joiner + 1 :])
        if left is None or right is None or PRONOUN in (left.kind, right.kind):
            return None
        if GROUP not in (left.kind, right.kind):
            return None  # "the ministry and the European Commission": two speakers
        kind = GROUP if GROUP in (left.kind, right.kind) else right.kind
        return Phrase(kind, right.head, left.proper or right.proper, None)
    if not _valid_words(body):
        return None
    head = body[-1].bare
    proper = any(t.cap and t.bare not in lx.HEADS and not _is_role(t) for t in body)
    if head in lx.HEADS and not (body[-1].cap and len(body) == 1 and head in lx.OFFICIAL_HEADS):
        return Phrase(_kind_of(head), head, proper, None)
    if not body[-1].cap:
        return None
    # A proper name: split a title off the trailing name ("US Trade Representative Jamieson Greer").
    run = len(body)
    while run > 0 and len(body) - run < 5:
        tok = body[run - 1]
        particle = run < len(body) and not tok.cap and tok.bare in lx.NAME_PARTICLES  # "von der Leyen"
        if not (particle or name_token(tok, last=run == len(body))):
            break
        run -= 1
    if run == len(body):
        kind = OFFICIAL if _is_role(body[-1]) else INSTITUTION
        return Phrase(kind, head if kind == OFFICIAL else "", proper or kind == INSTITUTION, None)
    if run > 0 and body[run - 1].bare in lx.CONNECTORS:
        named = len(body) - run
        if named >= 3 and any(_is_role(t) for t in body[: run - 1]):
            # "Assistant Secretary for Export Enforcement Martin Keogh": the title's field runs into
            # the name; a name is two words, three with a middle initial ("Laura J. Bean").
            take = 3 if len(body[-2].bare) == 1 else 2
            return Phrase(PERSON, "", True, core.index(body[len(body) - take]))
        two_names = body[run - 1].text == "and" and run >= 2 and name_token(body[run - 2], last=False)
        if two_names and not any(t.bare in lx.ORG_WORDS or t.bare in lx.HEADS for t in body):
            return None  # "Greer and Ebrard" is two people
        return Phrase(INSTITUTION, "", True, None)  # "General Administration of Customs"
    if run > 0 and name_token(body[run - 1], last=False):
        return None  # more than four name words: not a name
    if run == len(body) - 1 and run > 0 and not _is_role(body[run - 1]) and not body[run - 1].possessive:
        # One name word after an organisation's words: "Japan Bank for International Cooperation"
        return Phrase(INSTITUTION, "", True, None)
    if run == 0 and any(t.bare in lx.CONNECTORS and t.bare not in lx.NAME_PARTICLES for t in body):
        return None
    if any(t.bare == "and" and i > 0 and name_token(body[i - 1], False) for i, t in enumerate(body[:run])):
        return None  # "Greer and Mexican Secretary of Economy Marcelo Ebrard" is two people
    if run <= 1 and body[0].bare.endswith(_BASED):
        return Phrase(INSTITUTION, "", True, None)  # "Perth-based Coolgardie Antimony": a company
    return Phrase(PERSON, "", True, core.index(body[run]))


_LOCAL_OWNERS = frozenset({"city", "province", "region", "county", "prefecture", "municipality", "state"})


def _placed_body(toks: Sequence[Token]) -> bool:
    """ "Chinese mission to the EU", "US embassy in Beijing": a body, then where or to whom it is;
    "Goldman Sachs in New York", "BHP in Melbourne": a named organisation, then where."""
    for k in range(1, len(toks) - 1):
        if toks[k].bare == "in" and not toks[k].cap and _valid_words(toks[:k]) and _city(toks[k + 1 :]):
            return True
        if toks[k - 1].bare in lx.INSTITUTION_HEADS and not toks[k].cap and toks[k].bare in lx.AFFILIATING:
            rest = toks[k + 1 :]
            if rest and rest[0].bare == "the" and not rest[0].cap:
                rest = rest[1:]
            return bool(rest) and rest[0].cap and _valid_words(toks[:k]) and _valid_words(rest)
    return False


_BASED = ("-based", "-listed", "-headquartered")
# The longest speaker phrase, in words: "a sales manager at a gallium producer in the southern Chinese
# region of Guangxi" is fourteen.
MAX_PHRASE = 16
_VERBS = lx.STRONG_VERBS | lx.WEAK_VERBS
_REGION_WORDS = lx.words("province prefecture region county state district")
_HOW_MANY = lx.words("one two three four five six some several many most all none each both")
_SERVING = frozenset(
    {"representing", "lobbying", "covering", "grouping", "advising", "tracking", "monitoring"}
)


def _city(toks: Sequence[Token]) -> bool:
    """A capitalised place name of one or two words ("Melbourne", "New York"), or a province given
    with its region ("Central China's Henan Province")."""
    if 1 < len(toks) <= 5 and all(t.cap for t in toks[:-1]) and toks[-1].bare in _REGION_WORDS:
        return True  # "Central China's Henan Province", "China's Zhejiang province"
    # "the southern Chinese region of Guangxi"
    if (
        3 < len(toks) <= 7
        and toks[0].bare == "the"
        and toks[-2].bare == "of"
        and toks[-3].bare in _REGION_WORDS
    ):
        return _city(toks[-1:])
    return 0 < len(toks) <= 2 and all(t.cap and t.bare.isalpha() and t.bare not in lx.CAP_STOP for t in toks)


def _places(toks: Sequence[Token]) -> bool:
    """Only a country or city name ("the United States", "Beijing"): a government as speaker."""
    return any(t.cap for t in toks) and all(t.bare in lx.GEO or t.bare == "the" for t in toks)


def _kind_of(head: str) -> str:
    if head in lx.GROUP_HEADS:
        return GROUP
    if head in lx.OFFICIAL_HEADS:
        return OFFICIAL
    return INSTITUTION


def speaker_from(text: str, toks: Sequence[Token], phrase: Phrase) -> Speaker:
    """The speaker a classified phrase names: a person's name is split from the title around it."""
    s, e = toks[0].start, toks[-1].end
    if phrase.name_from is None:
        core = [t for t in toks if not t.paren]
        k = 1 if len(core) > 2 and core[0].bare in ("a", "an", "the") else 0
        if (
            phrase.kind == INSTITUTION
            and len(core) > k + 1
            and core[k].bare.endswith(_BASED)
            and core[k + 1].cap
        ):
            # "Alabama-based Tuscaloosa Graphite Co": the company's name, and where it is as its title
            name = text[core[k + 1].start : e]
            return Speaker(name, text[s : core[k].end], phrase.kind, phrase.head, phrase.proper)
        if len(toks) > 1 and toks[-1].paren:
            e = toks[-2].end  # "China's Ministry of Commerce (MOFCOM)": the name without its short form
        return Speaker(text[s:e], "", phrase.kind, phrase.head, phrase.proper, gender=gender_of(text[s:e]))
    core = [t for t in toks if not t.paren]
    name_start = core[phrase.name_from].start
    titles = [text[s : core[phrase.name_from - 1].end]] if phrase.name_from > 0 else []
    titles = [_SURNAMED.sub("", t) for t in titles]  # "A manager surnamed" Zhang
    name_end = e
    if phrase.name_to is not None:
        name_end = core[phrase.name_to - 1].end
        titles = [t for t in titles if t.lower().rstrip(".") not in lx.HONORIFICS]
        if phrase.name_to < len(core):
            titles.append(text[core[phrase.name_to].start : e])
    return Speaker(
        text[name_start:name_end], ", ".join(titles), PERSON, "", True, gender=gender_of(text[s:e])
    )


_GENDER_WORD = re.compile(r"[A-Za-z]+")
_SURNAMED = re.compile(r"\s+surnamed$")


def gender_of(text: str) -> str:
    """ "m" or "f" when a courtesy title or a gendered role word says so ("Ms.", "spokesman"), else ""."""
    found = {lx.GENDERED.get(w.lower(), "") for w in _GENDER_WORD.findall(text)} - {""}
    return found.pop() if len(found) == 1 else ""


def tokens(text: str, start: int, end: int) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def is_description(toks: Sequence[Token]) -> bool:
    """A description of a speaker: "director of the ... Institute", "a Beijing-based think tank"."""
    if not toks or len(toks) > 40:
        return False
    first = toks[0].bare
    if first in ("who", "which", "whose", "responsible") or _ALSO_KNOWN.match(
        " ".join(t.text for t in toks[:3])
    ):
        return True
    if _AFFILIATED.match(" ".join(t.text for t in toks[:8])):
        return True  # "a materials scientist at the Fraunhofer Institute"
    if len(toks) == 1 and toks[0].cap:
        return False
    lead = toks[:6]
    if not any(_is_role(t) or t.bare in lx.DESC_NOUNS or t.bare.endswith("-based") for t in lead):
        return False
    return (
        first in lx.DETERMINERS
        or first in lx.MODIFIERS
        or _is_role(toks[0])
        or toks[0].cap
        or toks[0].possessive
        or "-" in first
        # "general manager of ...", "senior fellow at ..."
        or (first.isalpha() and first not in lx.FUNCTION_WORDS and any(_is_role(t) for t in toks[1:3]))
    )


def is_place(toks: Sequence[Token]) -> bool:
    return 0 < len(toks) <= 3 and all(t.cap for t in toks) and toks[-1].bare in lx.GEO
