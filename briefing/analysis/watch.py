# ruff: noqa: RUF001 -- news text uses typographic quotes and dashes
"""What to watch: dates and deadlines stated in the sources, as calendar days, soonest first.

    extract(stories, items)                every date phrase that names something still to come
                                           when its item was published: one WatchItem each
    merge(mentions)                        the same deadline in several reports -> one entry
    update(store, stories, items, ...)     this window's phrases stored; ones from earlier runs
                                           carried over; each entry marked against the window end

Precision over recall. A phrase is kept only when it names something that had not happened yet
when the item was published:

- a date after a forward cue ("by", "until", "no later than", "takes effect on", "effective");
- a date after the publication date in a clause that looks ahead ("will", "would", "is due",
  "expected", "scheduled", "resume", "ends" ...);
- a span that counts forward ("within 60 days", "in 180 days", "a 30-day consultation", "gave
  negotiators 180 days to"), from the day stated nearest to it in its clause, else from the
  publication date. A span whose start the text does not give ("the 180-day period", "a plan
  agreed last week", "has given partners 180 days") is kept with no date, and joins the entry
  with the same span when `merge` finds one;
- vague phrases ("in the coming months", "later this year", "next year", "in the spring") only
  in a clause that looks ahead and names an event (announce, review, publish ...): no date.

A day before publication ("on 4 February the ministry said", "on Tuesday") is never an entry,
and a clause that gives a day drops its vaguer phrases. Dates resolve as `briefing.analysis.dates`
says, from the item's own local publication day when its feed gave a time zone.

Entries are stored (`watch` table) one per phrase. A later run lists the stored ones from items
before its window that fall due in or after it (or, with no date, were published within
`OPEN_DAYS`), merged with its own; `status` says which passed before the window end.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from briefing.analysis.dates import DATELINE, DateMention, clauses, find_dates
from briefing.analysis.text import sentence_spans
from briefing.models import Item, Story, WatchItem, WatchKind, WatchSource, Window
from briefing.store import Store

OPEN_DAYS = 60  # how long an entry with no date is carried into later briefings

_LOOKS_AHEAD = re.compile(
    r"\b(?:will|would|shall|must|'ll|is to|are to|intends?|intention|plans?|planned|aims?|expects?|expected"
    r"|due|deadline|scheduled|slated|set to|commit\w*|pledged?|promised?|has to|have to|required|needs? to"
    r"|should|next|upcoming|ahead|resumes?|begins?|starts?|ends?|reach(?:es)?|opens?|closes?|expires?|runs?"
    r"|takes? effect|enters? into force|comes? into force|convenes?|meets?|concludes?)\b",
    re.IGNORECASE,
)
_EVENT = re.compile(
    r"\b(?:announc\w*|publish\w*|releas\w*|decid\w*|decision|review\w*|vote|meet\w*|talks|summit|hearing"
    r"|conclud\w*|sign\w*|submit\w*|present\w*|adopt\w*|launch\w*|take effect|enter into force|expir\w*"
    r"|resum\w*|complet\w*|finali[sz]\w*|issu\w*|deadline|negotiat\w*)\b",
    re.IGNORECASE,
)
_SPAN_NOUN = re.compile(
    r"^[-‐‑–]?\s*(?:[\w’'-]+\s+){0,3}?(?:deadline|period|window|timetable|timeline|consultation|plan|review"
    r"|moratorium|pause|truce|suspension|notice|mark|clock|countdown|negotiations?|programme|program)\b",
    re.IGNORECASE,
)
_SPAN_AFTER = re.compile(r"^\s*(?:ago|earlier|later|after|before|old|long|since|in a row|straight)\b", re.I)
_SPAN_BEFORE = re.compile(r"\b(?:past|last|previous|first|recent)\s+(?:the\s+)?$", re.IGNORECASE)
_GRANTED = re.compile(r"\b(?:gave|gives?|given|granted|grants?|allowed|allows?)\b[^.;]{0,80}$", re.IGNORECASE)
_GRANTED_EARLIER = re.compile(r"\b(?:gave|given|granted|allowed)\b", re.IGNORECASE)
_INFINITIVE = re.compile(r"^\s*to\s+[a-z]", re.IGNORECASE)
_PAST_TIME = re.compile(r"\b(?:last\s+(?:week|month|year)|earlier\s+this\s+(?:week|month|year)|ago)\b", re.I)
_REPORTED_THAT = re.compile(
    r"\b(?:said|says|say|noted|stated|added|told|warned|confirmed|explained|stressed|argued|hoped|insisted)\b"
    r"(?:\s+[^\s,]+){0,10}?\s+that,?\s+",
    re.IGNORECASE,
)
_AND_THEN = re.compile(
    r",?\s+(?:and\s+(?=(?:will|would|shall|must|could|can|is|are|to)\b)|and\s+that\b,?\s*|but\s+)",
    re.IGNORECASE,
)
_ASIDE = re.compile(r",\s+(?:including|which|who|whose|such as)\b[^,]*,", re.IGNORECASE)
_FINITE = re.compile(r"\b(?:will|would|shall|must|could|can|is|are|intends?|plans?)\b", re.IGNORECASE)
_SAID_FIRST = re.compile(r"^(?:[\w’'.-]+\s+){1,6}(?:said|says)\s+(?:on\s+\w+\s+)?(?!that\b)")
_TRAILING_ATTRIBUTION = re.compile(
    r",?\s+(?:(?:the\s+)?[A-Z][\w.’'-]*\s+){1,4}(?:said|says|added|noted)\s*[.,]?$|,\s+(?:said|says)\s+.{1,60}$"
)
_KINDS: list[tuple[WatchKind, re.Pattern[str]]] = [
    ("deadline", re.compile(r"\bdeadline\b", re.I)),
    (
        "effective",
        re.compile(
            r"\b(?:takes?|took|taking|take) effect|into force|\beffective\b|\bappl(?:y|ies) from\b", re.I
        ),
    ),
    (
        "expiry",
        re.compile(
            r"\b(?:suspen\w*|expir\w*|laps\w*|runs? out|ends?|moratorium|truce|exemption|valid|paused?)\b",
            re.I,
        ),
    ),
    (
        "meeting",
        re.compile(
            r"\b(?:meeting|meet|talks|summit|ministerial|hearing|conference|consultations?|round|session|vote"
            r"|visit|forum|review\w*)\b",
            re.I,
        ),
    ),
    ("publication", re.compile(r"\b(?:publish\w*|publication|report|release|results|assessment)\b", re.I)),
]
_STOP = frozenset(
    """the and for with from that this these those will would shall its their his her said says say has
    have had was were are been being than then into over under about after before until within days day
    weeks week months month year years also more most other next last early late end per cent percent
    official officials spokesperson critical minerals mineral united states which who whose there they
    them what when while where both such can could may might must should our out all any some not only
    own two""".split()  # noqa: SIM905 -- a word list reads better as text
)


# ------------------------------------------------------------------------------ extraction


def local_day(item: Item) -> date:
    """The publication day where the item was published, when the feed gave its offset."""
    raw = item.published_raw.strip()
    candidates: list[datetime] = []
    with suppress(TypeError, ValueError, IndexError):
        candidates.append(parsedate_to_datetime(raw))
    with suppress(ValueError):
        candidates.append(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    for when in candidates:
        if when.tzinfo is not None and abs(when - item.published) < timedelta(minutes=1):
            return when.date()
    return item.published.astimezone(UTC).date()


def _watchable(m: DateMention, clause: str, before: str, after: str, published: date) -> bool | None:
    """True: an entry with its date; None: an entry with no date; False: not an entry."""
    looks_ahead = bool(_LOOKS_AHEAD.search(clause))
    if m.form == "vague":
        if m.raw.lower().endswith(("soon", "shortly")) and not re.search(
            r"\b(?:will|would|expected|due|to be)\s+(?:\w+\s+)?$", before, re.IGNORECASE
        ):
            return False
        return None if looks_ahead and _EVENT.search(clause) else False
    resolved = m.resolved
    if resolved is None or resolved.last < published or m.preposition in ("since", "after"):
        return False
    if m.form == "span":
        return _span_watchable(m, clause, before, after, looks_ahead)
    if m.form == "week":
        return True
    if m.preposition in ("by", "until", "till", "through", "than") or "effect" in m.cue or "force" in m.cue:
        return True
    if m.forward:
        return resolved.first >= published
    return resolved.first > published and looks_ahead


def _span_watchable(m: DateMention, clause: str, before: str, after: str, looks_ahead: bool) -> bool | None:
    if _SPAN_AFTER.match(after) or _SPAN_BEFORE.search(before):
        return False
    noun = bool(_SPAN_NOUN.match(after))
    granted = bool(_GRANTED.search(before) and _INFINITIVE.match(after))
    counting = m.preposition in ("within", "in", "over the next", "for") and looks_ahead
    if not (noun or granted or counting or m.cue.lower().startswith(("run", "last"))):
        return False
    if _PAST_TIME.search(clause):
        return None  # the count started at some earlier, unstated day ("agreed last week")
    if m.anchored:
        return True
    if granted and _GRANTED_EARLIER.search(before):
        return None  # "has given partners 180 days": given when?
    if noun and not re.search(r"\b(?:a|an)\s*$", before, re.IGNORECASE):
        return None  # "the 180-day period", "its 60-day mark": a period introduced elsewhere
    return True


def _label(clause: str, m: DateMention, offset: int, *, keep_phrase: bool) -> str:
    """What happens: the clause without its date phrase, dateline or "X said that".

    A span that is part of what happens ("a 60-day plan", "gave negotiators 180 days to") stays."""
    cut_from = m.end - offset if keep_phrase else max(m.prep - offset, 0)
    head, tail = clause[:cut_from], clause[m.end - offset :]
    # ", due in May," and "which runs until 10 November" say only when: they go with the date.
    verb = re.search(
        r"(?:,\s*due|(?<!\bis)(?<!\bare)\s+due|\b(?:which\s+)?(?:runs?|running|lasts?))\s*$",
        head,
        re.IGNORECASE,
    )
    if verb and not keep_phrase:
        head = head[: verb.start()]
    head = DATELINE.sub("", head, count=1)
    thats = list(_REPORTED_THAT.finditer(head))
    head = head[thats[-1].end() :] if thats else _SAID_FIRST.sub("", head, count=1)
    head = re.split(r"\band that,?\s+", head)[-1]
    head = re.sub(r"^according to [^,]{1,80},\s*", "", head, flags=re.IGNORECASE)
    # "X will publish A and will hold B in March": what falls in March is "X will hold B".
    joints = list(_AND_THEN.finditer(head))
    if joints:
        first = head[: joints[0].start()]
        subject = _FINITE.search(first)
        short_subject = re.match(r"^([^,]{3,60}),", first)
        lead_in = (
            first[: subject.start()] if subject else (short_subject.group(1) + " " if short_subject else "")
        )
        head = lead_in + head[joints[-1].end() :]
    joint = _AND_THEN.search(tail)
    tail = tail[: joint.start()] if joint else tail
    text = " ".join(f"{head.rstrip(' ,')} {tail.lstrip(' ,')}".split())
    text = _ASIDE.sub("", _TRAILING_ATTRIBUTION.sub("", text))
    text = re.sub(r"\s+([,.;:])", r"\1", text).strip(" ,.;:\"“”‘’'")
    return text[:1].upper() + text[1:]


def _short(label: str, words: int = 26) -> str:
    parts = label.split()
    return label if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + "…"


def _kind(m: DateMention, label: str) -> WatchKind:
    for kind, pattern in _KINDS:
        if pattern.search(label) or pattern.search(m.cue):
            return kind
    if m.form == "span" or m.preposition in ("by", "before", "until", "till", "than"):
        return "deadline"
    return "deadline" if re.search(r"\bdeadline\b", label, re.IGNORECASE) else "event"


def _mention_id(item_id: str, offset: int) -> str:
    return "w-" + hashlib.sha1(f"{item_id}|{offset}".encode()).hexdigest()[:10]


def _item_mentions(item: Item, story: Story) -> list[WatchItem]:
    text = item.text or item.summary
    published = local_day(item)
    found: list[WatchItem] = []
    for span in sentence_spans(text, item.title):
        sentence = text[span.start : span.end]
        mentions = find_dates(sentence, published)
        for c_start, c_end in clauses(sentence):
            clause = sentence[c_start:c_end]
            kept: list[tuple[DateMention, bool]] = []
            for m in mentions:
                if c_start <= m.start and m.end <= c_end:
                    verdict = _watchable(
                        m, clause, sentence[c_start : m.start], sentence[m.end : c_end], published
                    )
                    if verdict is not False:
                        kept.append((m, verdict is True))
            if any(dated for _, dated in kept):  # the clause gives its day: its vaguer phrases add nothing
                kept = [(m, dated) for m, dated in kept if dated]
            for m, dated in kept:
                resolved = m.resolved if dated else None
                before, after = sentence[c_start : m.start], sentence[m.end : c_end]
                granted = bool(_GRANTED.search(before) and _INFINITIVE.match(after))
                keep = m.form == "span" and (bool(_SPAN_NOUN.match(after)) or granted)
                label = _label(clause, m, c_start, keep_phrase=keep)
                found.append(
                    WatchItem(
                        id=_mention_id(item.id, span.start + m.start),
                        date=resolved.last if resolved else None,
                        earliest=resolved.first if resolved else None,
                        when=resolved.when if resolved else m.raw,
                        approximate=bool(resolved and not resolved.exact),
                        span=f"{m.span[0]} {m.span[1]}" if m.span else "",
                        raw=m.raw,
                        sentence=sentence,
                        label=_short(label),
                        kind=_kind(m, label),
                        item_id=item.id,
                        story_id=story.id,
                        url=item.url,
                        source=item.source,
                        source_kind=item.source_kind,
                        title=item.title,
                        published=item.published,
                    )
                )
    return found


def extract(stories: Sequence[Story], items: dict[str, Item]) -> list[WatchItem]:
    """One WatchItem per date phrase in the stories' items that names something still to come."""
    found: list[WatchItem] = []
    for story in stories:
        for item_id in story.item_ids:
            if item_id in items:
                found.extend(_item_mentions(items[item_id], story))
    return found


# ------------------------------------------------------------------------------ merging


def _stems(text: str) -> set[str]:
    """Word stems that say what a sentence is about (years and the date phrase itself left out)."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return {
        w[:6]
        for w in re.findall(r"[a-z0-9]+", folded)
        if w not in _STOP and (len(w) > 2 or w.isdigit()) and not re.fullmatch(r"(?:19|20)\d\d", w)
    }


_WHEN_PART = re.compile(
    r"\b(?:until|till|by|within|before|from|on|in|of|through|after|than|effective|starting|beginning"
    r"|as of)\b.*$",
    re.IGNORECASE,
)


def _about(m: WatchItem) -> set[str]:
    """What the sentence is about: its stems without the words that only say when ("until
    November 10"), though a span's length ("60-day") and a cue's verb ("suspended") stay."""
    if m.span:
        return _stems(m.sentence)
    when = _WHEN_PART.search(m.raw)
    return _stems(m.sentence.replace(when.group(0), " ") if when else m.sentence)


class _Cluster:
    """Reports of one date: the first (most precise) decides the entry's date and wording."""

    def __init__(self, first: WatchItem) -> None:
        self.members = [first]
        self.stems = _about(first)
        self.spans = {first.span} if first.span else set()

    @property
    def lead(self) -> WatchItem:
        return self.members[0]

    def affinity(self, other: WatchItem) -> int:
        """How strongly `other` reports the same date (0: not at all)."""
        lead = self.lead
        shared = len(self.stems & _about(other))
        same_span = bool(other.span) and other.span in self.spans
        if other.date is not None and lead.date is not None:
            first, last = other.earliest or other.date, other.date
            if first > lead.date or last < (lead.earliest or lead.date):
                return 0
            exact_same = not (other.approximate or lead.approximate) and other.date == lead.date
            if shared >= 2 or (exact_same and (same_span or (shared and other.kind == lead.kind))):
                return shared + 1
            return 0
        if other.span:
            return shared + 1 if same_span and shared >= 2 else 0
        # A phrase with no day joins only the same phrase about the same thing ("later this year").
        same_phrase = lead.date is None and " ".join(lead.raw.lower().split()) == " ".join(
            other.raw.lower().split()
        )
        return shared + 1 if same_phrase and shared >= 3 else 0

    def add(self, other: WatchItem) -> None:
        self.members.append(other)
        self.stems |= _about(other)
        if other.span:
            self.spans.add(other.span)

    def entry(self) -> WatchItem:
        lead = self.lead
        seen = {lead.item_id}
        also = []
        for m in sorted(self.members[1:], key=lambda m: m.published):
            if m.item_id not in seen:
                seen.add(m.item_id)
                also.append(
                    WatchSource(
                        item_id=m.item_id,
                        story_id=m.story_id,
                        url=m.url,
                        source=m.source,
                        source_kind=m.source_kind,
                        title=m.title,
                        published=m.published,
                    )
                )
        return lead.model_copy(update={"also": also, "carried": all(m.carried for m in self.members)})


def _precision(m: WatchItem) -> tuple[int, bool, bool, datetime]:
    """Most precise first: an exact day, then a stretch of days, then no day; among equals a
    phrase that says what is due ("within 60 days" over "a 60-day plan"), an official source, the
    earliest report."""
    rank = 2 if m.date is None else (1 if m.approximate else 0)
    bare_span = bool(m.span) and not _WHEN_PART.search(m.raw) and not _GRANTED.search(m.raw)
    return rank, bare_span, m.source_kind != "government", m.published


def merge(mentions: Sequence[WatchItem]) -> list[WatchItem]:
    """The same date reported by several items becomes one entry listing the other reports."""
    clusters: list[_Cluster] = []
    for mention in sorted({m.id: m for m in mentions}.values(), key=_precision):
        scored = [(c.affinity(mention), i) for i, c in enumerate(clusters)]
        best = max(scored, default=(0, -1))
        if best[0] > 0:
            clusters[best[1]].add(mention)
        else:
            clusters.append(_Cluster(mention))
    return [c.entry() for c in clusters]


def _status(entry: WatchItem, until: date) -> WatchItem:
    status = "open" if entry.date is None else ("passed" if entry.date < until else "upcoming")
    return entry.model_copy(update={"status": status})


def ordered(entries: Sequence[WatchItem]) -> list[WatchItem]:
    """Soonest first; entries with no date last, newest report first."""
    dated = sorted((e for e in entries if e.date is not None), key=lambda e: (e.date, e.earliest or e.date))
    undated = sorted((e for e in entries if e.date is None), key=lambda e: e.published, reverse=True)
    return dated + undated


# ------------------------------------------------------------------------------ the store


def save(store: Store, mentions: Sequence[WatchItem], run_id: str) -> None:
    """Keep this run's phrases; a phrase seen before keeps the run that first found it."""
    with store.transaction() as db:
        for m in mentions:
            db.execute(
                "INSERT INTO watch (id, item_id, due, published, first_run, entry) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT (id) DO UPDATE SET due = excluded.due, published = excluded.published, "
                "entry = excluded.entry",
                (
                    m.id,
                    m.item_id,
                    m.date.isoformat() if m.date else None,
                    m.published.astimezone(UTC).isoformat(),
                    run_id,
                    m.model_copy(update={"status": "open", "also": [], "carried": False}).model_dump_json(),
                ),
            )


def carried(store: Store, window: Window) -> list[WatchItem]:
    """Phrases from items published before the window that fall due in or after it, and those with
    no date published within `OPEN_DAYS` of the window end."""
    since_day = window.since.astimezone(UTC).date()
    open_since = window.until - timedelta(days=OPEN_DAYS)
    rows = store.db.execute(
        "SELECT entry FROM watch WHERE published < ? AND ((due IS NOT NULL AND due >= ?) "
        "OR (due IS NULL AND published >= ?))",
        (
            window.since.astimezone(UTC).isoformat(),
            since_day.isoformat(),
            open_since.astimezone(UTC).isoformat(),
        ),
    )
    return [WatchItem.model_validate_json(r["entry"]).model_copy(update={"carried": True}) for r in rows]


def update(
    store: Store, stories: Sequence[Story], items: dict[str, Item], window: Window, run_id: str
) -> list[WatchItem]:
    """What to watch for this briefing: this window's phrases (stored for later runs) and the
    stored ones still open, merged, marked against the window end and ordered soonest first."""
    mentions = extract(stories, items)
    save(store, mentions, run_id)
    until_day = window.until.astimezone(UTC).date()
    return ordered([_status(e, until_day) for e in merge([*mentions, *carried(store, window)])])
