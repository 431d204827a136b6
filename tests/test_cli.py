"""End to end through the real command line: the sample corpus served over HTTP on 127.0.0.1.

The bundled feeds are served by a loopback server; the Google-News-style items link to
article pages on the same server, so full text is fetched over HTTP too. The PDFs are read
back with pypdf.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import SAMPLE, Server

WINDOW = ["--since", "2026-01-26", "--until", "2026-02-20"]
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def paths(self) -> list[Path]:
        return [Path(line) for line in self.stdout.splitlines() if line.strip()]


def briefing(*args: str, cwd: Path | None = None) -> Result:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    done = subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def serve_sample(server: Server) -> None:
    """Every sample feed at /feeds/NAME; Google News links rewritten to pages on this server."""
    index = tomllib.loads((SAMPLE / "articles" / "index.toml").read_text(encoding="utf-8"))
    pages = {page["url"]: page["file"] for page in index["page"]}
    for feed in sorted((SAMPLE / "feeds").glob("*.xml")):
        body = feed.read_text(encoding="utf-8")
        for n, (url, file) in enumerate(sorted(pages.items())):
            local = f"/articles/{n}"
            if url.replace("&", "&amp;") in body or url in body:
                body = body.replace(url.replace("&", "&amp;"), server.url(local)).replace(
                    url, server.url(local)
                )
                server.add(
                    local,
                    (SAMPLE / "articles" / file).read_bytes(),
                    headers={"Content-Type": "text/html; charset=utf-8"},
                )
        server.add(f"/feeds/{feed.name}", body, headers=RSS)


def write_config(tmp_path: Path, server: Server, *, extra: str = "", broken: str | None = None) -> Path:
    """The sample config with every feed on the loopback server instead of local files."""
    text = (SAMPLE / "config.toml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^local = true\n", "", text)
    text = re.sub(
        r'(?m)^url = "feeds/([\w.-]+)"',
        lambda m: (
            f'url = "{server.url("/feeds/" + m.group(1))}"'
            if m.group(1) != broken
            else f'url = "{server.url("/dead/" + m.group(1))}"'
        ),
        text,
    )
    text = re.sub(r"(?m)^archive = .*\n", "", text)
    text = re.sub(r"(?m)^store = .*$", 'store = "store.sqlite"', text)
    text = re.sub(r"(?m)^output = .*$", 'output = "out"', text)
    path = tmp_path / "config.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def module_server() -> Iterator[Server]:
    srv = Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()


@pytest.fixture(scope="module")
def sample_run(module_server: Server, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    """One full run of the sample over HTTP, shared by the tests that read its outputs."""
    tmp_path = tmp_path_factory.mktemp("sample")
    serve_sample(module_server)
    config = write_config(tmp_path, module_server)
    return briefing("run", "--config", str(config), *WINDOW, "--format", "pdf,html,md,json"), tmp_path


def pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(path)
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def test_sample_run_writes_every_format(sample_run: tuple[Result, Path]) -> None:
    result, tmp_path = sample_run
    assert result.code == 0, result.stderr
    folder = tmp_path / "out" / "2026-02-20"
    expected = {f"{a}.{ext}" for a in ("executive", "analyst") for ext in ("pdf", "html", "md")} | {
        "briefing.json"
    }
    assert {p.name for p in result.paths} == expected
    assert all(p.parent == folder and p.stat().st_size > 0 for p in result.paths)


def test_analyst_pdf_shows_both_sides_with_named_speakers_and_links(sample_run: tuple[Result, Path]) -> None:
    _, tmp_path = sample_run
    data = json.loads((tmp_path / "out" / "2026-02-20" / "briefing.json").read_text(encoding="utf-8"))
    reader, text = pdf_text(tmp_path / "out" / "2026-02-20" / "analyst.pdf")
    assert len(reader.pages) >= 2
    flat = " ".join(text.split())
    for side in ("United States", "China"):
        named = [
            s["speaker"]
            for s in data["statements"]
            if s["side"] == side and s["verified"] and " " in s["speaker"] and s["speaker"][0].isupper()
        ]
        assert named, f"no named {side} speaker in briefing.json"
        assert any(name in flat for name in named), f"no {side} speaker in the PDF"
    links = {
        annot.get_object().get("/A", {}).get("/URI")
        for page in reader.pages
        for annot in page.get("/Annots", []) or []
    }
    story_urls = {s["url"] for s in data["stories"]}
    assert story_urls & links, "no story link in the PDF"
    assert reader.metadata is not None and reader.metadata.title


def test_briefing_json_follows_the_contract(sample_run: tuple[Result, Path]) -> None:
    _, tmp_path = sample_run
    data = json.loads((tmp_path / "out" / "2026-02-20" / "briefing.json").read_text(encoding="utf-8"))
    run = data["run"]
    assert {"id", "window", "backend", "model", "usage"} <= run.keys()
    assert run["backend"] == "offline"
    assert run["window"]["since"].startswith("2026-01-26")
    assert {"calls", "prompt_tokens", "completion_tokens"} <= run["usage"].keys()
    assert len(data["feeds"]) == 8
    for feed in data["feeds"]:
        assert {"name", "url", "status", "error", "items"} <= feed.keys()
        assert feed["status"] == "ok", feed
    assert data["stories"]
    story_ids = {s["id"] for s in data["stories"]}
    items = {i["id"]: i for i in data["items"]}
    for story in data["stories"]:
        assert {"id", "title", "url", "source", "published", "summary", "item_ids"} <= story.keys()
        assert story["summary"]
    for st in data["statements"]:
        assert {
            "story_id",
            "speaker",
            "organization",
            "actor",
            "side",
            "quote",
            "claim",
            "topic",
            "verified",
        } <= st.keys()
        assert st["story_id"] in story_ids
        assert items[st["item_id"]]["text"][st["start"] : st["end"]] == st["quote"]
    assert {s["side"] for s in data["statements"]} >= {"United States", "China"}
    assert any(not c["gap"] and len(c["positions"]) >= 2 for c in data["contrasts"])
    for contrast in data["contrasts"]:
        assert {"topic", "positions"} <= contrast.keys()


def test_headline_only_items_get_their_text_over_http(
    sample_run: tuple[Result, Path], module_server: Server
) -> None:
    server = module_server
    _, tmp_path = sample_run
    data = json.loads((tmp_path / "out" / "2026-02-20" / "briefing.json").read_text(encoding="utf-8"))
    fetched = [i for i in data["items"] if "fulltext" in i["flags"]]
    assert fetched, "no item got its full text"
    assert all(not i["url"].startswith(server.base) for i in fetched), "canonical URL from the page not used"
    assert any(path.startswith("/articles/") for path, _ in server.requests)


def test_hostile_feed_markup_stays_inert(sample_run: tuple[Result, Path]) -> None:
    _, tmp_path = sample_run
    html = (tmp_path / "out" / "2026-02-20" / "analyst.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert 'href="file:' not in html
    assert "169.254.169.254" not in html or "<img" not in html.split("169.254.169.254")[0][-200:]
    reader = PdfReader(tmp_path / "out" / "2026-02-20" / "analyst.pdf")
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get_object())


def test_second_run_uses_conditional_get_and_the_store(server: Server, tmp_path: Path) -> None:
    serve_sample(server)
    config = write_config(tmp_path, server)
    assert briefing("run", "--config", str(config), *WINDOW, "--quiet").code == 0
    article_hits = sum(1 for p, _ in server.requests if p.startswith("/articles/"))
    second = briefing("run", "--config", str(config), *WINDOW, "--format", "json")
    assert second.code == 0, second.stderr
    data = json.loads(second.paths[-1].read_text(encoding="utf-8"))
    assert data["stories"]
    # Articles are cached in the store: none is fetched twice.
    assert sum(1 for p, _ in server.requests if p.startswith("/articles/")) == article_hits
    assert data["changes"]["previous_run"] is not None


def test_a_dead_feed_still_gives_a_briefing_and_exit_3(server: Server, tmp_path: Path) -> None:
    serve_sample(server)
    config = write_config(tmp_path, server, broken="mfa.xml")
    result = briefing("run", "--config", str(config), *WINDOW, "--format", "pdf,json")
    assert result.code == 3, result.stderr
    assert "warning: feed Chinese Foreign Ministry: HTTP 404" in result.stderr
    data = json.loads(result.paths[-1].read_text(encoding="utf-8"))
    dead = [f for f in data["feeds"] if f["status"] == "error"]
    assert len(dead) == 1 and "404" in dead[0]["error"]
    _, text = pdf_text(result.paths[0].parent / "analyst.pdf")
    assert dead[0]["name"] in " ".join(text.split())


def test_config_errors_are_all_listed_with_key_paths(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text(
        'window = "7d"\n[[feeds]]\nname = "x"\nurl = "/etc/passwd"\nkind = "blog"\n'
        '[topics]\nterms = []\n[[audiences]]\nname = "a"\ntemplate = "a.html.j2"\nbogus = 1\n',
        encoding="utf-8",
    )
    result = briefing("run", "--config", str(config))
    assert result.code == 2
    for fragment in ("feeds[0].url", "feeds[0].kind", "topics.terms", "audiences[0].bogus"):
        assert f"{config}: {fragment}" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last tuesday"], "cannot read"),
        (["--audience", "minister"], "unknown audience"),
        (["--format", "pdf,docx"], "unknown format"),
    ],
)
def test_usage_errors_exit_2(server: Server, tmp_path: Path, args: list[str], message: str) -> None:
    serve_sample(server)
    config = write_config(tmp_path, server)
    result = briefing("run", "--config", str(config), *args)
    assert result.code == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_config_exits_2(tmp_path: Path) -> None:
    result = briefing("run", "--config", str(tmp_path / "nope.toml"))
    assert result.code == 2
    assert "file not found" in result.stderr


def test_a_broken_template_fails_with_exit_1_and_writes_nothing(server: Server, tmp_path: Path) -> None:
    serve_sample(server)
    templates = tmp_path / "my-templates"
    templates.mkdir()
    (templates / "executive.html.j2").write_text(
        "{% extends 'base.html.j2' %}{% block content %}{{ no_such_value }}{% endblock %}", encoding="utf-8"
    )
    config = write_config(tmp_path, server, extra='\ntemplates = "my-templates"\n')
    # `templates` must be a top-level key: move it above the first table.
    text = config.read_text(encoding="utf-8").replace('\ntemplates = "my-templates"\n', "")
    config.write_text('templates = "my-templates"\n' + text, encoding="utf-8")
    result = briefing("run", "--config", str(config), *WINDOW)
    assert result.code == 1
    assert "executive.html.j2" in result.stderr and "no_such_value" in result.stderr
    assert not (tmp_path / "out").exists()


def test_help_renders_for_every_command() -> None:
    for command in ([], ["run"], ["fetch"], ["feeds"]):
        result = briefing(*command, "--help")
        assert result.code == 0 and "Usage" in result.stdout


def test_fetch_prints_a_feed_table_and_feeds_shows_health(server: Server, tmp_path: Path) -> None:
    serve_sample(server)
    server.add("/gone/mfa.xml", "", status=410)
    config = write_config(tmp_path, server)
    text = config.read_text(encoding="utf-8").replace(
        server.url("/feeds/mfa.xml"), server.url("/gone/mfa.xml")
    )
    config.write_text(text, encoding="utf-8")
    fetched = briefing("fetch", "--config", str(config), "--quiet")
    assert fetched.code == 3
    rows = [line.split("\t") for line in fetched.stdout.splitlines()]
    assert rows[0] == ["feed", "status", "items", "new", "updated", "error"]
    assert ["USTR press releases", "ok", "7", "7", "0", ""] in rows
    gone = next(r for r in rows if r[0] == "Chinese Foreign Ministry")
    assert gone[1] == "error" and "HTTP 410" in gone[5]
    health = [line.split("\t") for line in briefing("feeds", "--config", str(config)).stdout.splitlines()]
    assert health[0][:3] == ["feed", "kind", "state"]
    states = {r[0]: r[2] for r in health[1:]}
    assert states["Chinese Foreign Ministry"].startswith("paused: HTTP 410")
    assert states["USTR press releases"] == "ok"
