"""What to watch: dates and deadlines in the sources, resolved to calendar days and carried over.

The resolution table goes through `watch.extract` and `watch.merge` on real Item and Story values;
carrying over and marking passed entries goes through `pipeline.run` on a real SQLite store with
local feed files rewritten between runs; the sample corpus is checked end to end, down to the
executive PDF.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing import config as config_module
from briefing import pipeline, render
from briefing.analysis import watch
from briefing.models import Briefing, Item, Story, WatchItem
from tests.ops import local_config


def _entries(
    text: str, published: datetime, published_raw: str = "", item_id: str = "i-1"
) -> list[WatchItem]:
    item = Item(
        id=item_id,
        feed="wire",
        guid=item_id,
        title="Minerals news",
        url=f"https://news.example/{item_id}",
        source="Wire",
        source_kind="wire",
        published=published,
        published_raw=published_raw,
        text=text,
    )
    story = Story(
        id="s-" + item_id,
        title=item.title,
        url=item.url,
        source=item.source,
        source_kind=item.source_kind,
        published=published,
        item_ids=[item_id],
    )
    return watch.merge(watch.extract([story], {item_id: item}))


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


# (publication day, sentence, resolved day or None, the raw phrase, what a reader sees)
RESOLVED = [
    # spans count from publication, or from a day stated in the same clause
    (
        "2026-02-04",
        "Under the plan, the two governments will, within 60 days, identify the minerals of most concern.",
        "2026-04-05",
        "within 60 days",
        "5 Apr 2026",
    ),
    (
        "2026-01-14",
        "Tariffs on the listed minerals will rise in 180 days.",
        "2026-07-13",
        "in 180 days",
        "13 Jul 2026",
    ),
    (
        "2026-01-26",
        "The proclamation, issued on January 14, gave negotiators 180 days to strike deals.",
        "2026-07-13",
        "180 days",
        "13 Jul 2026",
    ),
    (
        "2026-02-05",  # a Thursday: "on Wednesday" is 4 February
        "The Action Plan, enacted on Wednesday, gives the two governments 60 days to choose the minerals.",
        "2026-04-05",
        "60 days",
        "5 Apr 2026",
    ),
    (
        "2026-03-02",
        "The Commission opened a 30-day consultation on the draft rules.",
        "2026-04-01",
        "30-day",
        "1 Apr 2026",
    ),
    ("2026-03-02", "The plan runs 60 days.", "2026-05-01", "runs 60 days", "1 May 2026"),
    # a dateline is not a day the text states
    (
        "2026-02-10",
        "WASHINGTON, Feb 2 (Meridian) - The two sides will finish the talks within 30 days.",
        "2026-03-12",
        "within 30 days",
        "12 Mar 2026",
    ),
    # absolute days, with and without a year
    (
        "2026-02-10",
        "The new licensing rules take effect on 1 December.",
        "2026-12-01",
        "take effect on 1 December",
        "1 Dec 2026",
    ),
    (
        "2026-02-05",
        "The measures have been suspended until November 10, 2026.",
        "2026-11-10",
        "have been suspended until November 10, 2026",
        "10 Nov 2026",
    ),
    (
        "2026-02-20",
        "Applicants must file no later than Feb. 28.",
        "2026-02-28",
        "no later than Feb. 28",
        "28 Feb 2026",
    ),
    (
        "2026-02-10",
        "The ministers will meet on 1 December 2026.",
        "2026-12-01",
        "on 1 December 2026",
        "1 Dec 2026",
    ),
    # months and parts of months and years
    (
        "2026-02-20",
        "Mexico will submit its list by the end of March.",
        "2026-03-31",
        "by the end of March",
        "31 Mar 2026",
    ),
    (
        "2028-01-10",
        "Importers must register by the end of February.",
        "2028-02-29",
        "by the end of February",
        "29 Feb 2028",
    ),
    (
        "2026-02-14",
        "Mexico would submit its proposed list by mid-March.",
        "2026-03-20",
        "by mid-March",
        "mid-March 2026",
    ),
    (
        "2026-02-20",
        "The Commission said the next report is due in May.",
        "2026-05-31",
        "due in May",
        "May 2026",
    ),
    (
        "2026-02-18",
        "The firms expect the plant to open by mid-2026.",
        "2026-08-31",
        "by mid-2026",
        "mid-2026",
    ),
    (
        "2026-02-11",  # a Wednesday
        "The next round of talks is scheduled for next week in Washington.",
        "2026-02-22",
        "scheduled for next week",
        "week of 16 Feb 2026",
    ),
    # across a year boundary
    (
        "2025-12-20",
        "Exporters must apply for licences by 15 January.",
        "2026-01-15",
        "by 15 January",
        "15 Jan 2026",
    ),
    (
        "2025-12-20",
        "The new quotas will be published in January.",
        "2026-01-31",
        "in January",
        "January 2026",
    ),
    (
        "2026-11-20",
        "The suspension runs until 10 November.",
        "2027-11-10",
        "runs until 10 November",
        "10 Nov 2027",
    ),
    # ambiguous: kept with no day and the words the source used
    (
        "2026-01-30",
        "Observers expect the quotas to be announced in the coming months.",
        None,
        "in the coming months",
        "",
    ),
    (
        "2026-02-10",
        "The joint review of the agreement will take place later this year.",
        None,
        "later this year",
        "",
    ),
    ("2026-02-10", "The new rules will take effect next year.", None, "take effect next year", ""),
    (
        "2026-01-27",
        "The administration has given trading partners 180 days to negotiate.",
        None,
        "180 days",
        "",
    ),
    (
        "2026-02-10",
        "A 60-day plan agreed last week could draw Mexico into a price system.",
        None,
        "60-day",
        "",
    ),
]


@pytest.mark.parametrize(("published", "sentence", "due", "raw", "when"), RESOLVED)
def test_a_stated_date_resolves_from_the_publication_date(
    published: str, sentence: str, due: str | None, raw: str, when: str
) -> None:
    [entry] = _entries(sentence, _at(published))
    assert entry.raw == raw
    assert entry.sentence == sentence
    assert entry.date == (date.fromisoformat(due) if due else None)
    assert entry.when == (when or raw)
    assert (entry.item_id, entry.story_id, entry.url) == ("i-1", "s-i-1", "https://news.example/i-1")


@pytest.mark.parametrize(
    ("published", "sentence"),
    [
        ("2026-02-05", "The ministry said on Tuesday that prices had risen."),
        ("2026-02-14", "On 4 February the ministry announced the plan."),
        ("2026-02-14", "The controls took effect on 1 February."),
        ("2026-02-14", "The suspension ran until 5 January."),
        ("2026-02-14", "Officials met on February 4 to discuss the plan."),
        ("2026-02-17", "Two weeks after its launch, the stockpile has bought little."),
        ("2026-02-13", "Buyers rebuilt inventories over the past 30 days."),
        ("2026-02-20", "The EU should process 40% of its needs by 2030."),
        ("2026-02-03", "Nobody wants to sign a ten-year contract at today's premium."),
        ("2026-02-03", "Prices rose 5% in May 2025, traders said."),
    ],
)
def test_a_date_that_is_not_something_to_come_is_not_listed(published: str, sentence: str) -> None:
    assert _entries(sentence, _at(published)) == []


def test_the_publication_day_is_the_sources_own() -> None:
    """An item of 7.30 pm in Washington is stored as 00.30 UTC the next day; its "30 days" count from
    the day it was published where it was published."""
    [entry] = _entries(
        "The United States and the European Union intend to conclude a memorandum within 30 days.",
        datetime(2026, 2, 5, 0, 30, tzinfo=UTC),
        "Wed, 04 Feb 2026 19:30:00 -0500",
    )
    assert entry.date == date(2026, 3, 6)


def test_kinds_and_labels_come_from_the_sentence() -> None:
    text = (
        "USTR will publish the framework for comment and will hold a public hearing on it in March. "
        "The revised guidelines take effect on April 1, 2026. "
        "The ban on gallium exports has been suspended until November 27, 2026, Song said. "
        "Companies can register their needs until 31 March 2026. "
        "Analysts said the omission was notable ahead of the review of the USMCA due in July. "
        "The Commission said the next report is due in May."
    )
    entries = {e.raw: e for e in _entries(text, _at("2026-02-18"))}
    hearing = entries["in March"]
    assert (hearing.kind, hearing.label, hearing.approximate) == (
        "meeting",
        "USTR will hold a public hearing on it",
        True,
    )
    assert (hearing.earliest, hearing.date) == (date(2026, 3, 1), date(2026, 3, 31))
    assert entries["take effect on April 1, 2026"].kind == "effective"
    ban = entries["has been suspended until November 27, 2026"]
    assert (ban.kind, ban.label) == ("expiry", "The ban on gallium exports has been suspended")
    assert entries["until 31 March 2026"].kind == "deadline"
    assert entries["due in July"].label == "The omission was notable ahead of the review of the USMCA"
    assert (entries["due in May"].label, entries["due in May"].kind) == (
        "The next report is due",
        "publication",
    )


def test_the_same_deadline_in_several_reports_is_listed_once() -> None:
    official = Item(
        id="i-gov",
        feed="ministry",
        guid="a",
        title="Export controls",
        url="https://gov.example/a",
        source="Ministry",
        source_kind="government",
        published=_at("2026-02-19"),
        text="The implementation of the measures announced in October 2025 has been suspended until "
        "November 10, 2026.",
    )
    wire = official.model_copy(
        update={
            "id": "i-wire",
            "source": "Wire",
            "source_kind": "wire",
            "url": "https://wire.example/b",
            "published": _at("2026-02-05"),
            "text": "The suspension of the export-control measures runs until 10 November 2026.",
        }
    )
    other = official.model_copy(
        update={
            "id": "i-other",
            "url": "https://gov.example/c",
            "text": "USTR consultations resume in early March. The memorandum is to be concluded by 6 March.",
        }
    )
    stories = [
        Story(
            id=f"s-{i.id}",
            title=i.title,
            url=i.url,
            source=i.source,
            source_kind=i.source_kind,
            published=i.published,
            item_ids=[i.id],
        )
        for i in (official, wire, other)
    ]
    entries = watch.merge(watch.extract(stories, {i.id: i for i in (official, wire, other)}))
    suspension = [e for e in entries if e.date == date(2026, 11, 10)]
    assert len(suspension) == 1
    assert suspension[0].item_id == "i-gov"  # the official release leads
    assert [a.item_id for a in suspension[0].also] == ["i-wire"]
    # Two different things in the same days of March stay two entries.
    march = sorted(e.raw for e in entries if e.date and e.date.month == 3)
    assert march == ["by 6 March", "in early March"]


def test_a_span_whose_start_is_not_given_joins_the_entry_that_dates_it() -> None:
    text = (
        "The proclamation, issued on January 14, gave negotiators 180 days to strike deals. "
        "The administration has given trading partners 180 days to negotiate deals under the proclamation."
    )
    [entry] = _entries(text, _at("2026-01-27"))
    assert entry.date == date(2026, 7, 13)
    assert entry.raw == "180 days"
    assert entry.sentence.startswith("The proclamation, issued on January 14")


# --------------------------------------------------------------------------- carried over by pipeline.run

FIRST_WEEK = {
    "ban": (
        "China suspends gallium export ban",
        "China's commerce ministry said the ban on gallium exports is suspended until November 10, 2026.",
        "Tue, 03 Mar 2026 09:00:00 GMT",
    ),
    "register": (
        "Gallium buyers asked to register",
        "Companies must register their gallium needs within 10 days, the Commission said.",
        "Tue, 03 Mar 2026 10:00:00 GMT",
    ),
    "quotas": (
        "Gallium quotas awaited",
        "Officials expect new gallium quotas to be announced in the coming months.",
        "Tue, 03 Mar 2026 11:00:00 GMT",
    ),
}
SECOND_WEEK = {
    "talks": (
        "Gallium talks to resume",
        "The gallium talks between the two sides will resume next week in Geneva.",
        "Mon, 16 Mar 2026 09:00:00 GMT",
    ),
}


def _write_feed(path: Path, entries: dict[str, tuple[str, str, str]]) -> None:
    items = "".join(
        f"<item><title>{title}</title><link>https://news.example/{key}</link><guid>{key}</guid>"
        f"<pubDate>{when}</pubDate><description>{text}</description></item>"
        for key, (title, text, when) in entries.items()
    )
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://news.example/</link>'
        f"<description>x</description>{items}</channel></rss>",
        encoding="utf-8",
    )


def _config(tmp_path: Path) -> config_module.Config:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
store = "{tmp_path / "store.sqlite"}"
output = "{tmp_path / "out"}"
[[feeds]]
name = "wire"
local = true
url = "wire.xml"
kind = "wire"
[topics]
terms = ["gallium"]
[[audiences]]
name = "analyst"
template = "analyst.html.j2"
""",
        encoding="utf-8",
    )
    return config_module.load(path)


def _run(config: config_module.Config, since: str, until: str, tmp_path: Path) -> pipeline.RunResult:
    return pipeline.run(
        config,
        pipeline.Options(
            since=since,
            until=until,
            formats=("md",),
            output=tmp_path / f"out-{since}",
            now=datetime.fromisoformat(until).replace(hour=23, tzinfo=UTC),
        ),
    )


def test_next_weeks_briefing_lists_open_deadlines_and_marks_passed_ones(tmp_path: Path) -> None:
    config = _config(tmp_path)
    _write_feed(tmp_path / "wire.xml", FIRST_WEEK)
    first = _run(config, "2026-03-01", "2026-03-10", tmp_path)
    by_raw = {w.raw: w for w in first.briefing.watch}
    assert [(w.date, w.status) for w in first.briefing.watch] == [
        (date(2026, 3, 13), "upcoming"),
        (date(2026, 11, 10), "upcoming"),
        (None, "open"),  # undated entries come last
    ]
    assert not any(w.carried for w in first.briefing.watch)
    ban_url = by_raw["is suspended until November 10, 2026"].url

    # A week later the feed has moved on: the first week's items are no longer in it or in the window.
    _write_feed(tmp_path / "wire.xml", SECOND_WEEK)
    second = _run(config, "2026-03-11", "2026-03-20", tmp_path)
    listed = {w.raw: w for w in second.briefing.watch}
    assert set(listed) == {
        "within 10 days",
        "is suspended until November 10, 2026",
        "in the coming months",
        "next week",
    }
    register, ban = listed["within 10 days"], listed["is suspended until November 10, 2026"]
    assert (register.status, register.date, register.carried) == ("passed", date(2026, 3, 13), True)
    assert (ban.status, ban.carried, ban.url) == ("upcoming", True, ban_url)  # with its original source
    assert ban.sentence == FIRST_WEEK["ban"][1]
    talks = listed["next week"]
    assert (talks.status, talks.date, talks.when, talks.carried) == (
        "upcoming",
        date(2026, 3, 29),
        "week of 23 Mar 2026",
        False,
    )
    assert [w.raw for w in second.briefing.watch][:2] == ["within 10 days", "next week"]

    # briefing.json carries the list; the Markdown lists passed and carried entries as such.
    data = json.loads(
        next(p for p in second.outputs if p.name == "briefing.json").read_text(encoding="utf-8")
    )
    stored = {w["raw"]: w for w in data["watch"]}
    assert stored["within 10 days"]["date"] == "2026-03-13"
    assert stored["within 10 days"]["status"] == "passed"
    assert stored["in the coming months"]["date"] is None
    assert {"id", "date", "raw", "sentence", "item_id", "story_id", "url", "kind", "label"} <= stored[
        "within 10 days"
    ].keys()
    document = next(p for p in second.outputs if p.name == "analyst.md").read_text(encoding="utf-8")
    passed = document.split("*Passed by the end of this period*")[1].split("*No date given*")[0]
    assert "**13 Mar 2026** (deadline): Companies must register their gallium needs" in passed
    assert "*from an earlier briefing*" in passed

    # Re-running the same week lists each entry once.
    again = _run(config, "2026-03-11", "2026-03-20", tmp_path)
    assert [w.id for w in again.briefing.watch] == [w.id for w in second.briefing.watch]

    # Long after: what passed before the window and undated entries older than OPEN_DAYS are gone.
    later = _run(config, "2026-12-01", "2026-12-10", tmp_path)
    assert later.briefing.watch == []


# --------------------------------------------------------------------------- the sample corpus


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.RunResult, config_module.Config]:
    tmp_path = tmp_path_factory.mktemp("watch-sample")
    config = config_module.load(local_config(tmp_path))
    result = pipeline.run(
        config,
        pipeline.Options(
            since="2026-01-26",
            until="2026-02-20",
            formats=("md",),
            output=tmp_path / "out",
            now=datetime(2026, 2, 21, 7, tzinfo=UTC),
        ),
    )
    return result, config


def test_the_sample_briefing_lists_its_deadlines(
    sample: tuple[pipeline.RunResult, config_module.Config],
) -> None:
    briefing = sample[0].briefing
    by_date: dict[date | None, list[WatchItem]] = {}
    for entry in briefing.watch:
        by_date.setdefault(entry.date, []).append(entry)
    # The 60-day US-Mexico action plan of 4 February, reported by several outlets, listed once.
    [plan] = by_date[date(2026, 4, 5)]
    assert plan.raw == "within 60 days" and plan.kind == "deadline" and len(plan.also) >= 3
    # The 30-day EU-US memorandum of 4 February, and the 180 days from the 14 January proclamation.
    [memorandum] = by_date[date(2026, 3, 6)]
    assert "memorandum" in memorandum.label.lower() and memorandum.also
    [proclamation] = by_date[date(2026, 7, 13)]
    assert "180" in proclamation.sentence and len(proclamation.also) >= 4
    # China's suspensions: until 10 November and, for the US ban, 27 November.
    [october_measures] = by_date[date(2026, 11, 10)]
    assert october_measures.kind == "expiry" and len(october_measures.also) >= 3
    assert by_date[date(2026, 11, 27)][0].kind == "expiry"
    assert by_date[date(2026, 4, 1)][0].kind == "effective"
    # Soonest first, undated last; one passed by the window end; nothing dated before its source.
    dated = [e.date for e in briefing.watch if e.date]
    assert dated == sorted(dated)
    assert all(e.date is None for e in briefing.watch[len(dated) :])
    assert [e.date for e in briefing.watch if e.status == "passed"] == [date(2026, 2, 19)]
    items = {i.id: i for i in briefing.items}
    for entry in briefing.watch:
        assert entry.sentence in items[entry.item_id].text
        assert entry.date is None or entry.date >= watch.local_day(items[entry.item_id])


def test_the_sample_executive_brief_shows_what_to_watch_within_two_pages(
    sample: tuple[pipeline.RunResult, config_module.Config], tmp_path: Path
) -> None:
    result, config = sample
    executive = next(a for a in config.audiences if a.name == "executive")
    html = render.render_html(result.briefing, executive, config)
    path = tmp_path / "executive.pdf"
    render.write_pdf(html, path, title="t", author="a", templates=render.template_dirs(config))
    reader = PdfReader(path)
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert len(reader.pages) == 2
    section = text.split("What to watch")[1].split("What changed")[0]
    # The next four dates not begun by the window end, soonest first; the rest in the analyst brief.
    assert section.startswith(" next 4 of 14 dates; all in the analyst brief")
    assert section.index("6 Mar 2026") < section.index("early March 2026") < section.index("mid-March 2026")
    assert "week of 16 Feb" not in section  # under way by the end of the window
    assert "USTR will hold a public hearing" not in section  # the fifth
    markdown = next(p for p in result.outputs if p.name == "executive.md").read_text(encoding="utf-8")
    assert "## What to watch" in markdown and "**5 Apr 2026** (deadline)" in markdown


def test_a_briefing_stored_before_watch_existed_still_renders(
    sample: tuple[pipeline.RunResult, config_module.Config],
) -> None:
    result, config = sample
    old = json.loads(result.briefing.model_dump_json())
    del old["watch"]
    briefing = Briefing.model_validate(old)
    analyst = next(a for a in config.audiences if a.name == "analyst")
    html = render.render_html(briefing, analyst, config)
    assert "No dates or deadlines found in this period" in html
