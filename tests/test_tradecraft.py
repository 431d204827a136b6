"""Analytic tradecraft end to end: source descriptors, uncertainty flags and key judgements.

A small corpus of local feeds (one per kind of source) goes through `pipeline.run` into a real
SQLite store; one wire item's article page is missing on a loopback server, so its full text
fails. What the analysis decided is read back from briefing.json, and what a reader sees from the
rendered HTML and Markdown. The LLM cases run against the fake OpenAI-compatible server.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from briefing import pipeline
from briefing.config import Config, parse
from briefing.models import Briefing, Statement
from tests.conftest import Server
from tests.fake_openai import Answer, FakeOpenAI, Request, json_answer

NOW = datetime(2026, 2, 20, 12, tzinfo=UTC)


@dataclass
class Entry:
    guid: str
    title: str
    text: str
    day: int
    source: str = ""  # a news search result's outlet (<source>)
    link: str = ""


FEEDS: dict[str, tuple[str, str | None, list[Entry]]] = {
    # name: (kind, default actor, entries)
    "USTR": (
        "government",
        "USTR",
        [
            Entry(
                "ustr-1",
                "USTR announces reference prices for rare earths",
                "Karen Ashby, the U.S. Trade Representative, said on Monday that “reference prices will "
                "protect allied producers of rare earths from dumping.” Greg Halvorsen, president of the US "
                "Magnet Manufacturers Coalition, said “a price floor gives magnet makers a reason to build "
                "plants in Texas.” Song Weiqi, a spokesperson for the Ministry of Commerce, has said that "
                "“price floors set by one country violate market principles.”",
                10,
            )
        ],
    ),
    "Global Times": (
        "state_media",
        "Chinese state media",
        [
            Entry(
                "gt-1",
                "Reference prices are a cartel for rich buyers, experts say",
                "Chen Yufei, a professor at Tsinghua University, said “reference prices are a cartel for "
                "rich buyers and will split the rare earth market.” Chinese experts said that refining "
                "know-how and processing capacity cannot be bought with subsidies. Zhou Lan, a research "
                "fellow at the Chinese Academy of Social Sciences, said “processing technology took "
                "decades to build and no stockpile can replace it.” Song Weiqi, a spokesperson for the "
                "Ministry of Commerce, said “China's export controls on rare earths are lawful and not "
                "aimed at any country.”",
                11,
            )
        ],
    ),
    "Metals Wire": (
        "wire",
        None,
        [
            Entry(
                "wire-1",
                "Beijing says price floors violate market principles",
                "Song Weiqi, a spokesperson for the Ministry of Commerce, said on Thursday that “price "
                "floors set by one country violate market principles and will split the rare earth market.” "
                "Analysts said the reference prices would raise costs for magnet makers. Owen Maddox, a "
                "trade-law professor at Georgetown University, said “a price floor that moves with a "
                "reference price looks like a variable levy.”",
                12,
                link="MISSING",  # the article page is missing: full text fails
            )
        ],
    ),
    "Minerals Trade Journal": (
        "trade_press",
        None,
        [
            Entry(
                "tp-1",
                "Europe weighs its own rare earth price floor",
                "Ines Hartmann, director of trade policy at Eurometaux, said “if the U.S. builds a price "
                "floor and Europe does not, we become the dumping ground for rare earths.”",
                13,
            )
        ],
    ),
    "News search": (
        "news_search",
        None,
        [
            Entry(
                "gn-1",
                "Washington's rare earth price floor is a closed club",
                "Li Wenhao, a research fellow at Renmin University, said “the reference price club only "
                "opens its door to those who accept Washington's price for rare earths.”",
                14,
                source="Global Times",
            ),
            Entry(
                "gn-2",
                "Monterrey magnet shops watch the price floor talks",
                "Laura Méndez, who runs a magnet workshop in Monterrey, said “a price floor for rare earths "
                "matters less to us than stable supply.”",
                15,
                source="Monterrey Industrial Review",
            ),
        ],
    ),
}

ACTORS = [
    {
        "name": "USTR",
        "side": "United States",
        "organization": "Office of the United States Trade Representative",
        "aliases": ["Karen Ashby", "U.S. Trade Representative"],
    },
    {
        "name": "US Magnet Manufacturers Coalition",
        "side": "United States",
        "kind": "other",
        "aliases": ["Greg Halvorsen"],
    },
    {
        "name": "MOFCOM",
        "side": "China",
        "organization": "Ministry of Commerce",
        "aliases": ["Song Weiqi", "Ministry of Commerce"],
    },
    {"name": "Chinese state media", "side": "China", "kind": "state_media", "aliases": ["Global Times"]},
    {
        "name": "Chinese experts",
        "side": "China",
        "kind": "other",
        "aliases": ["Chinese experts", "Chen Yufei", "Zhou Lan", "Li Wenhao"],
    },
    {"name": "Eurometaux", "side": "Partners", "kind": "other", "aliases": ["Ines Hartmann"]},
]

TOPICS = {
    "terms": [
        "rare earth",
        "rare earths",
        "price floor",
        "reference prices",
        "export controls",
        "processing",
    ],
    "taxonomy": [
        {
            "id": "price_floors",
            "label": "Price floors",
            "terms": ["price floor", "price floors", "reference price", "reference prices", "variable levy"],
        },
        {"id": "export_controls", "label": "Export controls", "terms": ["export controls"]},
        {
            "id": "processing",
            "label": "Processing capacity",
            "terms": ["processing capacity", "processing technology", "refining"],
        },
    ],
    "minerals": {"rare earths": ["rare earth", "rare earths"]},
}


def write_feed(path: Path, entries: list[Entry], missing: str) -> None:
    xml = []
    for entry in entries:
        source = (
            f'<source url="https://news.example.org/">{escape(entry.source)}</source>' if entry.source else ""
        )
        link = missing if entry.link == "MISSING" else f"https://news.example.org/{entry.guid}"
        published = format_datetime(datetime(2026, 2, entry.day, 9, tzinfo=UTC))
        xml.append(
            f"<item><title>{escape(entry.title)}</title><link>{escape(link)}</link><guid>{entry.guid}</guid>"
            f"<pubDate>{published}</pubDate><description>{escape(entry.text)}</description>{source}</item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://news.example.org/</link><description>t</description>{''.join(xml)}</channel></rss>",
        encoding="utf-8",
    )


def make_config(tmp_path: Path, missing: str, only: tuple[str, ...] = (), **extra: Any) -> Config:
    feeds = []
    for n, (name, (kind, actor, entries)) in enumerate(FEEDS.items()):
        if only and name not in only:
            continue
        write_feed(tmp_path / f"feed{n}.xml", entries, missing)
        feed: dict[str, Any] = {"name": name, "url": f"feed{n}.xml", "local": True, "kind": kind}
        feed["fulltext"] = "always" if any(e.link == "MISSING" for e in entries) else "never"
        if actor:
            feed["actor"] = actor
        feeds.append(feed)
    data = {
        "title": "Tradecraft test",
        "store": "store.sqlite",
        "output": "out",
        "feeds": feeds,
        "actors": ACTORS,
        "topics": TOPICS,
        "audiences": [
            {"name": "analyst", "template": "analyst.html.j2"},
            {"name": "executive", "template": "executive.html.j2"},
        ],
        "fetch": {"timeout": 2, "deadline": 5},
        "analysis": {"backend": "offline"},
        **extra,
    }
    return parse(data, tmp_path / "config.toml")


@dataclass
class Run:
    briefing: Briefing
    folder: Path
    requests: list[Request] = field(default_factory=list)  # those the fake LLM endpoint received

    def document(self, name: str) -> str:
        return (self.folder / name).read_text(encoding="utf-8")

    def said_by(self, speaker: str, words: str = "") -> Statement:
        return next(s for s in self.briefing.statements if s.speaker == speaker and words in s.quote)


def run(config: Config, formats: tuple[str, ...] = ("json", "html", "md")) -> Run:
    options = pipeline.Options(since="2026-02-01", until="2026-02-20", formats=formats, now=NOW)
    result = pipeline.run(config, options)
    path = next(p for p in result.outputs if p.name == "briefing.json")
    return Run(Briefing.model_validate_json(path.read_text(encoding="utf-8")), path.parent)


@pytest.fixture(scope="module")
def offline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """One offline run of the whole corpus, shared by the tests that only read it."""
    server = Server()  # serves nothing: every article page is missing
    server.thread.start()
    try:
        yield run(make_config(tmp_path_factory.mktemp("offline"), server.url("/missing.html")))
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# --------------------------------------------------------------------------- source weight


@pytest.mark.parametrize(
    ("speaker", "words", "descriptor"),
    [
        ("Karen Ashby", "", "official_statement"),  # government feed, its own official
        ("Greg Halvorsen", "", "quoted_in_release"),  # government feed, an industry voice
        ("Song Weiqi", "set by one country violate market principles.", "quoted_in_release"),  # other side
        ("Song Weiqi", "lawful", "official_in_media"),  # an official quoted by state media
        ("Chen Yufei", "", "state_media_commentary"),  # an expert quoted by state media
        ("Owen Maddox", "", "expert_in_media"),  # an expert quoted by a wire
        ("Ines Hartmann", "", "trade_press"),  # an industry voice in trade press
        ("Li Wenhao", "", "state_media_commentary"),  # news search, outlet named as state media
        ("Laura Méndez", "", "media_report"),  # news search, any other outlet
    ],
)
def test_every_statement_carries_its_source_descriptor(
    offline: Run, speaker: str, words: str, descriptor: str
) -> None:
    assert offline.said_by(speaker, words).descriptor == descriptor


def test_stories_carry_the_descriptor_of_their_lead_report_and_documents_show_it(offline: Run) -> None:
    kinds = {s.title: s.descriptor for s in offline.briefing.stories}
    assert kinds["USTR announces reference prices for rare earths"] == "official_statement"
    assert kinds["Reference prices are a cartel for rich buyers, experts say"] == "state_media_commentary"
    assert kinds["Beijing says price floors violate market principles"] == "wire_report"
    assert kinds["Europe weighs its own rare earth price floor"] == "trade_press"
    assert kinds["Monterrey magnet shops watch the price floor talks"] == "media_report"
    html = offline.document("analyst.html")
    for label in ("official statement", "quoted in an official release", "official quoted in media"):
        assert f'<span class="aff descriptor-line">{label}</span>' in html  # beside each quote
    assert '<span class="descriptor">state-media commentary</span>' in html  # in the contrast table
    assert "Global Times (state-media commentary)" in html
    markdown = offline.document("analyst.md")
    assert "Office of the United States Trade Representative (United States; official statement)" in markdown


# --------------------------------------------------------------------------- uncertainty flags


def test_every_flag_is_in_briefing_json_and_marked_in_the_documents(offline: Run) -> None:
    b = offline.briefing
    stories = {s.title: s for s in b.stories}
    wire = stories["Beijing says price floors violate market principles"]
    commentary = stories["Reference prices are a cartel for rich buyers, experts say"]
    # A story whose full text could not be fetched, and the statements found in its summary.
    assert "fulltext_failed" in wire.flags
    assert "fulltext_failed" in offline.said_by("Owen Maddox").flags
    # A claim from a single source: one outlet, not an official release ...
    assert "single_source" in commentary.flags
    assert "single_source" not in stories["USTR announces reference prices for rare earths"].flags
    assert "single_source" in offline.said_by("Chen Yufei").flags
    # ... but the same words in another outlet's text corroborate a statement.
    corroborated = offline.said_by("Song Weiqi", "will split the rare earth market")
    assert corroborated.descriptor == "official_in_media" and "single_source" not in corroborated.flags
    # A statement attributed only to an unnamed group.
    assert "unnamed_group" in offline.said_by("Chinese experts").flags
    assert "unnamed_group" in offline.said_by("Analysts").flags
    assert "unnamed_group" not in offline.said_by("Zhou Lan").flags
    # A topic only one side addressed; a side's position resting on media commentary only.
    processing = next(c for c in b.contrasts if c.topic == "processing")
    assert processing.flags == ["one_side_only"]
    assert [(p.side, p.flags) for p in processing.positions] == [("China", ["media_only"])]
    prices = next(c for c in b.contrasts if c.topic == "price_floors")
    assert {p.side: p.flags for p in prices.positions} == {
        "United States": [],
        "China": [],
        "Partners": ["media_only"],
    }
    # The summary in briefing.json names what each flag marks.
    raw = json.loads(offline.document("briefing.json"))
    assert raw["flags"]["one_side_only"] == ["processing", "export_controls"]
    assert raw["flags"]["media_only"] == ["price_floors/Partners", "processing/China"]
    assert wire.id in raw["flags"]["fulltext_failed"] and commentary.id in raw["flags"]["single_source"]
    assert offline.said_by("Chinese experts").id in raw["flags"]["unnamed_group"]

    html = offline.document("analyst.html")
    for flag in ("single-source", "unnamed-group", "media-only"):
        assert f'<span class="mark mark-{flag}"' in html
    assert "Full text unavailable: analysed from the feed summary" in html
    assert "Single source: found in one outlet only" in html
    assert "Markers in this briefing:" in html
    assert '<span class="mark">unnamed source</span> attributed only to an unnamed group' in html
    assert "Only China spoke on processing capacity" in html  # the gap, said in a judgement ...
    assert re.search(
        r"<strong>Processing capacity</strong>:\s*<span[^>]*>China</span>", html
    )  # ... and listed
    assert (
        "Uncertainty: 5 of 6 stories rest on a single outlet; 2 statements attributed only to unnamed "
        in html
    )
    markdown = offline.document("analyst.md")
    assert "\\[media only\\]" in markdown and "\\[unnamed source\\]" in markdown
    assert "2 topics heard from one side only" in markdown


# --------------------------------------------------------------------------- key judgements


def test_offline_judgements_cite_statements_and_stories_that_exist(offline: Run) -> None:
    b = offline.briefing
    assert 3 <= len(b.judgements) <= 5
    statements = {s.id for s in b.statements}
    stories = {s.id for s in b.stories}
    for j in b.judgements:
        assert j.basis == "data"
        assert j.statement_ids and set(j.statement_ids) <= statements
        assert j.story_ids and set(j.story_ids) <= stories
        assert len(re.findall(r"[.;:]\s+[A-Z]", j.text)) <= 1  # one sentence (a colon may lead in)
    kinds = [j.kind for j in b.judgements]
    assert kinds == ["contest", "measure", "silence", "sourcing", "balance"]
    contest = b.judgements[0]
    assert contest.text.startswith("Price floors was the most contested topic this period (China 4, ")
    quoted = [s for s in b.statements if s.id in contest.statement_ids]
    assert {s.side for s in quoted} == {"China", "United States"}
    assert all(re.sub("[“”.]", "", s.quote)[:40] in contest.text for s in quoted)  # verbatim words
    assert "rests only on media commentary (trade press 1, media report 1)" in b.judgements[3].text
    # Shown first in every audience's documents, marked as the briefing's own assessment.
    for name in ("executive.html", "analyst.html"):
        html = offline.document(name)
        box = html.index('<ol class="judgements">')
        assert box < html.index('id="contrasts"')
        assert "The briefing's assessments, drawn by rules from the cited statements" in html
    assert offline.document("executive.md").index("## Key judgements") < offline.document(
        "executive.md"
    ).index("## Positions by topic")
    assert b.manifest is not None and "judgements.j2" in b.manifest.prompts


def test_a_prompts_folder_rewords_the_judgements(server: Server, tmp_path: Path) -> None:
    prompts = tmp_path / "my-prompts"
    prompts.mkdir()
    (prompts / "judgements.j2").write_text(
        '{% if kind == "contest" %}Most argued over: {{ topic }}.'
        "{% else %}Judgement of kind {{ kind }}.{% endif %}\n",
        encoding="utf-8",
    )
    b = run(make_config(tmp_path, server.url("/missing.html"), prompts=str(prompts)), ("json",)).briefing
    assert [j.text for j in b.judgements][:2] == [
        "Most argued over: Price floors.",
        "Judgement of kind measure.",
    ]
    assert b.judgements[0].statement_ids  # the rules still choose what is cited
    assert b.manifest is not None
    bundled = (Path(__file__).parent.parent / "prompts" / "judgements.j2").read_bytes()
    assert b.manifest.prompts["judgements.j2"] != hashlib.sha256(bundled).hexdigest()


def test_no_statements_is_said_plainly(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    write_feed(
        feed, [Entry("x-1", "Rare earth prices steady", "Rare earth prices were steady this week.", 10)], ""
    )
    config = parse(
        {
            "store": "store.sqlite",
            "output": "out",
            "feeds": [
                {"name": "wire", "url": "feed.xml", "local": True, "kind": "wire", "fulltext": "never"}
            ],
            "topics": TOPICS,
            "audiences": [{"name": "executive", "template": "executive.html.j2"}],
            "analysis": {"backend": "offline"},
        },
        tmp_path / "config.toml",
    )
    b = run(config, ("json", "md")).briefing
    assert [j.text for j in b.judgements] == [
        "1 on-topic story was found but no attributed statement, so the sides' positions cannot be compared "
        "this period."
    ]
    assert b.flags == {"single_source": [b.stories[0].id]}


# --------------------------------------------------------------------------- the LLM backend

KEY = "sk-test-0123456789abcdef"
ASHBY = "reference prices will protect allied producers of rare earths from dumping."


def story_reply(request: Request) -> Answer:
    """Ashby's statement for the USTR story; the Global Times story gets no usable reply at all."""
    materials = request.materials
    if any(text.startswith("Reference prices are a cartel") for text in materials.values()):
        return Answer(content="Here is the analysis you asked for.")  # not JSON, also after the repair
    statements = [
        {
            "item_id": item_id,
            "speaker": "Karen Ashby",
            "speaker_title": "U.S. Trade Representative",
            "organization": None,
            "actor": "USTR",
            "side": "United States",
            "kind": "direct",
            "quote": ASHBY,
            "translation": None,
            "topic": "price_floors",
            "minerals": ["rare earths"],
        }
        for item_id, text in materials.items()
        if ASHBY in text
    ]
    return json_answer({"story_id": request.story_id, "summary": [], "statements": statements})


@pytest.fixture
def model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Run]]:
    """Run the USTR and Global Times feeds through the LLM backend; `judgements` scripts the
    synthesis reply's key judgements from the statements and stories it was shown."""
    monkeypatch.setenv("BRIEFING_TEST_KEY", KEY)
    fakes: list[FakeOpenAI] = []

    def start(judgements: Callable[[dict[str, str], list[str]], list[dict[str, Any]]]) -> Run:
        def respond(request: Request) -> Answer:
            if request.kind != "synthesis":
                return story_reply(request)
            shown = {sid: quote for sid, (_side, _topic, quote) in request.statements.items()}
            stories = list(dict.fromkeys(re.findall(r'story="(s-[0-9a-f]+)"', request.text)))
            return json_answer(
                {"developments": [], "contrasts": [], "judgements": judgements(shown, stories)}
            )

        fake = FakeOpenAI(respond).__enter__()
        fakes.append(fake)
        openai = {
            "base_url": fake.base_url,
            "api_key_env": "BRIEFING_TEST_KEY",
            "timeout": 5,
            "max_retries": 0,
        }
        config = make_config(
            tmp_path, "", ("USTR", "Global Times"), analysis={"backend": "openai", "openai": openai}
        )
        result = run(config)
        result.requests = fake.requests
        return result

    yield start
    for fake in fakes:
        fake.__exit__()


def test_model_judgements_citing_unknown_ids_are_dropped_and_counted(model: Callable[..., Run]) -> None:
    def judgements(shown: dict[str, str], stories: list[str]) -> list[dict[str, Any]]:
        ashby = next(sid for sid, quote in shown.items() if quote == ASHBY)
        return [
            {
                "text": f"The United States holds that {ASHBY}",
                "statement_ids": [ashby],
                "story_ids": stories[:1],
            },
            {
                "text": f"The United States holds that {ASHBY}",
                "statement_ids": ["st-000000000000"],
                "story_ids": [],
            },
            {
                "text": f"The United States holds that {ASHBY}",
                "statement_ids": [ashby],
                "story_ids": ["s-0000000000"],
            },
        ]

    r = model(judgements)
    b = r.briefing
    assert [(j.basis, j.kind) for j in b.judgements] == [("model", "model")]
    ashby = r.said_by("Karen Ashby")
    assert b.judgements[0].statement_ids == [ashby.id] and b.judgements[0].story_ids == [ashby.story_id]
    # Two audiences, one synthesis each, two bad judgements in each reply.
    assert b.manifest is not None and b.manifest.dropped["judgement:unknown_id"] == 4
    # The model saw where each statement came from and which story it belongs to.
    synthesis = next(q for q in r.requests if q.kind == "synthesis")
    assert f'story="{ashby.story_id}"' in synthesis.text and 'source="official statement"' in synthesis.text
    html = r.document("analyst.html")
    assert "written by the model from the cited statements only and checked by code" in html


def test_a_story_analysed_by_the_offline_fallback_is_flagged(model: Callable[..., Run]) -> None:
    r = model(lambda shown, stories: [])  # and no usable judgement from the model either
    b = r.briefing
    commentary = next(s for s in b.stories if s.title.startswith("Reference prices are a cartel"))
    assert "offline_fallback" in commentary.flags and commentary.id in b.flags["offline_fallback"]
    fallback = [s for s in b.statements if s.story_id == commentary.id]
    assert fallback and all("offline_fallback" in s.flags for s in fallback)
    assert {s.descriptor for s in fallback} == {"state_media_commentary", "official_in_media"}
    assert "offline_fallback" not in r.said_by("Karen Ashby").flags
    # Key judgements come from the data instead, and the briefing says why.
    assert b.judgements and all(j.basis == "data" for j in b.judgements)
    assert any("no usable key judgements" in n for n in b.notes)
    html = r.document("analyst.html")
    assert "Offline fallback: the model failed, rule-based analysis used" in html
    assert '<span class="mark mark-offline-fallback"' in html  # its quotes in the contrast table
    assert "were analysed by the offline fallback" in html


def test_a_stored_briefing_without_the_new_fields_still_loads(offline: Run) -> None:
    raw = json.loads(offline.document("briefing.json"))
    for key in ("judgements", "flags"):
        del raw[key]
    for entry in raw["statements"] + raw["stories"]:
        del entry["descriptor"]
        del entry["flags"]
    for contrast in raw["contrasts"]:
        del contrast["flags"]
        for position in contrast["positions"]:
            del position["flags"]
    old = Briefing.model_validate(raw)
    assert old.judgements == [] and all(s.descriptor is None for s in old.statements)
