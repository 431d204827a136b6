# ruff: noqa: RUF001, RUF002, RUF003 -- news text quotes with typographic marks (“ ” ‘ ’ « ») on purpose
"""Plain-text structure for analysis: paragraphs, sentences and quotations, with character offsets.

Everything here works on the item's stored text and returns offsets into it, so that whatever is
later quoted from a span can be checked against the source (`text[start:end]`).
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from briefing.analysis.lexicon import words


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quotation:
    """Text between quotation marks. `start:end` is the inside, trimmed; `open:close` includes the marks."""

    open: int
    close: int
    start: int
    end: int
    closed: bool

    def word_count(self, text: str) -> int:
        return len(text[self.start : self.end].split())


@dataclass(slots=True)
class Paragraph:
    start: int
    end: int
    heading: bool
    sentences: list[Span] = field(default_factory=list)
    quotes: list[Quotation] = field(default_factory=list)


# Capital letters for regex classes, Latin accented ones included ("Šefčovič").
UPPER = "A-Z" + "".join(chr(c) for c in range(0xC0, 0x250) if chr(c).isupper())

_LINE = re.compile(r"[^\n]+")

# Opening and closing marks of double quotations (straight quotes toggle).
_OPENERS = {"“": "”", "«": "»", "„": "“", "「": "」"}
_DOUBLE_MARKS = re.compile('["“”«»„「」]')

_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[“\"—–-]))[‘'](?=[^\s'‘’])")
_SINGLE_CLOSE = re.compile(r"(?<=[^\s'‘’])[’'](?=$|[\s,.;:!?)\]”\"—–-])")

# A candidate sentence end: terminal punctuation, closing marks, whitespace, then a capital or digit.
_BOUNDARY = re.compile(rf"[.!?…]+[\"'”’»)\]]*(?=\s+[\"“‘«(\[]?[{UPPER}0-9])")
_CJK_BOUNDARY = re.compile(r"[。！？]+[”」』]?(?=\S)")
_WORD_BEFORE = re.compile(r"(\S+)$")
_NEXT_WORD = re.compile(r"\s+[\"“‘«(\[]?(\w[\w'’-]*)")

# Never a sentence end: titles and abbreviations that are followed by a name or a number.
_NO_SPLIT = words(
    "mr mrs ms dr prof sen rep gov gen lt col capt sgt st jr sr mt ft messrs hon rev fr pres atty supt "
    "no nos vs fig figs vol pp para art sec ch approx est dept univ assn bros e.g i.e cf"
)
_MONTHS = words("jan feb mar apr jun jul aug sep sept oct nov dec")
# Ends a sentence only when the next word usually starts one ("... by the U.S. The ministry ...").
_MAYBE_SPLIT = words("inc corp ltd co plc llc")
_ACRONYM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_SENTENCE_STARTERS = words(
    """the a an this that these those it its he she they we i in on at but and however meanwhile some many
    according after before while when as last earlier later since under with for speaking asked there such
    both other if his her their our what why how separately also yet still instead overall"""
)

_HEADING_END = re.compile(r"[.!?…:;\"'”’»)\]。！？；：」]\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SPANISH = words("de la el que los las del y en por para con se una")
_ENGLISH = words("the of and to in that is for on with as by")


def _double_quotes(text: str, start: int, end: int) -> list[Quotation]:
    found: list[tuple[int, int, bool]] = []
    open_at: int | None = None
    open_mark = ""
    for mark in _DOUBLE_MARKS.finditer(text, start, end):
        i, ch = mark.start(), mark.group(0)
        if ch == '"':
            if open_at is None:
                open_at, open_mark = i, '"'
            elif open_mark == '"':
                found.append((open_at, i + 1, True))
                open_at = None
            continue
        if open_at is not None and open_mark != '"' and ch == _OPENERS.get(open_mark):
            found.append((open_at, i + 1, True))
            open_at = None
        elif ch in _OPENERS and open_at is None:
            open_at, open_mark = i, ch
        elif ch in _OPENERS and open_at is not None and open_mark != '"' and ch == open_mark:
            # A second opener before a closer: the first quotation runs on past this paragraph.
            found.append((open_at, i, False))
            open_at = i
    if open_at is not None:
        found.append((open_at, end, False))
    return [_quotation(text, o, c, closed) for o, c, closed in found]


def _single_quotes(text: str, start: int, end: int, doubles: list[Quotation]) -> list[Quotation]:
    """‘...’ and '...' pairs, kept only when they look like quotations rather than apostrophes."""

    def inside_double(pos: int) -> bool:
        return any(q.open < pos < q.close for q in doubles)

    closers = [m.start() for m in _SINGLE_CLOSE.finditer(text, start, end) if not inside_double(m.start())]
    found: list[Quotation] = []
    last_close = -1
    for m in _SINGLE_OPEN.finditer(text, start, end):
        o = m.start()
        if o <= last_close or inside_double(o):
            continue
        close = next((c for c in closers if c > o + 1), None)
        if close is None:
            continue
        quote = _quotation(text, o, close + 1, True)
        words = quote.word_count(text)
        # Apostrophes pair up by accident; a real quotation is a few words and stays in one paragraph.
        if 2 <= words <= 80:
            found.append(quote)
            last_close = close
    return found


def _quotation(text: str, open_: int, close: int, closed: bool) -> Quotation:
    s = open_ + 1
    e = close - 1 if closed else close
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Quotation(open=open_, close=close, start=s, end=e, closed=closed)


def _is_sentence_end(text: str, punct_start: int, boundary_end: int, para_start: int) -> bool:
    if text[punct_start] != ".":
        return True
    m = _WORD_BEFORE.search(text, para_start, punct_start + 1)
    token = m.group(1) if m else ""
    bare = token.rstrip(".").lstrip("(\"“‘'").lower()
    nxt = _NEXT_WORD.match(text, boundary_end)
    next_word = nxt.group(1) if nxt else ""
    if bare in _NO_SPLIT:
        return False
    if bare in _MONTHS:
        return not next_word[:1].isdigit() and next_word.lower() in _SENTENCE_STARTERS
    if len(bare) == 1 and bare.isalpha() and token[:1].isupper():
        return False  # an initial: "J. R. Smith"
    if bare in _MAYBE_SPLIT or _ACRONYM.match(token.lstrip("(\"“‘'")):
        return next_word.lower() in _SENTENCE_STARTERS
    return True


def _sentences(text: str, start: int, end: int, quotes: list[Quotation]) -> list[Span]:
    closed = [q for q in quotes if q.closed and q.close - q.open < 1500]
    opens = [q.open for q in closed]
    spans: list[Span] = []
    cur = start
    ends = [*_BOUNDARY.finditer(text, start, end), *_CJK_BOUNDARY.finditer(text, start, end)]
    for m in sorted(ends, key=lambda m: m.start()):
        k = bisect.bisect_left(opens, m.start()) - 1
        if k >= 0 and m.end() < closed[k].close:
            continue  # inside a quotation: "A. B," he said. stays one sentence
        if m.start() < cur or not _is_sentence_end(text, m.start(), m.end(), start):
            continue
        spans.append(Span(cur, m.end()))
        cur = m.end()
    spans.append(Span(cur, end))
    out = []
    for span in spans:
        s, e = span.start, span.end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Span(s, e))
    return out


def _normal(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", value.lower()).split())


@functools.lru_cache(maxsize=64)
def paragraphs(text: str, title: str = "") -> list[Paragraph]:
    """Split text into paragraphs (one per line), each with its sentences and quotations.

    A line is a heading when it repeats the title or is short and has no closing punctuation;
    headings get no sentences, so nothing is attributed or summarised from them.
    """
    title_key = _normal(title)
    out: list[Paragraph] = []
    for line in _LINE.finditer(text):
        s, e = line.start(), line.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s == e:
            continue
        body = text[s:e]
        heading = (bool(title_key) and _normal(body) == title_key) or (
            len(body.split()) <= 20 and not _HEADING_END.search(body)
        )
        para = Paragraph(start=s, end=e, heading=heading)
        if not heading:
            doubles = _double_quotes(text, s, e)
            para.quotes = sorted(doubles + _single_quotes(text, s, e, doubles), key=lambda q: q.open)
            para.sentences = _sentences(text, s, e, para.quotes)
        out.append(para)
    return out


def spelled_out(text: str, acronym: str, before: int) -> str:
    """What an acronym stands for, if the text said so first: "the Secretaría de Economía (SE)"."""
    words_before = rf"(?:[{UPPER}][\w'’.&-]*\s+(?:(?:de|del|of|for|and|y|la|the)\s+)*){{1,8}}"
    found = list(re.finditer(rf"({words_before})\({re.escape(acronym)}\)", text[:before]))
    return found[-1].group(1).strip() if found else ""


def language(text: str, declared: str | None = None) -> str:
    """ "zh", "es" or "en": the text's own script and words first, since feeds often declare "en"."""
    sample = text[:4000]
    if len(_CJK.findall(sample)) > len(_LATIN.findall(sample)):
        return "zh"
    tokens = sample.lower().split()
    spanish = sum(1 for t in tokens if t in _SPANISH)
    english = sum(1 for t in tokens if t in _ENGLISH)
    if spanish > 2 * english or ((declared or "").lower().startswith("es") and spanish >= english):
        return "es"
    return "en"


def sentence_spans(text: str, title: str = "") -> list[Span]:
    """All sentences of the text outside headings, in order."""
    return [span for para in paragraphs(text, title) for span in para.sentences]
