"""`briefing render RUN_ID` and `briefing init [DIR]`, run as a user would (python -m briefing)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from pypdf import PdfReader

from briefing import config as config_module
from briefing.store import Store
from tests.conftest import ROOT, Server
from tests.render_data import flat, make_briefing, pdf_text


def briefing_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd or ROOT,
    )


def _stored_run(tmp_path: Path, server: Server, templates: Path | None = None) -> Path:
    """A config whose one feed is a loopback server, and a store holding one finished run."""
    config = tmp_path / "config.toml"
    lines = [
        'title = "Critical minerals policy briefing"',
        'author = "Minerals Desk"',
        'store = "store.sqlite"',
        'output = "out"',
        *([f'templates = "{templates}"'] if templates else []),
        "[[sides]]",
        'name = "United States"',
        "[[sides]]",
        'name = "China"',
        "[[feeds]]",
        'name = "USTR"',
        f'url = "{server.url("/feed.xml")}"',
        'kind = "government"',
        "[topics]",
        'terms = ["critical minerals"]',
        "[[audiences]]",
        'name = "executive"',
        'template = "executive.html.j2"',
        "[[audiences]]",
        'name = "analyst"',
        'template = "analyst.html.j2"',
    ]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    briefing = make_briefing()
    with Store(tmp_path / "store.sqlite") as store:
        store.save_run(
            briefing.run.id,
            created=briefing.run.created,
            since=briefing.run.window.since,
            until=briefing.run.window.until,
            audiences=["executive", "analyst"],
            backend="offline",
            status="partial",
            briefing_json=briefing.model_dump_json(),
            outputs=[],
        )
    return config


def test_render_rewrites_a_stored_run_without_fetching(tmp_path: Path, server: Server) -> None:
    config = _stored_run(tmp_path, server)
    done = briefing_cli("render", "r-20260206-0700", "--config", str(config), "--format", "pdf,md,html,json")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "out" / "2026-02-06"
    written = [Path(line) for line in done.stdout.splitlines()]
    assert {p.name for p in written} == {
        f"{a}.{ext}" for a in ("executive", "analyst") for ext in ("pdf", "md", "html")
    } | {"briefing.json"}
    assert all(p.parent == folder for p in written)
    reader = PdfReader(folder / "executive.pdf")
    assert 1 <= len(reader.pages) <= 2
    assert "Dana Whitcombe" in flat(pdf_text(reader))
    assert (
        json.loads((folder / "briefing.json").read_text(encoding="utf-8"))["run"]["id"] == "r-20260206-0700"
    )
    assert server.requests == []  # no feed fetched


def test_render_picks_up_a_new_template_and_audience(tmp_path: Path, server: Server) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    config = _stored_run(tmp_path, server, templates=templates)
    (templates / "minister.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block content %}<p>For the minister: '
        "{{ judgements[0].text }}</p>{% endblock %}",
        encoding="utf-8",
    )
    with config.open("a", encoding="utf-8") as handle:
        handle.write('[[audiences]]\nname = "minister"\ntemplate = "minister.html.j2"\n')
    done = briefing_cli("render", "latest", "--config", str(config), "--audience", "minister")
    assert done.returncode == 0, done.stderr
    text = flat(pdf_text(PdfReader(tmp_path / "out" / "2026-02-06" / "minister.pdf")))
    # A run stored before key judgements existed gets them when it is rendered again.
    assert "For the minister: Price floors and reference prices was the most contested topic" in text


def test_render_explains_an_unknown_run_and_audience(tmp_path: Path, server: Server) -> None:
    config = _stored_run(tmp_path, server)
    done = briefing_cli("render", "nope", "--config", str(config))
    assert done.returncode == 2
    assert "no run 'nope'" in done.stderr
    done = briefing_cli("render", "latest", "--config", str(config), "--audience", "minister")
    assert done.returncode == 2 and "unknown audience 'minister'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_render_stops_on_a_template_error_before_writing(tmp_path: Path, server: Server) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "executive.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block content %}\n{{ missing_thing }}\n{% endblock %}\n',
        encoding="utf-8",
    )
    config = _stored_run(tmp_path, server, templates=templates)
    done = briefing_cli("render", "latest", "--config", str(config))
    assert done.returncode == 1
    assert "executive.html.j2, line 3" in done.stderr and "missing_thing" in done.stderr
    assert not (tmp_path / "out").exists()


def test_init_scaffolds_a_working_folder(tmp_path: Path) -> None:
    folder = tmp_path / "desk"
    done = briefing_cli("init", str(folder))
    assert done.returncode == 0, done.stderr
    for name in ("executive.html.j2", "analyst.html.j2", "base.html.j2", "briefing.md.j2", "style.css"):
        assert (folder / "templates" / name).is_file()
    assert any((folder / "prompts").glob("*.j2"))
    assert (folder / "prompts" / "tone" / "executive.j2").is_file()
    assert "templates/" in (folder / "README.md").read_text(encoding="utf-8")
    data = tomllib.loads((folder / "config.toml").read_text(encoding="utf-8"))
    assert data["templates"] == "templates" and data["prompts"] == "prompts"
    config = config_module.load(folder / "config.toml")
    assert config.resolve(config.templates or Path()) == (folder / "templates").resolve()
    assert [a.name for a in config.audiences] == ["executive", "analyst"]

    (folder / "templates" / "style.css").write_text("/* mine */", encoding="utf-8")
    again = briefing_cli("init", str(folder))
    assert again.returncode == 0
    assert "kept existing" in again.stderr
    assert (folder / "templates" / "style.css").read_text(encoding="utf-8") == "/* mine */"
    forced = briefing_cli("init", str(folder), "--force")
    assert forced.returncode == 0
    assert "size: A4" in (folder / "templates" / "style.css").read_text(encoding="utf-8")


def test_the_wheel_ships_fonts_and_config_and_renders_with_them(tmp_path: Path) -> None:
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
    subprocess.run(
        [*pip_wheel, "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("briefing-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(site)
    assert "briefing/config.toml" in names
    assert {"briefing/templates/fonts.css", "briefing/templates/fonts/OFL.txt"} <= names
    assert "briefing/templates/fonts/NotoSansCJKsc-Regular.woff2" in names
    script = (
        "import sys\n"
        "from briefing import render, resources\n"
        "assert str(resources.default_config()).startswith(sys.argv[1]), resources.default_config()\n"
        'html = \'<html><head><link rel="stylesheet" href="fonts.css"><link rel="stylesheet" '
        'href="style.css"></head><body><p>中方立场 Latin</p></body></html>\'\n'
        "done = render.render_document(html, title='t')\n"
        "files = [url for url, outcome in done.fetched if url.startswith('file:')]\n"
        "assert files and all(sys.argv[1] in url for url in files), files\n"
        "open(sys.argv[2], 'wb').write(done.pdf)\n"
    )
    out = tmp_path / "t.pdf"
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(site), str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "中方立场" in "".join(pdf_text(PdfReader(out)).split())
