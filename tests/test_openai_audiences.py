"""One synthesis per audience, in its tone: pipeline.run against the fake OpenAI server on loopback.

The corpus, config and story replies are those of test_openai_backend.py; here the config lists
two audiences and the synthesis replies carry key judgements that differ per audience.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing import config as config_module
from briefing import pipeline
from briefing.models import Briefing
from tests.fake_openai import Answer, FakeOpenAI, Request, json_answer
from tests.test_openai_backend import (
    CONFIG,
    CORPUS,
    KEY,
    NOW,
    SETTINGS,
    story_reply,
    synthesis_reply,
    write_feed,
)

ONE = '[[audiences]]\nname = "analyst"\ntemplate = "analyst.html.j2"\n'
TONES = {
    "executive": "bottom line first",
    "analyst": "fuller and caveated",
    "desk": "policy staff who want a clear",  # tone/default.j2: no tone file of its own
}


def tone_of(request: Request) -> str:
    return next((name for name, words in TONES.items() if words in request.text), "")


def judged(request: Request) -> Answer:
    """Valid replies; each audience's synthesis judges a different statement (the executive the
    first shown, the others the last), so each briefing's key judgements can be told apart."""
    if request.kind != "synthesis":
        return json_answer(story_reply(request))
    reply: dict[str, Any] = synthesis_reply(request)
    sid, (side, _topic, quote) = list(request.statements.items())[
        0 if tone_of(request) == "executive" else -1
    ]
    quote = quote.split(" [English:")[0]
    reply["judgements"] = [
        {"text": f"{side} officials said {quote}", "statement_ids": [sid], "story_ids": []}
    ]
    return json_answer(reply)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    monkeypatch.setenv("BRIEFING_TEST_KEY", KEY)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    server = FakeOpenAI(judged).__enter__()
    yield server
    server.__exit__()


def run(
    tmp: Path,
    fake: FakeOpenAI,
    audiences: list[tuple[str, str]],
    top: str = "",
    only: list[str] | None = None,
) -> pipeline.RunResult:
    write_feed(tmp / "feed.xml", CORPUS)
    blocks = "".join(f'[[audiences]]\nname = "{n}"\ntemplate = "{t}"\n\n' for n, t in audiences)
    settings = "\n".join(f"{k} = {v}" for k, v in SETTINGS.items())
    text = top + CONFIG.replace(ONE, blocks).format(base_url=fake.base_url, settings=settings)
    (tmp / "config.toml").write_text(text, encoding="utf-8")
    options = pipeline.Options(
        since="2026-02-01", until="2026-02-20", formats=("json", "md"), now=NOW, audiences=only or []
    )
    return pipeline.run(config_module.load(tmp / "config.toml"), options)


def written(result: pipeline.RunResult) -> Briefing:
    path = next(p for p in result.outputs if p.name == "briefing.json")
    return Briefing.model_validate_json(path.read_text(encoding="utf-8"))


def judgements_section(result: pipeline.RunResult, audience: str) -> str:
    path = next(p for p in result.outputs if p.name == f"{audience}.md")
    text = path.read_text(encoding="utf-8")
    return text.split("## Key judgements", 1)[1].split("\n## ", 1)[0]


BOTH = [("executive", "executive.html.j2"), ("analyst", "analyst.html.j2")]


def test_each_audience_gets_its_own_synthesis_in_its_tone(tmp_path: Path, fake: FakeOpenAI) -> None:
    result = run(tmp_path, fake, BOTH)
    b = written(result)
    assert result.exit_code == 0, result.problems

    syntheses = [r for r in fake.requests if r.kind == "synthesis"]
    assert sorted(tone_of(r) for r in syntheses) == ["analyst", "executive"]
    assert all(sum(words in r.text for words in TONES.values()) == 1 for r in syntheses)
    assert b.manifest is not None
    assert {"tone/executive.j2", "tone/analyst.j2"} <= set(b.manifest.prompts)

    executive, analyst = b.syntheses["executive"], b.syntheses["analyst"]
    assert [j.basis for j in executive.judgements + analyst.judgements] == ["model", "model"]
    assert executive.judgements[0].statement_ids != analyst.judgements[0].statement_ids
    assert b.judgements == executive.judgements  # the first audience's are also the shared ones
    # Each document shows its own audience's judgement, not the other's.
    for own, other in (("executive", executive), ("analyst", analyst)):
        section = judgements_section(result, own)
        mine = b.syntheses[own].judgements[0].text
        theirs = (analyst if other is executive else executive).judgements[0].text
        assert mine in section and theirs not in section and "written by the model" in section

    # An unchanged re-run asks nothing: both syntheses come from the cache.
    sent = len(fake.requests)
    again = written(run(tmp_path, fake, BOTH))
    assert len(fake.requests) == sent
    assert again.run.usage.calls == 0 and again.run.usage.cached_calls == 5
    assert again.syntheses == b.syntheses


def test_a_run_limited_to_one_audience_writes_only_its_synthesis(tmp_path: Path, fake: FakeOpenAI) -> None:
    b = written(run(tmp_path, fake, BOTH, only=["analyst"]))
    assert [tone_of(r) for r in fake.requests if r.kind == "synthesis"] == ["analyst"]
    assert list(b.syntheses) == ["analyst"]


def test_an_audience_without_a_tone_file_gets_the_default_or_the_users_own(
    tmp_path: Path, fake: FakeOpenAI
) -> None:
    result = run(tmp_path, fake, [("desk", "analyst.html.j2")])
    assert result.exit_code == 0, result.problems
    (synthesis,) = [r for r in fake.requests if r.kind == "synthesis"]
    assert tone_of(synthesis) == "desk"
    b = written(result)
    assert b.manifest is not None and "tone/default.j2" in b.manifest.prompts

    folder = tmp_path / "prompts" / "tone"
    folder.mkdir(parents=True)
    (folder / "desk.j2").write_text("Write for the {{ audience.name }} desk, in headlines.", encoding="utf-8")
    fake.requests.clear()
    b = written(run(tmp_path, fake, [("desk", "analyst.html.j2")], top='prompts = "prompts"\n'))
    (synthesis,) = [r for r in fake.requests if r.kind == "synthesis"]  # the tone changed: asked again
    assert "Write for the desk desk, in headlines." in synthesis.text
    assert b.manifest is not None and "tone/desk.j2" in b.manifest.prompts


def test_a_bad_synthesis_for_one_audience_leaves_the_other_alone(tmp_path: Path, fake: FakeOpenAI) -> None:
    def respond(request: Request) -> Answer:
        if request.kind == "synthesis" and tone_of(request) == "executive":
            return Answer(content="not JSON at all")
        return judged(request)

    fake.responder = respond
    result = run(tmp_path, fake, BOTH)
    b = written(result)
    assert result.exit_code == 0, result.problems

    executive, analyst = b.syntheses["executive"], b.syntheses["analyst"]
    assert executive.developments == [] and executive.judgements  # computed from the data
    assert {j.basis for j in executive.judgements} == {"data"}
    assert [j.basis for j in analyst.judgements] == ["model"] and analyst.developments
    assert any(n.startswith("For the executive briefing: Key developments were not written") for n in b.notes)
    assert not any("analyst briefing" in n for n in b.notes)
    assert "drawn by rules" in judgements_section(result, "executive")
    assert analyst.judgements[0].text in judgements_section(result, "analyst")
