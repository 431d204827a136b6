"""Numbered sources: footnote numbers handed out in reading order, and the markup that cites them.

A source gets the next number when a template first cites it, so a document's notes run 1..n
without holes in the order a reader meets them. ``ref`` prints a bracketed number linking to the
source list; ``footnote`` prints, at the first citation, the source itself as a CSS footnote
(``float: footnote``) placed at the foot of that page, and a plain reference after that.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from markupsafe import Markup

from briefing.models import Briefing, WatchItem, WatchSource
from briefing.render.filters import MarkdownText, format_date, http_url, kind_label, url_host

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Source:
    """One source item; `number` is given by its first citation (the footnote target), 0 before."""

    item_id: str
    title: str
    outlet: str
    kind: str
    url: str
    published: datetime
    flags: tuple[str, ...] = ()
    number: int = 0

    @property
    def host(self) -> str:
        return url_host(self.url)


class SourceIndex:
    """Footnote numbers in reading order; ``everything()`` numbers the rest for an appendix."""

    def __init__(self, briefing: Briefing) -> None:
        self._records = _records(briefing)
        self._numbered: dict[str, Source] = {}

    def cite(self, item_id: str) -> Source:
        found = self._numbered.get(item_id)
        if found is not None:
            return found
        record = self._records.get(item_id)
        if record is None:
            raise KeyError(f"no source item {item_id!r} in this briefing")
        found = replace(record, number=len(self._numbered) + 1)
        self._numbered[item_id] = found
        return found

    def is_cited(self, item_id: str) -> bool:
        return item_id in self._numbered

    def cited(self) -> list[Source]:
        return list(self._numbered.values())

    def everything(self) -> list[Source]:
        rest = sorted(
            (r for r in self._records.values() if r.item_id not in self._numbered),
            key=lambda r: (r.published, r.item_id),
        )
        for record in rest:
            self.cite(record.item_id)
        return self.cited()

    # -------------------------------------------------------------- markup

    def html_ref(self, item_id: str) -> Markup:
        n = self.cite(item_id).number
        return Markup('<sup class="ref"><a href="#src-{0}">[{0}]</a></sup>').format(n)

    def html_footnote(self, item_id: str) -> Markup:
        """The source as a page footnote where it is first cited; a reference after that."""
        if self.is_cited(item_id):
            return self.html_ref(item_id)
        s = self.cite(item_id)
        title = (
            Markup('<a href="{}">{}</a>').format(s.url, s.title) if s.url else Markup("{}").format(s.title)
        )
        kind = Markup(' <span class="kind">({})</span>').format(kind_label(s.kind)) if s.kind else ""
        host = Markup(' <span class="host">{}</span>').format(s.host) if s.host else ""
        return Markup('<span class="fn" id="src-{}" data-n="{}">{}, {}{}. {}.{}</span>').format(
            s.number, s.number, s.outlet, format_date(s.published), kind, title, host
        )

    def md_ref(self, item_id: str) -> MarkdownText:
        return MarkdownText(f"\\[{self.cite(item_id).number}\\]")


def _records(briefing: Briefing) -> dict[str, Source]:
    """Every citable item: stored items first, then what stories and statements say about others."""
    records: dict[str, Source] = {}
    for item in briefing.items:
        records[item.id] = Source(
            item.id,
            item.title,
            item.source,
            item.source_kind,
            http_url(item.url),
            item.published,
            tuple(item.flags),
        )
    for story in briefing.stories:
        for listed in story.sources:
            records.setdefault(
                listed.item_id,
                Source(
                    listed.item_id,
                    story.title,
                    listed.source,
                    story.source_kind,
                    http_url(listed.url),
                    listed.published,
                ),
            )
        for item_id in story.item_ids:
            records.setdefault(
                item_id,
                Source(
                    item_id,
                    story.title,
                    story.source,
                    story.source_kind,
                    http_url(story.url),
                    story.published,
                ),
            )
    for st in briefing.statements:
        records.setdefault(st.item_id, Source(st.item_id, st.item_id, "", "", http_url(st.url), _EPOCH))
    # Watch entries carried over from earlier runs cite items outside this window's stories.
    for entry in briefing.watch:
        reports: list[WatchItem | WatchSource] = [entry, *entry.also]
        for report in reports:
            records.setdefault(
                report.item_id,
                Source(
                    report.item_id,
                    report.title,
                    report.source,
                    report.source_kind,
                    http_url(report.url),
                    report.published,
                ),
            )
    return records
