# ruff: noqa: RUF001 -- the Chinese test text uses Chinese punctuation
"""The offline analysis backend, through its public interface: get_backend("offline").analyse(...).

Articles are invented (speakers, institutes and quotes) but written the way wire copy, state media
and government releases on critical-minerals policy are written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from briefing.analysis import Backend, build_contrasts, coverage, get_backend, register
from briefing.config import Config, parse
from briefing.errors import AnalysisError, ConfigError
from briefing.models import Analysis, Item, Statement, Story

NOW = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)


def make_config(**overrides: Any) -> Config:
    data: dict[str, Any] = {
        "feeds": [
            {
                "name": "ustr",
                "url": "https://ustr.example.gov/rss.xml",
                "kind": "government",
                "actor": "USTR",
            },
            {
                "name": "mofcom",
                "url": "https://mofcom.example.cn/rss.xml",
                "kind": "government",
                "actor": "MOFCOM",
            },
            {"name": "gt", "url": "https://gt.example.cn/rss.xml", "kind": "state_media"},
            {"name": "wire", "url": "https://wire.example.com/rss.xml", "kind": "wire"},
        ],
        "actors": [
            {
                "name": "USTR",
                "side": "United States",
                "organization": "Office of the United States Trade Representative",
                "aliases": ["Jamieson Greer"],
            },
            {
                "name": "MOFCOM",
                "side": "China",
                "organization": "Ministry of Commerce",
                "aliases": ["He Yadong"],
            },
            {
                "name": "China MFA",
                "side": "China",
                "organization": "Ministry of Foreign Affairs",
                "aliases": ["Foreign Ministry", "Lin Jian"],
            },
            {
                "name": "EC",
                "side": "Partners",
                "organization": "European Commission",
                "aliases": ["Maros Sefcovic"],
            },
        ],
        "topics": {
            "terms": ["rare earth", "gallium", "critical minerals"],
            "taxonomy": [
                {"id": "export_controls", "label": "Export controls", "terms": ["export control", "licence"]},
                {"id": "price_floors", "label": "Price floors", "terms": ["price floor", "reference price"]},
                {"id": "ministerial", "label": "Critical Minerals Ministerial", "terms": ["ministerial"]},
            ],
            "minerals": {"gallium": ["gallium"], "germanium": ["germanium"], "rare earths": ["rare earth"]},
        },
        "audiences": [{"name": "exec", "template": "exec.html.j2"}],
    }
    data.update(overrides)
    return parse(data, Path("config.toml"))


CONFIG = make_config()


def item(text: str, feed: str = "wire", item_id: str = "i-1", title: str = "Minerals") -> Item:
    configured = CONFIG.feed(feed)
    kind = configured.kind if configured else "other"
    return Item(
        id=item_id,
        feed=feed,
        guid=item_id,
        title=title,
        url=f"https://example.com/{item_id}",
        source=feed,
        source_kind=kind,
        published=NOW,
        text=text,
    )


def story(items: list[Item], story_id: str = "s-1", **fields: Any) -> Story:
    first = items[0]
    return Story(
        id=story_id,
        title=first.title,
        url=first.url,
        source=first.source,
        source_kind=first.source_kind,
        published=NOW,
        item_ids=[i.id for i in items],
        **fields,
    )


def analyse(*texts: str, feed: str = "wire", config: Config = CONFIG) -> tuple[Analysis, dict[str, Item]]:
    """One story per text."""
    items = {f"i-{n}": item(text, feed, f"i-{n}") for n, text in enumerate(texts)}
    stories = [story([it], f"s-{n}") for n, it in enumerate(items.values())]
    return get_backend("offline").analyse(stories, items, config), items


def statements(text: str, feed: str = "wire", config: Config = CONFIG) -> list[Statement]:
    result, items = analyse(text, feed=feed, config=config)
    assert_verified(result, items)
    return result.statements


def assert_verified(result: Analysis, items: dict[str, Item]) -> None:
    for st in result.statements:
        assert items[st.item_id].text[st.start : st.end] == st.quote
        assert st.verified
        assert st.quote.strip()


def only(found: list[Statement]) -> Statement:
    assert len(found) == 1, [(s.speaker, s.quote) for s in found]
    return found[0]


# --- the registry ---------------------------------------------------------------------------------------


def test_offline_backend_is_registered() -> None:
    backend = get_backend("offline")
    assert backend.name == "offline"
    assert isinstance(backend, Backend)


def test_unknown_backend_is_an_analysis_error() -> None:
    with pytest.raises(AnalysisError, match="no-such-backend"):
        get_backend("no-such-backend")


def test_a_backend_can_be_registered() -> None:
    class Echo:
        name = "echo-test"

        def analyse(self, stories: list[Story], items: dict[str, Item], config: Config) -> Analysis:
            return Analysis(summaries={s.id: s.title for s in stories})

    register(Echo())
    assert get_backend("echo-test").analyse([story([item("x")])], {}, CONFIG).summaries == {"s-1": "Minerals"}


# --- forms of reported speech ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "quote"),
    [
        (
            '"The so-called price floor is a tool of a small circle," said Zhou Min, a researcher at the '
            "Chinese Academy of Social Sciences.",
            "Zhou Min",
            "The so-called price floor is a tool of a small circle",
        ),
        (
            "“Licences are being issued to compliant exporters every week,” Wang Lei said on Monday.",
            "Wang Lei",
            "Licences are being issued to compliant exporters every week",
        ),
        (
            'Dr. Anna Berg said: "Nobody in the market believes the gallium price floor will hold."',
            "Anna Berg",
            "Nobody in the market believes the gallium price floor will hold.",
        ),
        (
            "«Europe will not accept a single supplier switching off our industry», Maros Sefcovic said.",
            "Maros Sefcovic",
            "Europe will not accept a single supplier switching off our industry",
        ),
    ],
)
def test_direct_quotes(text: str, speaker: str, quote: str) -> None:
    st = only(statements(text))
    assert (st.speaker, st.kind, st.quote) == (speaker, "direct", quote)


def test_quoted_words_inside_a_reported_clause_are_quoted_with_the_clause() -> None:
    st = only(
        statements(
            "Chen Hao said the ministerial was 'a typical act of economic coercion dressed up as "
            "cooperation'."
        )
    )
    assert (st.speaker, st.kind) == ("Chen Hao", "indirect")
    assert st.quote == "the ministerial was 'a typical act of economic coercion dressed up as cooperation'"


@pytest.mark.parametrize(
    ("text", "speaker", "title", "quote"),
    [
        (
            "Li Wenhua said that the export controls on gallium comply with international practice.",
            "Li Wenhua",
            "",
            "the export controls on gallium comply with international practice",
        ),
        (
            "Li Wenhua, director of the Rare Earth Institute at Fudan University, told reporters on Monday "
            "that licences for gallium exports were being approved as usual.",
            "Li Wenhua",
            "director of the Rare Earth Institute at Fudan University",
            "licences for gallium exports were being approved as usual",
        ),
        (
            "A researcher at the China Institute of International Studies, Chen Hao, said the US plan "
            "would raise costs for American manufacturers.",
            "Chen Hao",
            "A researcher at the China Institute of International Studies",
            "the US plan would raise costs for American manufacturers",
        ),
        (
            "According to Maria Lopez, a trade lawyer in Mexico City, the price floors would be hard to "
            "defend at the WTO.",
            "Maria Lopez",
            "a trade lawyer in Mexico City",
            "the price floors would be hard to defend at the WTO",
        ),
        (
            "Border-adjusted price floors would be hard to enforce, according to Maria Lopez.",
            "Maria Lopez",
            "",
            "Border-adjusted price floors would be hard to enforce",
        ),
        (
            "Western buyers will keep stockpiling rare earths this year, Anna Berg said.",
            "Anna Berg",
            "",
            "Western buyers will keep stockpiling rare earths this year",
        ),
        (
            "Prices of germanium could double by summer, said Tom Reyes, an analyst with Benchmark Mineral "
            "Intelligence.",
            "Tom Reyes",
            "an analyst with Benchmark Mineral Intelligence",
            "Prices of germanium could double by summer",
        ),
        (
            "Anna Berg warned of shortages of dysprosium for magnet makers outside China.",
            "Anna Berg",
            "",
            "warned of shortages of dysprosium for magnet makers outside China",
        ),
        (
            "Foreign Ministry spokesperson Lin Jian urged Washington to stop politicising trade in critical "
            "minerals.",
            "Lin Jian",
            "Foreign Ministry spokesperson",
            "urged Washington to stop politicising trade in critical minerals",
        ),
    ],
)
def test_indirect_speech(text: str, speaker: str, title: str, quote: str) -> None:
    st = only(statements(text))
    assert (st.speaker, st.speaker_title, st.kind, st.quote) == (speaker, title, "indirect", quote)
    assert st.claim == text


def test_institutional_speakers() -> None:
    text = (
        "The Commission said the Critical Raw Materials Act caps dependence on one supplier at 65%. "
        "Chinese experts said the cap was aimed at China. "
        "The ministry issued a statement on Monday, saying that licences would be granted to compliant "
        "applicants."
    )
    found = statements(text)
    assert [s.speaker for s in found] == ["The Commission", "Chinese experts", "The ministry"]
    assert found[2].quote == "licences would be granted to compliant applicants"


def test_pronoun_continues_the_previous_named_speaker() -> None:
    text = (
        "Li Wenhua, director of the Rare Earth Institute at Fudan University, said the controls were lawful. "
        "He noted that Chinese exporters had applied for licences in good time.\n"
        "Anna Berg, an analyst at Benchmark Mineral Intelligence, said buyers were nervous. "
        "She added that spot prices of gallium had doubled since the controls took effect."
    )
    found = statements(text)
    assert [s.speaker for s in found] == ["Li Wenhua", "Li Wenhua", "Anna Berg", "Anna Berg"]
    assert found[1].speaker_title == "director of the Rare Earth Institute at Fudan University"
    assert found[1].quote == "Chinese exporters had applied for licences in good time"
    assert found[3].side is None and found[1].side == "China"


def test_a_pronoun_without_antecedent_is_not_a_statement() -> None:
    assert statements("He said the licences would be approved within 45 working days.") == []


def test_an_unattributed_quotation_continues_a_quoted_statement() -> None:
    text = '"We have six weeks of inventory left," Thomas Becker said. "After that, we will cut production."'
    found = statements(text)
    assert [(s.speaker, s.kind, s.quote) for s in found] == [
        ("Thomas Becker", "direct", "We have six weeks of inventory left"),
        ("Thomas Becker", "direct", "After that, we will cut production."),
    ]


def test_a_surname_takes_the_full_name_and_title_given_earlier() -> None:
    text = (
        "Commerce Minister Wang Tao met exporters in Baotou on Monday.\n"
        "Wang said the rare earth licences would be approved within 45 days."
    )
    st = only(statements(text))
    assert (st.speaker, st.speaker_title) == ("Wang Tao", "Commerce Minister")


def test_quoted_as_saying_and_descriptions_with_an_age() -> None:
    text = (
        "Mr. Zhou, 56, a former commerce ministry official now at Tsinghua University, said the floors were "
        '"very hard to sustain". He was quoted by Xinhua as saying that licences would keep flowing.'
    )
    found = statements(text)
    assert [(s.speaker, s.speaker_title, s.kind) for s in found] == [
        ("Zhou", "a former commerce ministry official now at Tsinghua University", "indirect"),
        ("Zhou", "a former commerce ministry official now at Tsinghua University", "indirect"),
    ]
    assert found[0].quote == 'the floors were "very hard to sustain"'
    assert found[1].quote == "licences would keep flowing"


def test_datelines_and_trailing_clauses_are_not_quoted() -> None:
    text = (
        "TOKYO, March 3 (Wire) - Japan will subsidise two gallium recovery projects, the Ministry of "
        "Economy, Trade and Industry said on Tuesday, as Tokyo seeks to cut its reliance on Chinese supply."
    )
    st = only(statements(text))
    assert (st.speaker, st.side) == ("the Ministry of Economy, Trade and Industry", "Partners")
    assert st.quote == "Japan will subsidise two gallium recovery projects"


def test_two_speakers_in_one_paragraph() -> None:
    text = (
        "US Trade Representative Jamieson Greer said the action plan would set price floors within 60 days, "
        "while Mexican Economy Minister Luis Ortega argued that Mexico would benefit. "
        '"China will respond firmly," Chinese commerce ministry spokesperson He Yadong said.'
    )
    found = statements(text)
    assert [(s.speaker, s.side) for s in found] == [
        ("Jamieson Greer", "United States"),
        ("Luis Ortega", "Partners"),
        ("He Yadong", "China"),
    ]
    assert found[0].quote == "the action plan would set price floors within 60 days"
    assert found[1].quote == "Mexico would benefit"


def test_qa_transcript_answers_are_the_spokespersons_words() -> None:
    text = (
        "AFP: The US proposed reference prices for critical minerals yesterday. How does China view this?\n"
        "Xu Hanqing: China firmly opposes forming small circles in the name of supply chain security.\n"
        "Cooperation on critical minerals should be open and inclusive.\n"
        "Bloomberg: Is China considering new export controls?\n"
        "Xu Hanqing: I'd refer you to the competent authorities."
    )
    found = statements(text, feed="wire")
    assert [(s.speaker, s.kind, s.side) for s in found] == [("Xu Hanqing", "direct", None)] * 3
    assert found[1].quote == "Cooperation on critical minerals should be open and inclusive."


def test_an_answer_is_given_by_the_person_the_title_names() -> None:
    title = "Foreign Ministry Spokesperson Lin Jian's Answer to a Journalist's Question on Price Floors"
    text = (
        "Question: The US says its price floor framework is complete. What is China's comment?\n"
        "Answer: China opposes setting prices through administrative and tariff measures."
    )
    result, items = analyse_items([item(text, title=title)])
    assert_verified(result, items)
    reported, answer = result.statements  # the question reports what the US said
    assert (reported.speaker, reported.side) == ("The US", "United States")
    assert (answer.speaker, answer.speaker_title, answer.actor) == (
        "Lin Jian",
        "Foreign Ministry Spokesperson",
        "China MFA",
    )


def test_a_quotation_introduced_by_a_colon_runs_over_paragraphs() -> None:
    text = (
        "USTR Spokesperson Karen Ashby issued the following statement on the launch of Project Vault:\n"
        '"Project Vault gives American manufacturers a buffer against supply shocks. The stockpile changes '
        "that calculation.\n"
        '"It works alongside the price floors we are negotiating with partners."'
    )
    found = statements(text, feed="ustr")
    assert [(s.speaker, s.kind) for s in found] == [("Karen Ashby", "direct")] * 2
    assert found[0].quote.endswith("The stockpile changes that calculation.")
    assert found[0].actor == "USTR"


def test_an_acronym_is_resolved_through_its_spelled_out_name() -> None:
    text = (
        "Exports are cleared by the General Administration of Customs (GAC) in Beijing.\n"
        "GAC said gallium exports rose 5% in January."
    )
    st = only(statements(text))
    assert (st.speaker, st.side, st.resolved_by) == ("GAC", "China", "affiliation")


def test_spanish_reported_speech() -> None:
    text = (
        "Comunicado No. 021/2026\n"
        "Ana Torres Vega, titular de la Unidad de Minerales Estratégicos de la Secretaría de Economía, "
        'afirmó que México "tiene la geología y la base industrial". Señaló que el país buscará precios '
        "mínimos que reconozcan el valor agregado.\n"
        '"No se trata de encarecer nuestras cadenas de valor", afirmó.\n'
        "Según la funcionaria, los grupos de trabajo sesionarán cada semana."
    )
    found = statements(text, feed="wire")
    assert [(s.speaker, s.kind) for s in found] == [
        ("Ana Torres Vega", "direct"),
        ("Ana Torres Vega", "indirect"),
        ("Ana Torres Vega", "direct"),
        ("Ana Torres Vega", "indirect"),
    ]
    assert found[0].quote == "tiene la geología y la base industrial"
    assert {s.side for s in found} == {"Partners"}  # "Secretaría de Economía": Mexico


def test_chinese_reported_speech() -> None:
    text = (
        "北京大学战略资源研究中心主任秦浩然对记者表示，美方所谓价格下限实质上是价格同盟。"
        "“价格由市场决定，而不是由少数国家开会决定。”秦浩然说。"
        "外交部发言人林剑此前表示，中方坚决反对搞小圈子。"
    )
    found = statements(text, feed="wire")
    assert [(s.speaker, s.kind) for s in found] == [
        ("秦浩然", "indirect"),
        ("秦浩然", "direct"),
        ("林剑", "indirect"),
    ]
    assert found[0].speaker_title == "北京大学战略资源研究中心主任"
    assert found[1].quote == "价格由市场决定，而不是由少数国家开会决定"
    assert [s.side for s in found] == ["China", "China", "China"]


def test_two_speakers_of_the_same_words_each_get_a_statement() -> None:
    text = (
        "Jamieson Greer and Mexican Economy Minister Luis Ortega said on Friday that the two countries "
        "would coordinate reference prices for graphite. Beijing and Brussels said the talks on gallium "
        "licences had been constructive."
    )
    found = statements(text)
    assert [(s.speaker, s.side) for s in found] == [
        ("Jamieson Greer", "United States"),
        ("Luis Ortega", "Partners"),
        ("Beijing", "China"),
        ("Brussels", "Partners"),
    ]
    assert (
        found[0].quote == found[1].quote == "the two countries would coordinate reference prices for graphite"
    )
    assert len({s.id for s in found}) == 4


def test_the_same_words_from_two_speakers_are_two_statements() -> None:
    text = '"The price floor will fail," Li Wenhua said. "The price floor will fail," Anna Berg said.'
    assert [s.speaker for s in statements(text)] == ["Li Wenhua", "Anna Berg"]


@pytest.mark.parametrize(
    ("text", "speaker", "quote"),
    [
        (
            "The EU welcomed the decision to extend the suspension of the gallium export ban.",
            "The EU",
            "welcomed the decision to extend the suspension of the gallium export ban",
        ),
        (
            "Zhao Mingde, vice chairman of the China Rare Earth Industry Association, rejected the charge.",
            "Zhao Mingde",
            "rejected the charge",
        ),
        (
            "Chinese state media reported that the ministry had approved 40 licences for gallium exports.",
            "Chinese state media",
            "the ministry had approved 40 licences for gallium exports",
        ),
        (
            "China has approved gallium licences for three U.S. chipmakers, Chinese state media reported on "
            "Tuesday, the first such approvals since the controls took effect.",
            "Chinese state media",
            "China has approved gallium licences for three U.S. chipmakers",
        ),
        (
            "Beijing has honoured its contracts, and the measures, Li Wenhua said, are legal under WTO "
            "rules, while buyers keep stockpiling gallium.",
            "Li Wenhua",
            "the measures, Li Wenhua said, are legal under WTO rules",
        ),
        (
            "In the view of Wu Peng, a professor at Tsinghua University, the price floor is a political "
            "project.",
            "Wu Peng",
            "the price floor is a political project",
        ),
        (
            "Liu Ming described the probe as protectionism, pure and simple.",
            "Liu Ming",
            "described the probe as protectionism, pure and simple",
        ),
        (
            "A Commerce Department official, speaking on condition of anonymity, said the first gallium "
            "deliveries were scheduled for January.",
            "A Commerce Department official",
            "the first gallium deliveries were scheduled for January",
        ),
    ],
)
def test_stances_reports_and_interrupted_clauses(text: str, speaker: str, quote: str) -> None:
    st = only(statements(text))
    assert (st.speaker, st.quote) == (speaker, quote)


@pytest.mark.parametrize(
    "text",
    [
        "The EU welcomed a delegation from Japan on Tuesday to discuss gallium.",
        "China has noted the relevant announcement on gallium.",
        'Analysts said licences for gallium were slowing. "Nobody expects a quick fix for supply."',
    ],
)
def test_no_stance_without_something_said(text: str) -> None:
    assert [s.quote for s in statements(text) if "Nobody" in s.quote or "welcomed" in s.quote] == []
    assert all(s.speaker != "China" for s in statements(text))


def test_he_and_she_skip_a_speaker_of_the_other_gender() -> None:
    text = (
        "Ms. Ruth Callender, a fellow at the Washington-based Center for Industrial Policy, said the gallium "
        "licences were a calibrated gesture. Mr. Tomas Lind, an analyst in Oslo, said buyers would wait. "
        "She said Beijing wanted to show it could turn the tap on as easily as off."
    )
    found = statements(text)
    assert [s.speaker for s in found] == ["Ruth Callender", "Tomas Lind", "Ruth Callender"]
    assert found[2].side == "United States"


def test_a_pronoun_refers_to_the_person_who_opened_the_sentence_before() -> None:
    text = (
        '"The floor has to be high enough," said Owen Reilly, a fellow at a think tank in Washington. '
        "Tokyo-based consultant Aiko Mori was more optimistic. Japanese buyers, she said, had already "
        "accepted premiums for dysprosium."
    )
    found = statements(text)
    assert [(s.speaker, s.side) for s in found] == [
        ("Owen Reilly", "United States"),
        ("Aiko Mori", "Partners"),
    ]


def test_speaker_kinds() -> None:
    text = (
        "Li Wenhua said the gallium licences were lawful. The Commission said the cap was needed. "
        "Analysts said the market was tight. A ministry official said licences were flowing."
    )
    assert [s.speaker_kind for s in statements(text)] == ["person", "institution", "group", "institution"]


# --- speaker -> actor and side --------------------------------------------------------------------------


def test_alias_in_speaker_or_title() -> None:
    found = statements(
        "The Chinese Foreign Ministry spokesperson said the ministerial was a small circle. "
        "Jamieson Greer said the price floors would protect American workers."
    )
    assert [(s.actor, s.side, s.resolved_by) for s in found] == [
        ("China MFA", "China", "alias"),
        ("USTR", "United States", "alias"),
    ]


def test_a_surname_matches_a_configured_alias() -> None:
    st = only(statements("Greer told lawmakers the price floors would be ready within 60 days."))
    assert (st.speaker, st.actor, st.resolved_by) == ("Greer", "USTR", "alias")


def test_an_alias_does_not_override_the_speakers_own_country() -> None:
    st = only(statements("The Japanese Foreign Ministry said Tokyo would join the price floor talks."))
    assert (st.side, st.actor, st.resolved_by) == ("Partners", None, "affiliation")


def test_side_from_affiliation_only() -> None:
    st = only(
        statements(
            "Zhou Min, a professor of economics at Tsinghua University, said the price floor would not "
            "survive the first market downturn."
        )
    )
    assert (st.side, st.actor, st.resolved_by) == ("China", None, "affiliation")
    assert st.organization == "Tsinghua University"


@pytest.mark.parametrize(
    ("speaker", "side"),
    [
        ("Anke Vogel, head of purchasing at a Munich-based magnet maker,", "Partners"),
        ("Sun Qiang, a manager at a refinery in Zhuzhou,", "China"),
        ("Raul Medina, who runs a Zacatecas-based mining cooperative,", "Partners"),
        ("Under Secretary for Industry and Security Dana Holt", "United States"),
        ("Aiko Mori, an analyst at a Nagoya trading house,", "Partners"),
        ("Carl Boyd, a Boise-based geologist,", "United States"),
        ("Rosa Flores, a trade lawyer from Guerrero,", "Partners"),
        # A surname that is also a place is not a place; a city outside every side places no side.
        ("Maria Guerrero, a trade lawyer,", None),
        ("Ted Marsh, a Perth-based analyst,", None),
    ],
)
def test_side_from_a_place_or_office_in_the_gazetteer(speaker: str, side: str | None) -> None:
    st = only(statements(f"{speaker} said the price floor would not survive the first market downturn."))
    assert st.side == side
    assert st.resolved_by == ("affiliation" if side else "unknown")


def test_affiliation_prefers_an_actor_only_of_the_same_kind_of_body() -> None:
    found = statements(
        "Li Haidong, a professor at the China Foreign Affairs University, said the plan would fail. "
        "China's foreign ministry said the plan was a small circle."
    )
    assert [(s.side, s.actor) for s in found] == [("China", None), ("China", "China MFA")]


def test_us_claim_reported_by_chinese_state_media() -> None:
    text = (
        "The US trade office claimed in a press release on Tuesday that China's export controls distort "
        "global markets for rare earths. Chinese experts said the accusation was groundless."
    )
    found = statements(text, feed="gt")
    assert [(s.speaker, s.side, s.resolved_by) for s in found] == [
        ("The US trade office", "United States", "affiliation"),
        ("Chinese experts", "China", "affiliation"),
    ]
    assert found[0].actor == "USTR"  # the configured US actor whose organisation words match


def test_institutional_speaker_takes_the_feed_default() -> None:
    text = (
        "The press release noted that the United States would keep working with partners on price floors. "
        "Maria Lopez, a trade lawyer at Lopez & Ruiz, said the plan was vague."
    )
    release, lawyer = statements(text, feed="ustr")
    assert (release.actor, release.side, release.resolved_by) == ("USTR", "United States", "feed_default")
    # A named person from elsewhere never gets the feed's actor.
    assert (lawyer.actor, lawyer.side, lawyer.resolved_by) == (None, None, "unknown")


def test_the_ministry_refers_back_to_the_ministry_named_earlier() -> None:
    text = (
        "The US Commerce Department added 12 Chinese firms to its entity list on Friday.\n"
        "The department said the firms had supplied gallium to military end users."
    )
    st = only(statements(text, feed="mofcom"))
    assert (st.side, st.resolved_by) == ("United States", "affiliation")


def test_unknown_speaker_stays_unknown() -> None:
    found = statements(
        "Analysts said the licence approvals were slowing. "
        "A trader in Rotterdam said gallium was changing hands at record prices."
    )
    assert [(s.actor, s.side, s.resolved_by) for s in found] == [(None, None, "unknown")] * 2


def test_sides_are_only_configured_sides() -> None:
    actors = [a.model_dump() for a in CONFIG.actors if a.side != "Partners"]
    config = make_config(sides=[{"name": "United States"}, {"name": "China"}], actors=actors)
    st = only(statements("Japanese officials said Tokyo would join the price floor talks.", config=config))
    assert st.side is None


def test_a_named_official_in_a_governments_own_release_speaks_for_it() -> None:
    text = (
        "Deputy Trade Representative Rachel Imbert said the rule had been drafted with allied governments. "
        "Tom Reyes, chief executive of Reyes Magnetics, said the rule was overdue."
    )
    official, executive = statements(text, feed="ustr")
    assert (official.speaker, official.actor, official.resolved_by) == (
        "Rachel Imbert",
        "USTR",
        "feed_default",
    )
    # A named person without a public office, and any named person in a wire story, stay unplaced.
    assert (executive.side, executive.resolved_by) == (None, "unknown")
    wire = only(statements("Deputy Trade Representative Rachel Imbert said the rule was drafted.", feed="gt"))
    assert (wire.side, wire.resolved_by) == (None, "unknown")


def test_a_title_with_a_field_is_split_from_the_name_after_it() -> None:
    st = only(
        statements(
            '"We will not hand them the finished products," said Assistant Secretary for Export '
            "Enforcement Martin Keogh."
        )
    )
    assert (st.speaker, st.speaker_title) == ("Martin Keogh", "Assistant Secretary for Export Enforcement")


def test_a_person_is_placed_by_what_any_mention_says_of_them() -> None:
    text = (
        "Senators Laura Pike and Daniel Ochoa urged the department to speed up purchases.\n"
        "Ms. Pike, a Republican from Ohio, told the hearing the department had been slow."
    )
    found = statements(text)
    pike = [s for s in found if s.speaker == "Laura Pike"]
    assert len(pike) == 2
    assert {(s.side, s.resolved_by) for s in pike} == {("United States", "affiliation")}


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        ("A Treasury official said the loan would close in March.", "United States"),
        ("A British Treasury official said the loan would close in March.", None),
        (
            "A spokesperson for the Chinese mission to the EU said Brussels should avoid bloc politics.",
            "China",
        ),
        (
            "Naomi Sugita, a magnet buyer at an Osaka trading house, said customers preferred cheaper metal.",
            "Partners",
        ),
    ],
)
def test_side_from_bodies_described_in_passing(sentence: str, side: str | None) -> None:
    assert only(statements(sentence)).side == side


def test_the_organisation_of_a_mission_names_the_mission() -> None:
    st = only(statements("A spokesperson for the Chinese mission to the EU said the talks were useful."))
    assert st.organization == "Chinese mission to the EU"


def test_the_agency_refers_back_to_a_body_named_otherwise_in_its_sentence() -> None:
    text = (
        "Japan Organization for Metals and Energy Security will fund a recycler in Kitakyushu to recover "
        "dysprosium, the agency said on Tuesday."
    )
    st = only(statements(text))
    assert (st.speaker, st.side) == ("the agency", "Partners")


def test_local_authorities_are_of_the_place_in_the_dateline() -> None:
    text = (
        "NANCHANG, Oct 9 (Xinhua) -- Separation plants processed a record 41,000 tonnes of ore this year, "
        "local authorities said on Thursday."
    )
    assert only(statements(text, feed="gt")).side == "China"


def test_a_sides_countries_decide_where_other_allies_stand() -> None:
    text = "Ted Marsh, a Perth-based analyst, said the price floor would favour Australian producers."
    assert only(statements(text)).side is None  # "Partners" by name has the EU, Japan and Mexico
    sides = [
        {"name": "United States"},
        {"name": "China"},
        {"name": "Partners", "countries": ["eu", "japan", "mexico", "australia"]},
    ]
    st = only(statements(text, config=make_config(sides=sides)))
    assert (st.side, st.resolved_by) == ("Partners", "affiliation")


def test_the_countries_a_config_may_name_are_the_regions_the_analysis_knows() -> None:
    from briefing.analysis.attribution import REGIONS
    from briefing.config import COUNTRIES

    assert sorted(COUNTRIES) == list(REGIONS)


@pytest.mark.parametrize(
    ("countries", "problem"),
    [
        ([["atlantis"], []], r"sides\[0\]\.countries.*unknown countries \['atlantis'\]"),
        (
            [["australia"], ["australia"]],
            r"sides\[1\]\.countries: 'australia' is already a country of side 'A'",
        ),
    ],
)
def test_side_countries_are_checked(countries: list[list[str]], problem: str) -> None:
    sides = [{"name": "A", "countries": countries[0]}, {"name": "B", "countries": countries[1]}]
    with pytest.raises(ConfigError, match=problem):
        make_config(sides=sides, actors=[])


def test_a_qa_release_gives_each_answer_to_the_spokesperson_its_title_names() -> None:
    text = (
        "Q: Some foreign media reported that China has tightened graphite approvals. What is your comment?\n"
        "A: The relevant reports do not accord with the facts. Compliant applications are approved.\n"
        "Q: Will the suspension be extended?\n"
        "A: I have no information to release at the moment."
    )
    it = item(text, "mofcom", title="MOFCOM Spokesperson He Yadong Answers Reporters' Questions on Graphite")
    result = get_backend("offline").analyse([story([it])], {it.id: it}, CONFIG)
    answers = [s for s in result.statements if s.speaker == "He Yadong"]
    assert [s.quote[:24] for s in answers] == ["The relevant reports do ", "I have no information to"]
    assert {(s.actor, s.side) for s in answers} == {("MOFCOM", "China")}


@pytest.mark.parametrize(
    ("sentence", "feed", "side"),
    [
        (
            "Senior Advisor for Critical Minerals Nathan Perrault said the comments would shape prices.",
            "ustr",
            "United States",
        ),
        (
            "Kenji Harada, Director-General of the Industries Bureau, said the projects would cut reliance.",
            "mofcom",
            "China",
        ),
        (
            "A senior administration official said the United States would not wait indefinitely.",
            "wire",
            "United States",
        ),
        (
            "Grant Mabbott, managing director of Tokyo-listed Ridgeback Cobalt, said the offtake was signed.",
            "wire",
            "Partners",
        ),
    ],
)
def test_offices_and_listings_place_speakers(sentence: str, feed: str, side: str) -> None:
    assert only(statements(sentence, feed=feed)).side == side


def test_a_person_familiar_with_the_talks_and_the_person() -> None:
    text = (
        "The government is considering equity stakes in separation projects, a person familiar with the "
        "talks said. The discussions are at an early stage, the person said."
    )
    found = statements(text)
    assert [s.speaker for s in found] == ["a person familiar with the talks"] * 2


def test_adding_that_is_a_second_statement_and_saying_that_is_the_same_one() -> None:
    adding = statements(
        '"The stockpile was designed for a short disruption," Mizuno said, adding that chipmakers held '
        "private inventories of two months at most."
    )
    assert [s.quote for s in adding] == [
        "The stockpile was designed for a short disruption",
        "chipmakers held private inventories of two months at most",
    ]
    saying = statements(
        "Two senators urged the department to speed up purchases, saying that contracts covered "
        "less than a month."
    )
    assert len(saying) == 1


def test_an_appositive_after_the_company_and_a_quotation_after_a_colon() -> None:
    st = only(
        statements(
            "Ron Delacroix, chief executive of Arizona-based Sonoran Metals Recovery, a gallium recycler, "
            'welcomed the announcement: "This gives domestic recyclers the price signal they have missed."'
        )
    )
    assert (st.speaker, st.side) == ("Ron Delacroix", "United States")
    assert st.quote == "This gives domestic recyclers the price signal they have missed."


def test_a_deal_agreed_to_is_not_a_statement_and_a_source_is_not_a_second_speaker() -> None:
    assert (
        statements("Last year the Pentagon agreed to guarantee a minimum price for oxide from a US miner.")
        == []
    )
    st = only(
        statements(
            'The State Department claimed that the framework would "break the monopoly" and give miners '
            '"predictable returns," according to a statement posted on its website.'
        )
    )
    assert st.speaker == "The State Department"


def test_the_company_and_the_citys_bureau_are_of_the_dateline_place() -> None:
    text = (
        "GANZHOU, Jiangxi, March 22 (Xinhua) -- A decade ago, the same company shipped its tungsten as "
        "concentrate.\n"
        "“Now most of our revenue comes from cemented carbide tools,” said Zhong Wenbin, chairman "
        "of the company.\n"
        "According to the city's bureau of industry and information technology, the tungsten industry "
        "generated output of 58 billion yuan in 2025."
    )
    found = statements(text, feed="gt")
    assert [(s.speaker, s.side) for s in found] == [
        ("Zhong Wenbin", "China"),
        ("the city's bureau of industry and information technology", "China"),
    ]


def test_according_to_a_body_then_a_clause_is_not_a_description() -> None:
    st = only(statements("According to the Commission, the EU sources around 98% of its magnets from China."))
    assert (st.speaker, st.quote) == ("the Commission", "the EU sources around 98% of its magnets from China")


def test_who_said_after_according_to_is_a_second_statement_of_the_same_speakers() -> None:
    found = statements(
        "Canada and Britain have raised concerns about the proposal, according to two officials involved in "
        "the talks, who said Ottawa and London feared higher costs for defence contractors."
    )
    assert [(s.speaker, s.quote[:22]) for s in found] == [
        ("two officials involved in the talks", "Canada and Britain hav"),
        ("two officials involved in the talks", "Ottawa and London fear"),
    ]
    assert found[0].speaker_title == ""


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        (
            "Wang Jinsong, a researcher at the Institute of American Studies of the Chinese Academy of "
            "Social Sciences, said the plan treated commodities as weapons.",
            "China",
        ),
        (
            "Marcus Lindqvist, a partner at a Stockholm-based consultancy, said licences were still slow.",
            "Partners",
        ),
        ("Analysts at Citi said in a note that gallium prices were unlikely to fall.", "United States"),
        ("Analysts at Nomura said in a note that gallium prices were unlikely to fall.", "Partners"),
        (
            "But an executive at a U.S. electronics distributor, who asked not to be named, told Xinhua that "
            "government buying could push up spot prices.",
            "United States",
        ),
    ],
)
def test_subjects_firms_and_asides(sentence: str, side: str) -> None:
    assert only(statements(sentence, feed="gt")).side == side


def test_the_official_and_the_agency_refer_back_to_unnamed_and_named_bodies() -> None:
    text = (
        'A Japanese government official said Tokyo supported "the objective, not every instrument." '
        "The official noted that suppliers had long-term contracts a sudden floor could disrupt.\n"
        "Japan Bank for International Cooperation said in a statement that it had approved loan guarantees. "
        "The agency said the financing was not contingent on any price mechanism."
    )
    found = statements(text)
    assert [(s.speaker, s.side) for s in found] == [
        ("A Japanese government official", "Partners"),
        ("A Japanese government official", "Partners"),
        ("Japan Bank for International Cooperation", "Partners"),
        ("The agency", "Partners"),
    ]


def test_a_headline_and_a_document_title_are_nobodys_words() -> None:
    text = (
        "MOFCOM Spokesperson Responds to US Threat of Tariffs on Processed Critical Minerals\n"
        "The spokesperson said the US side had repeatedly overstretched the concept of national security.\n"
        'In November, MOFCOM issued the "Announcement on Suspending the Implementation of Export Control '
        'Measures," which remains in effect.'
    )
    found = statements(text, feed="mofcom")
    assert [(s.speaker, s.actor) for s in found] == [("The spokesperson", "MOFCOM")]


def test_saying_after_words_attributed_before_is_a_second_statement() -> None:
    found = statements(
        "Battery makers have asked Washington for more time, an official at the Korea Battery Industry "
        "Association told Reuters on Thursday, saying alternative suppliers could not meet their needs."
    )
    assert [s.quote[:20] for s in found] == ["Battery makers have ", "alternative supplier"]


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "Analysts at Goldman Sachs in New York said in a note that the curbs could tighten the market.",
            "Analysts at Goldman Sachs in New York",
        ),
        (
            "An industry body representing European magnet makers noted that its members still source "
            "most of their inputs from China.",
            "An industry body representing European magnet makers",
        ),
        (
            "Recovered gallium is fetching record premiums, recyclers and buyers told Metals Weekly.",
            "recyclers and buyers",
        ),
        (
            "An Indian mines ministry official, who asked not to be named because the talks are private, "
            "said New Delhi was negotiating an offtake.",
            "An Indian mines ministry official",
        ),
    ],
)
def test_more_speaker_phrases(sentence: str, speaker: str) -> None:
    assert only(statements(sentence)).speaker == speaker


def test_a_second_verb_joined_by_and_keeps_its_speaker_and_drops_its_object() -> None:
    found = statements(
        'Deputy Commerce Secretary Ryan Tolliver claimed that the floors would "give miners a fair shot," '
        "and told a Washington think tank that more than 20 countries had signed up."
    )
    assert [(s.speaker, s.quote) for s in found] == [
        ("Ryan Tolliver", 'the floors would "give miners a fair shot,"'),
        ("Ryan Tolliver", "more than 20 countries had signed up"),
    ]


def test_a_quotation_broken_by_its_attribution_keeps_its_opening_words() -> None:
    st = only(
        statements(
            '"Europe will buy together," said Matthias Lindqvist, Commissioner for Industrial Strategy, '
            '"and where imports are dumped below cost, it will defend itself together."'
        )
    )
    assert (st.speaker, st.quote) == ("Matthias Lindqvist", "Europe will buy together")


def test_a_quotation_right_after_said_is_about_its_object_not_an_inverted_speaker() -> None:
    st = only(
        statements(
            "Speaking at a forum in Brussels, Bernhard Aigner, director for trade at the European "
            'Commission, said the EU "has no intention of decoupling" from China.'
        )
    )
    assert (st.speaker, st.side) == ("Bernhard Aigner", "Partners")


def test_an_answer_that_reports_the_spokesperson_is_not_the_spokespersons_own_words() -> None:
    text = (
        "Question: The European Commission launched an anti-dumping investigation. What is your response?\n"
        "Answer: Zhou Hanxin, spokesperson of the Ministry of Commerce, said that China has noted the "
        "investigation and expresses strong concern.\n"
        "Zhou said the EU side had launched the investigation without sufficient evidence."
    )
    it = item(text, "mofcom", title="MOFCOM Spokesperson Comments on the EU's Anti-Dumping Investigation")
    result = get_backend("offline").analyse([story([it])], {it.id: it}, CONFIG)
    assert [(s.speaker, s.quote[:20]) for s in result.statements] == [
        ("Zhou Hanxin", "China has noted the "),
        ("Zhou Hanxin", "the EU side had laun"),
    ]


def test_the_official_added_refers_back_to_the_minister() -> None:
    found = statements(
        "Indonesia will raise the export levy to 12% from July, Deputy Energy Minister Arief Santoso said on "
        'Monday. "Our smelters must climb the value chain, and they can," the official added.'
    )
    assert [s.speaker for s in found] == ["Arief Santoso", "Arief Santoso"]


@pytest.mark.parametrize(
    ("title", "speaker", "actor"),
    [
        (
            "MOFCOM Spokesperson Answers Reporter's Question on US Price Floors",
            "MOFCOM Spokesperson",
            "MOFCOM",
        ),
        ("Press Conference by Minister of Commerce WANG Tao (Excerpt)", "Wang Tao", None),
    ],
)
def test_a_transcript_title_names_the_office_or_the_minister(
    title: str, speaker: str, actor: str | None
) -> None:
    text = (
        "Q: What is your comment on price floors?\nA: We have noted the reports.\nQ: Gallium?\nA: No comment."
    )
    it = item(text, "mofcom", title=title)
    result = get_backend("offline").analyse([story([it])], {it.id: it}, CONFIG)
    assert [s.speaker for s in result.statements] == [speaker, speaker]
    if actor:
        assert {s.actor for s in result.statements} == {actor}


def test_told_a_meeting_that_and_a_source_named_after_the_words() -> None:
    found = statements(
        "China told a meeting of the World Trade Organization's goods council on Friday that U.S. plans "
        "would breach trade rules, according to two trade diplomats who attended the meeting.\n"
        "China's ambassador, Fang Jiecheng, told members the measures amounted to \"discriminatory tariffs "
        'dressed up as supply chain security," the diplomats said.'
    )
    assert [(s.speaker, s.quote) for s in found] == [
        ("China", "U.S. plans would breach trade rules"),
        (
            "Fang Jiecheng",
            'the measures amounted to "discriminatory tariffs dressed up as supply chain security,"',
        ),
    ]


def test_a_company_role_belongs_to_the_company_quoted_just_before() -> None:
    found = statements(
        "Alabama-based Tuscaloosa Graphite Co said Vault would buy up to 12,000 tons a year. "
        '"This is the contract that gets our plant financed," Chief Executive Dale Pruitt said.'
    )
    assert [(s.speaker, s.speaker_title, s.side) for s in found] == [
        ("Tuscaloosa Graphite Co", "Alabama-based", "United States"),
        ("Dale Pruitt", "Chief Executive", "United States"),
    ]


def test_partitive_speakers_and_one_of_them() -> None:
    found = statements(
        "Two of the people, who work at Japanese magnet producers, said applications had yet to receive a "
        'response. "We have been told to wait," said one of them, who asked not to be named.'
    )
    assert [(s.speaker, s.side) for s in found] == [("Two of the people", "Partners")] * 2


@pytest.mark.parametrize(
    ("text", "speaker", "side"),
    [
        (
            "China's commerce ministry did not respond. A ministry spokesperson said last week that "
            "applications were reviewed in accordance with the law.",
            "A ministry spokesperson",
            "China",
        ),
        (
            "An industry insider from a rare earth enterprise in Ganzhou, East China's Jiangxi Province, who "
            "requested anonymity, told the Global Times that overseas orders had remained stable.",
            "An industry insider from a rare earth enterprise in Ganzhou",
            "China",
        ),
        (
            '"Export licences are coming through more smoothly," a producer in Hunan province said.',
            "a producer in Hunan province",
            "China",
        ),
    ],
)
def test_unnamed_speakers_placed_by_what_the_text_says(text: str, speaker: str, side: str) -> None:
    st = only(statements(text))
    assert (st.speaker, st.side) == (speaker, side)


def test_insists_on_is_a_deed() -> None:
    assert (
        statements("If the US side insists on going its own way, China will take necessary measures.") == []
    )


@pytest.mark.parametrize(
    ("text", "speaker", "side"),
    [
        (
            "Independent minor metals consultant Arjen Visser said Western buyers had been slow to pay.",
            "Arjen Visser",
            None,
        ),
        (
            "A Japanese buyer of gallium for compound semiconductors said consumers held stock.",
            "A Japanese buyer of gallium for compound semiconductors",
            "Partners",
        ),
        (
            "A manager at a Chinese-owned NPI smelter in Morowali said ore stocks would last three weeks.",
            "A manager at a Chinese-owned NPI smelter in Morowali",
            "China",
        ),
        (
            "An executive at one of South Korea's three big battery makers said approvals took 60 days.",
            "An executive at one of South Korea's three big battery makers",
            None,
        ),
    ],
)
def test_unnamed_people_described_by_their_firm(text: str, speaker: str, side: str | None) -> None:
    st = only(statements(text))
    assert (st.speaker, st.side) == (speaker, side)


def test_he_after_an_unnamed_manager_is_the_manager() -> None:
    found = statements(
        "Tri Wahyudi, a director general at the ministry, told reporters that quotas were lower.\n"
        "A manager at a smelter in Morowali said ore stocks would last about three weeks. "
        '"If the permits do not come in March, we will have to cut lines," he said.'
    )
    assert [s.speaker for s in found][1:] == ["A manager at a smelter in Morowali"] * 2


def test_a_name_described_as_a_company_is_a_company_and_its_managing_director() -> None:
    found = statements(
        "Southern Cross Nickel, an Australian miner, said it was reviewing a restart. "
        '"Quota decisions matter more to us than the LME," managing director Fiona Gallagher told this '
        "publication."
    )
    assert [(s.speaker, s.speaker_kind) for s in found] == [
        ("Southern Cross Nickel", "institution"),
        ("Fiona Gallagher", "person"),
    ]


def test_a_title_given_before_a_name_elsewhere_places_the_surname_later() -> None:
    found = statements(
        "Mexico's Secretary of Economy, Rodrigo Alcantara Ruiz, joined the announcement by video.\n"
        "Secretary Alcantara said Mexico would present a list of processing projects.",
        feed="ustr",
    )
    st = only(found)
    assert (st.speaker, st.side, st.resolved_by) == ("Rodrigo Alcantara Ruiz", "Partners", "affiliation")


def test_a_headline_is_not_an_introduction_and_a_family_name_in_capitals_is() -> None:
    text = (
        "Minister Wang Holds Meeting with Australian Minister for Resources\n"
        "On March 3, Mr. WANG Tao, Minister of Commerce, held a meeting with the Australian minister.\n"
        "At the beginning of the meeting, Minister Wang stated that the two countries should invest together."
    )
    st = only(statements(text, feed="mofcom"))
    assert st.speaker == "WANG Tao"


def test_the_industry_ministry_and_its_vice_minister_are_of_the_dateline_country() -> None:
    sides = [
        {"name": "United States"},
        {"name": "China"},
        {"name": "Partners", "countries": ["eu", "japan", "mexico", "korea"]},
    ]
    found = statements(
        "SEOUL, March 6 (Wire) - South Korea will build up graphite stockpiles to cover 100 days of imports, "
        'the industry ministry said on Friday. "Stockpiling is insurance, not a strategy," First Vice '
        "Minister Yoon Seo-jin told a briefing.",
        config=make_config(sides=sides),
    )
    assert [(s.speaker, s.side) for s in found] == [
        ("the industry ministry", "Partners"),
        ("Yoon Seo-jin", "Partners"),
    ]


def test_a_title_in_two_parts_before_the_name() -> None:
    st = only(
        statements(
            "Commissioner for Environment, Water Resilience and a Competitive Circular Economy, Tomasz "
            'Wierzbicki, said: "Recycling is the mine we already own."',
        )
    )
    assert (st.speaker, st.speaker_title) == (
        "Tomasz Wierzbicki",
        "Commissioner for Environment, Water Resilience and a Competitive Circular Economy",
    )


def test_which_x_claimed_would_reports_the_relative_clause() -> None:
    st = only(
        statements(
            "The US and Mexico finalized a list of minerals for price floors, which Deputy Trade "
            'Representative Marian Okafor claimed would allow "trusted partners" to set the terms of trade.'
        )
    )
    assert (st.speaker, st.quote) == (
        "Marian Okafor",
        'would allow "trusted partners" to set the terms of trade',
    )


def test_a_minister_without_a_country_is_the_datelines() -> None:
    sides = [
        {"name": "United States"},
        {"name": "China"},
        {"name": "Partners", "countries": ["eu", "japan", "mexico", "canada"]},
    ]
    text = (
        "OTTAWA, June 12 (Wire) - Canada has ordered a Chinese state-linked investor to sell its stake in a "
        "Quebec lithium explorer, Industry Minister Claire Tremblay-Ross said on Friday."
    )
    st = only(statements(text, config=make_config(sides=sides)))
    assert (st.speaker, st.side) == ("Claire Tremblay-Ross", "Partners")


def test_a_company_placed_elsewhere_in_the_text_places_its_executive() -> None:
    text = (
        "The largest award goes to Keystone Critical Metals of Pittsburgh, Pennsylvania, which will build a "
        'recovery line. "This award lets us go to commercial scale," said Dana Whitcomb, chief executive '
        "officer of Keystone Critical Metals."
    )
    st = only(statements(text))
    assert (st.speaker, st.side) == ("Dana Whitcomb", "United States")


def test_declined_to_comment_but_said() -> None:
    st = only(
        statements(
            "A spokesperson for Japan's Ministry of Economy, Trade and Industry declined to comment on the "
            "negotiations but said Tokyo shared Washington's goal of resilient supply chains."
        )
    )
    assert (st.side, st.quote) == ("Partners", "Tokyo shared Washington's goal of resilient supply chains")


def test_more_forms_of_the_heldout_8_round() -> None:
    found = statements(
        "The U.S. Commerce Department on Tuesday added nine companies to its Entity List, saying they had "
        "acquired U.S. equipment for China's military.\n"
        "China's Ministry of Commerce (MOFCOM) said on Wednesday that China firmly opposes the US move, as "
        "traders said producers were already holding back cargoes bound for the United States.\n"
        'Tian Haoyu said the suspension showed China\'s "sincerity," adding that it was now up to '
        'Washington to "meet China halfway."'
    )
    assert [(s.speaker, s.quote[:24]) for s in found] == [
        ("The U.S. Commerce Department", "they had acquired U.S. e"),
        ("China's Ministry of Commerce", "China firmly opposes the"),
        ("traders", "producers were already h"),
        ("Tian Haoyu", "the suspension showed Ch"),
        ("Tian Haoyu", "it was now up to Washing"),
    ]


def test_two_quotations_inside_one_reported_clause_are_one_statement() -> None:
    st = only(
        statements(
            'Gao Yuning said stockpiling was "a matter for each country to decide" and that China was "a '
            'responsible supplier of critical minerals."'
        )
    )
    assert st.quote.startswith("stockpiling was") and st.quote.endswith('critical minerals."')


def test_a_congressional_hearing() -> None:
    found = statements(
        "Harold Voight, under secretary of commerce, told the Senate Banking Committee that the pause "
        "would end.\n"
        "Pressed by Republican Senator Kyle Marchetti of Ohio on whether Beijing would extend the pause, "
        'Voight declined to speculate. "We have made clear that an extension is in their interest," he '
        "said.\n"
        "Representative Luis Ortega, an Arizona Democrat on the House Select Committee on the Chinese "
        'Communist Party, said the administration was "treating a hostage situation like a trade '
        'negotiation."'
    )
    assert [(s.speaker, s.side) for s in found] == [
        ("Harold Voight", None),  # "under secretary of commerce": of which country, the text does not say
        ("Harold Voight", None),
        ("Luis Ortega", "United States"),
    ]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Deputy Trade Representative Colin Brandt briefed participants on the negotiations, noting "
            "that the United States is prepared to use tariffs.",
            "Colin Brandt",
        ),
        (
            "In a letter to Commerce Secretary Grant Holloway dated Sept. 15, the American Battery "
            "Manufacturers Coalition, which represents cell makers, said tariffs would hit battery plants.",
            "the American Battery Manufacturers Coalition",
        ),
        (
            '"Some Western media outlets keep talking about a choke point," an industry insider based in '
            "Baotou, North China's Inner Mongolia Autonomous Region, who requested anonymity, told the "
            "Global Times.",
            "an industry insider based in Baotou",
        ),
        (
            'Kenji Morimoto, President of Hokuriku Metals Co., Ltd., commented: "Until now, the gallium in '
            'our residue was treated as waste."',
            "Kenji Morimoto",
        ),
        (
            '"A tariff does not create a domestic supplier overnight," Kevin Marsh, owner of a tooling '
            "company in Rockford, Illinois, told Xinhua.",
            "Kevin Marsh",
        ),
    ],
)
def test_speakers_of_the_heldout_9_round(text: str, speaker: str) -> None:
    assert only(statements(text)).speaker == speaker


def test_forms_of_the_heldout_10_round() -> None:
    sides = [
        {"name": "United States"},
        {"name": "China"},
        {"name": "Partners", "countries": ["eu", "japan", "mexico", "korea"]},
    ]
    config = make_config(sides=sides)
    found = statements(
        '"Our supply of rare earth materials here has been stable," said Kenji Matsuda, general manager '
        "of the Shanghai subsidiary of Japan's Kisaragi Advanced Materials.\n"
        "In Seoul, trade minister Ahn Jae-won, who returned from talks in Beijing this week, said Chinese "
        "officials had assured him that applications would be approved.\n"
        "An official at a major Japanese trading house said customers held five months of magnets. "
        '"Nobody wants to repeat April 2025," the official said.',
        config=config,
    )
    assert [(s.speaker, s.side) for s in found] == [
        ("Kenji Matsuda", "Partners"),
        ("Ahn Jae-won", "Partners"),
        ("An official at a major Japanese trading house", "Partners"),
        ("An official at a major Japanese trading house", "Partners"),
    ]


def test_people_familiar_with_the_ministrys_deliberations_are_not_the_ministry() -> None:
    found = statements(
        "China's commerce ministry said it would review the measures. The ministry is considering an "
        "extension, two people familiar with the ministry's deliberations said."
    )
    assert (found[-1].speaker, found[-1].side) == (
        "two people familiar with the ministry's deliberations",
        None,
    )


def test_forms_of_the_heldout_11_round() -> None:
    found = statements(
        '"The process is more predictable," said Stefan Kraemer, purchasing director at the Taicang plant '
        "of a German auto parts supplier in east China's Jiangsu Province.\n"
        "A manager surnamed Zhang at a rare earth trading company in Ganzhou, East China's Jiangxi "
        "Province, told the Global Times that overseas clients kept placing orders.\n"
        "Commissioner Maros Sefcovic, responsible for trade, said the scheme was consistent with WTO rules.\n"
        "A Swiss trading house said it was shifting new business to Mozambique."
    )
    assert [(s.speaker, s.side) for s in found] == [
        ("Stefan Kraemer", "Partners"),
        ("Zhang", "China"),
        ("Maros Sefcovic", "Partners"),
        ("A Swiss trading house", None),
    ]


def test_declined_to_say_comma_but_said_and_a_company_introduced_at_the_end_of_a_sentence() -> None:
    found = statements(
        "The plan could complicate matters for Huanan Lithium, a Chinese company that holds concessions "
        "in Sonora. Huanan said in a statement that it had complied with Mexican law.\n"
        "Jamieson Greer declined to say whether Canada would join before the signing, but said talks "
        "with Ottawa were continuing."
    )
    assert [(s.speaker, s.side) for s in found] == [
        ("Huanan Lithium", "China"),
        ("Jamieson Greer", "United States"),
    ]


def test_forms_of_the_heldout_12_round() -> None:
    sides = [
        {"name": "United States"},
        {"name": "China"},
        {"name": "Partners", "countries": ["eu", "japan", "mexico", "korea"]},
    ]
    found = statements(
        "SEOUL, Jan 29 (Wire) - Daehan Chemical, the country's biggest anode maker, said it would start "
        "mass production in the third quarter. Its chief executive, Yoon Seo-yeon, told analysts that "
        "customers were paying a premium.\n"
        '"Now the ministry wants to know who your customer is," said a sales manager at a gallium producer '
        "in the southern Chinese region of Guangxi, who declined to be named.",
        config=make_config(sides=sides),
    )
    assert [(s.speaker, s.side) for s in found] == [
        ("Daehan Chemical", "Partners"),
        ("Yoon Seo-yeon", "Partners"),
        ("a sales manager at a gallium producer in the southern Chinese region of Guangxi", "China"),
    ]


def test_each_paragraph_of_a_signed_press_statement_is_the_signers() -> None:
    text = (
        "Extension of the PRC's Suspended Export Controls\n"
        "Press Statement\n"
        "Evelyn Strand, Under Secretary for Economic Growth, Energy, and the Environment\n"
        "November 3, 2026\n"
        "No country should be able to hold the world's factories hostage to a licensing regime.\n"
        "We welcome yesterday's agreement by Japan and Australia to finance gallium recovery."
    )
    it = item(text, "ustr", title="Extension of the PRC's Suspended Export Controls")
    result = get_backend("offline").analyse([story([it])], {it.id: it}, CONFIG)
    assert [(s.speaker, s.speaker_title, s.quote[:20]) for s in result.statements] == [
        (
            "Evelyn Strand",
            "Under Secretary for Economic Growth, Energy, and the Environment",
            "No country should be",
        ),
        (
            "Evelyn Strand",
            "Under Secretary for Economic Growth, Energy, and the Environment",
            "We welcome yesterday",
        ),
    ]
    assert {s.side for s in result.statements} == {"United States"}


# --- no false positives ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "China's exports of gallium fell 12.5% in January from a year earlier.",
        "The so-called price floor has said nothing about supply.",
        "The said measures took effect on Dec. 1, 2023.",
        "As said above, the controls apply to gallium and germanium.",
        "The deal is said to be worth $3.5 billion.",
        "Officials said to be involved in the talks declined to comment.",
        "Washington added 30 companies to the entity list on Monday.",
        "The ministry announced export controls on antimony.",
        "He did not say when the first reference prices would be published.",
        "Prices of rare earths rose 20% in January, according to data from Shanghai Metals Market.",
        '"Who said the price floor would work?" is the question everyone in the market is asking.',
        "China says US price floors are doomed to fail\nThe price of gallium rose on Tuesday.",
    ],
)
def test_no_statement_without_attribution(text: str) -> None:
    assert statements(text) == []


def test_a_line_repeating_the_title_is_a_headline() -> None:
    title = "Beijing says gallium export licences will continue"
    text = f"{title}\nGallium exports rose 5% in March."
    result, _ = analyse_items([item(text, title=title)])
    assert result.statements == []


def test_sentences_do_not_break_on_abbreviations_decimals_or_initials() -> None:
    text = (
        "Dr. J. R. Smith of the U.S. Geological Survey said on Jan. 5 that Announcement No. 18 cut "
        "exports of dysprosium by 3.5 percent. Mr. Li disagreed."
    )
    st = only(statements(text))
    assert (st.speaker, st.speaker_title) == ("J. R. Smith", "of the U.S. Geological Survey")
    assert st.claim == text.split(" Mr. Li")[0]
    assert st.side == "United States"


def test_every_quote_is_the_source_text_at_its_offsets() -> None:
    text = (
        "BEIJING, Feb. 4 (Xinhua) -- China's Ministry of Commerce said on Monday that the gallium controls "
        "comply with international practice.\n"
        "“The price floor will not hold,” said one trader in Shanghai. “Nobody believes it.”\n"
        "Chinese Foreign Ministry spokesperson Lin Jian said  China's position on the ministerial\t"
        "remains unchanged.\n"
        "'Export licences are being issued normally,' a ministry official said."
    )
    result, items = analyse(text)
    assert len(result.statements) == 5
    assert_verified(result, items)
    for st in result.statements:
        assert st.id.startswith("st-") and st.url == "https://example.com/i-0" and st.story_id == "s-0"


# --- summaries ------------------------------------------------------------------------------------------

BOTH_SIDES = (
    "China extends gallium licence regime\n"
    "China's commerce ministry extended its licensing regime for gallium and germanium exports on Monday, "
    "adding rare earth magnets to the list of controlled items.\n"
    "The ministry said the export controls comply with international practice and target no country.\n"
    "Exports of gallium fell 12% in January, customs figures showed, the third monthly decline.\n"
    "Rare earth magnet prices outside China have doubled since April.\n"
    "Japanese buyers have started to build stockpiles of critical minerals.\n"
    "US Trade Representative Jamieson Greer said the licences were being used to coerce trading partners."
)


def test_summary_has_the_configured_number_of_sentences() -> None:
    result, _ = analyse(BOTH_SIDES, config=make_config(analysis={"summary_sentences": 2}))
    summary = result.summaries["s-0"]
    assert summary.startswith("China's commerce ministry extended its licensing regime")
    assert summary.count(". ") + 1 == 2


def test_summary_quotes_each_side_that_is_quoted() -> None:
    result, _ = analyse(BOTH_SIDES, config=make_config(analysis={"summary_sentences": 2}))
    summary = result.summaries["s-0"]
    assert "The ministry said the export controls comply" in summary or "China's commerce ministry" in summary
    assert "Jamieson Greer said the licences were being used to coerce" in summary


def test_summary_falls_back_to_the_feed_summary() -> None:
    empty = item("", title="Gallium licences")
    empty = empty.model_copy(update={"summary": "China extended gallium licences. Prices fell."})
    result, _ = analyse_items([empty])
    assert result.summaries["s-1"] == "China extended gallium licences. Prices fell."
    assert result.statements == []
    headline_only = empty.model_copy(update={"summary": "China extends gallium licences"})
    result, _ = analyse_items([headline_only])
    assert result.summaries["s-1"] == "China extends gallium licences"


# --- stories, contrasts and coverage --------------------------------------------------------------------


def analyse_items(items: list[Item], **fields: Any) -> tuple[Analysis, dict[str, Item]]:
    by_id = {i.id: i for i in items}
    return get_backend("offline").analyse([story(items, **fields)], by_id, CONFIG), by_id


def test_syndicated_copies_are_not_counted_twice() -> None:
    text = "Lin Jian said the ministerial showed a Cold War mentality on critical minerals."
    original, copy = item(text, "wire", "i-1"), item("Reposted:\n" + text, "gt", "i-2")
    result, _ = analyse_items([original, copy])
    st = only(result.statements)
    assert st.item_id == "i-1"


def test_topic_and_minerals_come_from_the_claim() -> None:
    st = only(statements("Anna Berg said gallium and germanium licences were slowing."))
    assert (st.topic, st.minerals) == ("export_controls", ["gallium", "germanium"])


def test_topic_falls_back_to_the_story() -> None:
    text = "Anna Berg said the approach was unworkable."
    result, _ = analyse_items([item(text)], topics=["price_floors"])
    assert only(result.statements).topic == "price_floors"


CONTRAST_TEXT = (
    "Jamieson Greer said the price floor would protect American workers from dumping. "
    '"A price floor set in Washington is a tool of a small circle," said Zhou Min, a researcher at the '
    "Chinese Academy of Social Sciences. Chinese experts said the price floor would fail. "
    "China's commerce ministry said export controls on gallium were lawful and licences would be granted."
)


def test_contrasts_and_gaps() -> None:
    result, _ = analyse(CONTRAST_TEXT)
    by_id = {s.id: s for s in result.statements}
    assert [(c.topic, c.gap) for c in result.contrasts] == [
        ("price_floors", False),
        ("export_controls", True),
    ]
    floors = result.contrasts[0]
    assert floors.label == "Price floors"
    assert [p.side for p in floors.positions] == ["United States", "China"]
    china = [by_id[i].speaker for i in floors.positions[1].statement_ids]
    assert china == ["Zhou Min", "Chinese experts"]  # direct quote by a named person first
    gap = result.contrasts[1]
    assert [p.side for p in gap.positions] == ["China"]


def test_build_contrasts_orders_contrasts_before_gaps_by_size() -> None:
    result, _ = analyse(CONTRAST_TEXT)
    again = build_contrasts(list(reversed(result.statements)), CONFIG)
    assert [c.topic for c in again] == ["price_floors", "export_controls"]


def test_coverage_counts_sides_and_source_kinds() -> None:
    texts = [CONTRAST_TEXT, "Analysts said licences for gallium were slowing."]
    result, items = analyse(*texts)
    stories = [story([items["i-0"]], "s-0"), story([items["i-1"]], "s-1")]
    cov = coverage(stories, result.statements, items, CONFIG)
    assert cov.by_side["United States"] == {"statements": 1, "stories": 1}
    assert cov.by_side["China"] == {"statements": 3, "stories": 1}
    assert cov.by_side["Partners"] == {"statements": 0, "stories": 0}
    assert cov.by_side["Unknown"] == {"statements": 1, "stories": 1}
    assert cov.by_source_kind == {"wire": 2}
    # Zhou Min (a researcher), Chinese experts and the analysts are experts wherever they were quoted.
    assert cov.statements_by_source_kind == {"experts": 3, "wire": 2}


def test_a_story_counts_once_under_its_lead_items_kind() -> None:
    release = item(
        "The ministry said gallium licences would be granted to compliant applicants.", "mofcom", "i-1"
    )
    copy = item("Reposted:\n" + release.text, "gt", "i-2")
    wire = item("Li Wenhua, a professor at Fudan University, said the licences were lawful.", "wire", "i-3")
    items = {i.id: i for i in (release, copy, wire)}
    stories = [story([release, copy], "s-1"), story([wire], "s-2")]
    result = get_backend("offline").analyse(stories, items, CONFIG)
    cov = coverage(stories, result.statements, items, CONFIG)
    assert cov.by_source_kind == {"government": 1, "wire": 1}  # not also state_media for the copy
    assert sum(cov.by_source_kind.values()) == len(stories)
    assert cov.statements_by_source_kind == {"experts": 1, "government": 1}
    assert cov.by_side["China"] == {"statements": 2, "stories": 2}


def test_analysis_is_deterministic() -> None:
    texts = [CONTRAST_TEXT, BOTH_SIDES, "Analysts said licences for gallium were slowing."]
    first, _ = analyse(*texts)
    second, _ = analyse(*texts)
    assert first.model_dump() == second.model_dump()
    assert first.failed_stories == {}
    assert len({s.id for s in first.statements}) == len(first.statements)
