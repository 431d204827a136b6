# ruff: noqa: RUF001 -- news text writes "60-day" and datelines with typographic hyphens and dashes
"""Dates written in news text -> calendar days, counted from the item's publication date.

`find_dates(sentence, published)` returns every date phrase in one sentence with what it
resolves to: one day ("November 10, 2026", "within 60 days"), a stretch of days ("mid-March",
"next week", "the second quarter"), or nothing ("in the coming months", "later this year",
"next year"). Whether a phrase names something still to come is decided by the caller
(`briefing.analysis.watch`); this module only reads dates.

Resolution rules:

- A day or month with a year is that day or month.
- A day or month with no year after a forward cue ("by", "until", "no later than", "from",
  "effective", "takes effect on") is the next such date on or after publication: an item of
  20 December saying "by 15 January" means the coming January. Without such a cue it is the
  nearest such date, before or after publication ("on 4 February" in an item of 14 February is
  the past 4 February), so past references stay in the past.
- "end of March" is 31 March; "early / mid / late March" are the 1st-10th, 11th-20th and
  21st-last; "early / mid / late 2026" are January-April, May-August, September-December;
  "Q2 2026" is April-June; "next week" is the Monday to Sunday after publication; "next month"
  the calendar month after it. A bare year counts only after "by", "before" or "until" and
  only up to the year after publication ("by 2030" is a target, not something to watch).
- A span ("within 60 days", "a 30-day consultation", "in 180 days") counts from the day stated
  nearest to it in the same clause that is not after publication ("agreed on February 4",
  "said on Tuesday"), else from the publication date; `anchored` says which.
- Seasons, "soon", "in the coming weeks/months", "later this year" and "next year" are phrases
  with no date.
- A dateline ("WASHINGTON, Feb 2 (Meridian) - ") is not a date in the text.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Form = Literal["day", "month", "part", "week", "span", "vague"]

_MONTH_NAMES = (
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May",),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
# Capitalised only ("may", "march" and "august" are also words); a dot only after an abbreviation.
_FULL = sorted((names[0] for names in _MONTH_NAMES), key=len, reverse=True)
_SHORT = sorted((n for names in _MONTH_NAMES for n in names[1:]), key=len, reverse=True)
_MONTH = rf"(?:(?:{'|'.join(_FULL)})\b|(?:{'|'.join(_SHORT)})\b\.?)"
_YEAR = r"(?:19|20)\d{2}\b"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HYPHEN = r"[-‐‑–]"

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"

# Words before a date phrase that say how to read it; the verb is kept in the raw phrase.
_VERB = (
    r"(?:(?:takes?|took|taking|to take) effect|(?:enters?|entering|to enter|comes?|coming|to come) into force"
    r"|(?:is |are |was |were |has been |have been |be )?(?:suspended|extended|valid|in force|paused)"
    r"|expires?|expiring|runs?|running|lasts?|due|scheduled|set|slated|planned)"
)
_PREP = (
    r"(?:no later than|not later than|as of|as from|starting|beginning|effective|until|till|through|by"
    r"|before|from|within|during|on|in|at|around|for|since|after|over the next|over|of|than)"
)
_CUE = re.compile(
    rf"(?P<cue>\b(?:{_VERB}\s+)?(?P<prep>{_PREP})(?:\s+the)?|\b{_VERB}(?:\s+the)?)\s*$", re.IGNORECASE
)
FORWARD = frozenset(
    [
        *("no later than", "not later than", "as of", "as from", "starting", "beginning", "effective"),
        *("until", "till", "through", "by", "before", "from"),
    ]
)
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z.'/ ]*[A-Z](?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*(?:\([^)]{1,40}\))?)?\s+[-–—]+\s+"
)
_CLAUSE_BREAK = re.compile(r"\s*(?:;|:(?=\s)|\s[—–]\s)\s*")


@dataclass(frozen=True)
class Resolved:
    """The days a phrase allows: `first` to `last` (the same day for an exact date)."""

    first: date
    last: date
    when: str
    exact: bool = True


@dataclass(frozen=True)
class DateMention:
    """One date phrase: `start:end` is the raw phrase (cue included), `prep:end` the part that
    only says when (left out of labels), all as offsets in the sentence."""

    start: int
    prep: int
    end: int
    raw: str
    cue: str
    form: Form
    resolved: Resolved | None
    span: tuple[int, str] | None = None
    anchored: bool = False

    @property
    def preposition(self) -> str:
        words = self.cue.lower().split()
        while words and words[-1] == "the":
            words.pop()
        for size in (3, 2, 1):
            if " ".join(words[-size:]) in FORWARD or (size == 1 and words):
                return " ".join(words[-size:])
        return ""

    @property
    def forward(self) -> bool:
        low = self.cue.lower()
        return self.preposition in FORWARD or "effect" in low or "force" in low or low.startswith("due")


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: parts split at semicolons, colons and spaced dashes."""
    bounds, start = [], 0
    for m in _CLAUSE_BREAK.finditer(sentence):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, len(sentence)))
    return [(s, e) for s, e in bounds if e > s]


def day_label(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_of(month: int, day: int, published: date, *, forward: bool) -> int:
    """The year of a month (and day) written without one; see the module docstring."""
    if forward:
        this_year = _valid(published.year, month, day) or _month_end(published.year, month)
        return published.year if this_year >= published else published.year + 1
    years = (published.year - 1, published.year, published.year + 1)
    on = {y: _valid(y, month, day) or _month_end(y, month) for y in years}
    return min(years, key=lambda y: (abs((on[y] - published).days), on[y] < published))


def _month_range(year: int, month: int, part: str) -> Resolved:
    end = _month_end(year, month)
    name = f"{calendar.month_name[month]} {year}"
    key = " ".join(part.lower().replace("the ", "").replace("-", " ").split())
    if key in ("end of", "end"):
        return Resolved(end, end, day_label(end))
    if key in ("early", "beginning of", "start of"):
        return Resolved(date(year, month, 1), date(year, month, 10), f"early {name}", exact=False)
    if key in ("mid", "middle of"):
        return Resolved(date(year, month, 11), date(year, month, 20), f"mid-{name}", exact=False)
    if key == "late":
        return Resolved(date(year, month, 21), end, f"late {name}", exact=False)
    return Resolved(date(year, month, 1), end, name, exact=False)


_YEAR_PARTS = {
    "early": (1, 4, "early {}"),
    "beginning of": (1, 4, "early {}"),
    "start of": (1, 4, "early {}"),
    "first half of": (1, 6, "first half of {}"),
    "mid": (5, 8, "mid-{}"),
    "middle of": (5, 8, "mid-{}"),
    "second half of": (7, 12, "second half of {}"),
    "late": (9, 12, "late {}"),
}
_QUARTERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _year_range(year: int, part: str) -> Resolved:
    key = " ".join(part.lower().replace("the ", "").replace("-", " ").split())
    if key in ("end of", "end"):
        return Resolved(date(year, 12, 31), date(year, 12, 31), day_label(date(year, 12, 31)))
    first, last, label = _YEAR_PARTS.get(key, (1, 12, "{}"))
    return Resolved(date(year, first, 1), _month_end(year, last), label.format(year), exact=False)


def _add(start: date, n: int, unit: str) -> date:
    if unit.startswith(("business", "working")):
        day, left = start, n
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < 5
        return day
    if unit == "day":
        return start + timedelta(days=n)
    if unit == "week":
        return start + timedelta(weeks=n)
    months = start.month - 1 + n
    year, month = start.year + months // 12, months % 12 + 1
    return _valid(year, month, start.day) or _month_end(year, month)


def _named(name: str, published: date) -> Resolved:
    low = " ".join(name.lower().split())
    monday = published - timedelta(days=published.weekday())
    if low == "next week":
        first = monday + timedelta(weeks=1)
        return Resolved(first, first + timedelta(days=6), f"week of {day_label(first)}", exact=False)
    if low == "later this week":
        return Resolved(published, monday + timedelta(days=6), f"week of {day_label(monday)}", exact=False)
    if low == "tomorrow":
        day = published + timedelta(days=1)
        return Resolved(day, day, day_label(day))
    if low in ("next month", "later this month"):
        year, month = published.year, published.month
        if low == "next month":
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        first = published if low == "later this month" else date(year, month, 1)
        return Resolved(first, _month_end(year, month), f"{calendar.month_name[month]} {year}", exact=False)
    target = _WEEKDAYS.index(low.split()[-1])
    day = published + timedelta(days=(target - published.weekday() - 1) % 7 + 1)
    return Resolved(day, day, day_label(day))


# ------------------------------------------------------------------------------ patterns

_DAY_MONTH = re.compile(rf"\b(?P<d>{_DAY})(?:\s+of)?\s+(?P<m>{_MONTH})(?:,?\s+(?P<y>{_YEAR}))?")
_MONTH_DAY = re.compile(
    rf"\b(?P<m>{_MONTH})\s+(?P<d>{_DAY})(?!\s*(?:%|percent|per cent|million|billion|[.,]\d))"
    rf"(?:,?\s+(?P<y>{_YEAR}))?"
)
_ISO = re.compile(r"\b(?P<y>20\d{2})-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])\b")
_PART = rf"(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+|early\s+|late\s+|mid{_HYPHEN}?\s*|end{_HYPHEN}"
_MONTH_PART = re.compile(rf"\b(?P<part>(?i:{_PART}))?(?P<m>{_MONTH})(?:\s+(?P<y>{_YEAR}))?")
_YEAR_PART = re.compile(
    rf"\b(?P<part>(?:the\s+)?(?:first|second)\s+half\s+of\s+|{_PART})(?P<y>{_YEAR})", re.IGNORECASE
)
_QUARTER = re.compile(
    rf"\b(?:Q(?P<qn>[1-4])\s+(?P<y1>{_YEAR})|the\s+(?P<qw>first|second|third|fourth)\s+quarter"
    rf"(?:\s+of\s+(?P<y2>{_YEAR}|this\s+year|next\s+year))?)",
    re.IGNORECASE,
)
_PERIOD_END = re.compile(
    r"\b(?:the\s+)?(?:end\s+of\s+(?:the|this)\s+(?P<unit>year|month)|(?P<ye>year|month)[-\s]end"
    r"|end\s+of\s+next\s+(?P<next>year|month))\b",
    re.IGNORECASE,
)
_BARE_YEAR = re.compile(rf"\b(?P<y>{_YEAR})(?!\s*(?:%|percent|{_HYPHEN}\d|/))")
_NAMED = re.compile(
    r"\b(?P<name>next\s+week|next\s+month|later\s+this\s+week|later\s+this\s+month|tomorrow"
    r"|(?:next|this\s+coming)\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_SPAN = re.compile(
    rf"\b(?P<n>{_NUMBER})(?:\s+|{_HYPHEN})(?P<unit>(?:business\s+|working\s+)?(?:day|week|month))s?\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(
    r"\b(?:in\s+the\s+(?:coming|next\s+few)\s+(?:days|weeks|months)|in\s+the\s+near\s+future|later\s+this\s+year"
    rf"|(?:early\s+|later\s+)?next\s+year|soon|shortly|in\s+the\s+(?:spring|summer|autumn|fall|winter)"
    rf"(?:\s+of\s+{_YEAR})?)\b",
    re.IGNORECASE,
)
_PAST_TENSE = re.compile(
    r"\b(?:was|were|had|ran|lasted|remained|ended|expired|took|came|entered|began|started)\b", re.IGNORECASE
)
_WEEKDAY_ANCHOR = re.compile(r"\bon\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")


def _day_of(m: re.Match[str], published: date, *, forward: bool) -> date | None:
    month = _MONTHS[m.group("m").rstrip(".")]
    day = int(re.sub(r"\D", "", m.group("d")))
    year = int(m.group("y")) if m.group("y") else _year_of(month, day, published, forward=forward)
    return _valid(year, month, day)


class _Finder:
    def __init__(self, sentence: str, published: date) -> None:
        self.sentence = sentence
        self.published = published
        dateline = DATELINE.match(sentence)
        self.begin = dateline.end() if dateline else 0
        self.found: list[DateMention] = []

    def cue(self, at: int) -> tuple[str, int, int]:
        """The cue before `at`, where it starts and where its preposition starts."""
        left = self.sentence[max(self.begin, at - 60) : at]
        m = _CUE.search(left)
        if not m:
            return "", at, at
        offset = at - len(left)
        prep = m.start("prep") if m.group("prep") else m.end("cue")
        return m.group("cue").strip(), offset + m.start("cue"), offset + prep

    def add(self, m: re.Match[str], form: Form, resolved: Resolved | None, **extra: object) -> None:
        cue, start, prep = self.cue(m.start())
        raw = self.sentence[start : m.end()].strip()
        self.found.append(DateMention(start, prep, m.end(), raw, cue, form, resolved, **extra))  # type: ignore[arg-type]

    def matches(self, pattern: re.Pattern[str]) -> list[re.Match[str]]:
        return list(pattern.finditer(self.sentence, self.begin))

    def forward(self, at: int) -> bool:
        """A forward cue ("until", "by") not told in the past tense ("ran until", "took effect on")."""
        clause_start = max((s for s, _ in clauses(self.sentence) if s <= at), default=0)
        if _PAST_TENSE.search(self.sentence[max(clause_start, at - 50) : at]):
            return False
        return DateMention(at, at, at, "", self.cue(at)[0], "day", None).forward

    def anchor(self, at: int) -> date | None:
        """The stated day nearest to position `at` in its clause, if not after publication."""
        bounds = next(((s, e) for s, e in clauses(self.sentence) if s <= at < e), (0, len(self.sentence)))
        found: list[tuple[int, date]] = []
        for pattern in (_DAY_MONTH, _MONTH_DAY):
            for m in pattern.finditer(self.sentence, max(bounds[0], self.begin), bounds[1]):
                day = _day_of(m, self.published, forward=False)
                if day is not None and day <= self.published:
                    found.append((abs(m.start() - at), day))
        for m in _WEEKDAY_ANCHOR.finditer(self.sentence, max(bounds[0], self.begin), bounds[1]):
            back = (self.published.weekday() - _WEEKDAYS.index(m.group("wd").lower())) % 7
            found.append((abs(m.start() - at), self.published - timedelta(days=back)))
        return min(found)[1] if found else None


def find_dates(sentence: str, published: date) -> list[DateMention]:
    """Every date phrase in `sentence`, resolved against `published` (see the module docstring)."""
    f = _Finder(sentence, published)
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in f.matches(pattern):
            day = _day_of(m, published, forward=f.forward(m.start()))
            if day is not None:
                f.add(m, "day", Resolved(day, day, day_label(day)))
    for m in f.matches(_ISO):
        day = _valid(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
        if day is not None:
            f.add(m, "day", Resolved(day, day, day_label(day)))
    for m in f.matches(_MONTH_PART):
        part = m.group("part") or ""
        if not part and not f.cue(m.start())[0]:
            continue  # a month name with nothing before it is too often something else
        month = _MONTHS[m.group("m").rstrip(".")]
        year = (
            int(m.group("y"))
            if m.group("y")
            else _year_of(month, 15, published, forward=f.forward(m.start()))
        )
        f.add(m, "part" if part else "month", _month_range(year, month, part))
    for m in f.matches(_YEAR_PART):
        f.add(m, "part", _year_range(int(m.group("y")), m.group("part")))
    for m in f.matches(_QUARTER):
        quarter = _QUARTERS[(m.group("qn") or m.group("qw")).lower()]
        year_text = " ".join((m.group("y1") or m.group("y2") or "this year").lower().split())
        year = int(year_text) if year_text[0].isdigit() else published.year + (year_text == "next year")
        first, last = date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
        f.add(m, "part", Resolved(first, last, f"Q{quarter} {year}", exact=False))
    for m in f.matches(_PERIOD_END):
        unit = (m.group("unit") or m.group("ye") or m.group("next")).lower()
        year, month = published.year, published.month
        if m.group("next") and unit == "year":
            year += 1
        elif m.group("next"):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        last = date(year, 12, 31) if unit == "year" else _month_end(year, month)
        f.add(m, "part", Resolved(last, last, day_label(last)))
    for m in f.matches(_BARE_YEAR):
        year = int(m.group("y"))
        cue = f.cue(m.start())[0].lower().split()
        if cue and cue[-1] in ("by", "before", "until") and year <= published.year + 1:
            f.add(m, "part", Resolved(date(year, 1, 1), date(year, 12, 31), str(year), exact=False))
    for m in f.matches(_NAMED):
        f.add(m, "week", _named(m.group("name"), published))
    for m in f.matches(_SPAN):
        n = int(m.group("n")) if m.group("n").isdigit() else _NUMBERS[m.group("n").lower()]
        unit = " ".join(m.group("unit").lower().split())
        anchor = f.anchor(m.start())
        due = _add(anchor or published, n, unit)
        f.add(m, "span", Resolved(due, due, day_label(due)), span=(n, unit), anchored=anchor is not None)
    for m in f.matches(_VAGUE):
        f.add(m, "vague", None)
    return _without_overlaps(f.found)


def _without_overlaps(found: list[DateMention]) -> list[DateMention]:
    """Where phrases overlap, keep the longer (a day rather than the month inside it)."""
    kept: list[DateMention] = []
    for mention in sorted(found, key=lambda f: (-(f.end - f.prep), f.start)):
        if not any(mention.prep < k.end and k.prep < mention.end for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda f: f.start)
