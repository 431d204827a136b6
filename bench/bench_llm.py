"""LLM backend benchmarks on the sample corpus, against the loopback fake endpoint (issue: LLM backend).

Run with `python -m bench llm`. Tokens are estimated as `llm_client.estimate_tokens` counts them
(about 4 characters, or one CJK character, per token), for the prompts as sent and for the text
of the selected stories' items; no model is called.

    prompt overhead     tokens of a story request with no material (system + instructions + schema
                        when it travels in the prompt), per request
    text ratio          (prompt tokens - requests x overhead) / story text tokens; goal <= 1.3
    re-run requests     requests made by a second, unchanged run (the cache); goal 0
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row
from briefing import config as config_module
from briefing import pipeline
from briefing.analysis.llm_client import estimate_tokens
from tests.fake_openai import Answer, FakeOpenAI, Request, json_answer

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample"
MATERIAL = re.compile(r"<material [^>]*>\n.*?\n</material>\n?", re.DOTALL)


def _answer(request: Request) -> Answer:
    if request.kind == "synthesis":
        return json_answer({"developments": [], "contrasts": []})
    summary = []
    for item_id, block in request.materials.items():
        first = block.split("\n\n", 1)[-1].split(". ")[0]
        summary.append({"text": first, "evidence": [{"item_id": item_id, "quote": first}]})
        break
    return json_answer({"story_id": request.story_id, "summary": summary, "statements": []})


def _tokens(request: Request) -> int:
    return sum(estimate_tokens(str(m.get("content", ""))) for m in request.body["messages"])


def main() -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(_answer) as fake:
        folder = Path(tmp) / "sample"
        shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.sqlite*", "output"))
        text = (folder / "config.toml").read_text(encoding="utf-8")
        text = text.replace('backend = "offline"', 'backend = "openai"')
        text += f'\n[analysis.openai]\nbase_url = "{fake.base_url}"\n'  # local: no key needed
        (folder / "config.toml").write_text(text, encoding="utf-8")
        config = config_module.load(folder / "config.toml")
        options = pipeline.Options(
            since="2026-01-26",
            until="2026-02-20",
            formats=("json",),
            now=datetime(2026, 2, 21, tzinfo=UTC),
            output=Path(tmp) / "out",
        )
        started = time.perf_counter()
        first = pipeline.run(config, options).briefing
        seconds = time.perf_counter() - started
        requests = [r for r in fake.requests if r.kind == "story_analysis"]
        sent = len(fake.requests)
        pipeline.run(config, options)
        rerun = len(fake.requests) - sent

    items = {i.id: i for i in first.items}
    texts = {" ".join((items[i].text or items[i].summary).split()) for s in first.stories for i in s.item_ids}
    story_tokens = sum(estimate_tokens(t) for t in texts)
    overheads = [
        estimate_tokens(MATERIAL.sub("", "\n".join(str(m["content"]) for m in r.body["messages"])))
        for r in requests
    ]
    overhead = max(overheads)
    prompt_tokens = sum(_tokens(r) for r in requests)
    ratio = (prompt_tokens - overhead * len(requests)) / story_tokens
    return [
        Row(
            "llm: story prompt tokens beyond overhead / story text tokens",
            ratio,
            1.0,
            "the text alone",
            "<= 1.3",
            note=f"{len(requests)} story requests, {story_tokens:,} text tokens",
        ),
        Row(
            "llm: fixed overhead per story request, tokens",
            float(overhead),
            float(prompt_tokens) / len(requests),
            "mean story request",
            "small",
        ),
        Row(
            "llm: requests on an unchanged re-run",
            float(rerun),
            float(sent),
            "first run",
            "0",
        ),
        Row(
            "llm: run wall time against a loopback endpoint, s",
            seconds,
            0.0,
            "-",
            "-",
            note="ingest, 43 stories, grounding, offline fallback, json",
        ),
    ]
