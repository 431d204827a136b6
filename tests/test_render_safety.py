"""Safe rendering: hostile feed text stays inert, the PDF renderer fetches nothing it may not,
opens no connection, embeds no file, runs within time and memory limits, writes atomically, and
prints Chinese with the bundled fonts alone.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.config import Config
from briefing.errors import RenderError
from briefing.models import Briefing
from briefing.render import (
    RenderLimits,
    SafeFetcher,
    render_document,
    render_html,
    template_dirs,
    write_pdf,
    write_text_atomic,
)
from briefing.resources import default_dir
from tests.conftest import ROOT
from tests.render_data import audience, flat, font_names, make_briefing, make_config, pdf_text

PAGE = '<html><head><link rel="stylesheet" href="fonts.css"><link rel="stylesheet" href="style.css"></head>'
ALLOWED = {"fonts.css", "style.css"}


@pytest.fixture
def briefing() -> Briefing:
    return make_briefing()


@pytest.fixture
def config() -> Config:
    return make_config()


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    try:
        yield found
    finally:
        found.stop.set()
        found.thread.join(timeout=2)
        found.sock.close()


def _name(url: str) -> str:
    """A fetched URL relative to the templates folder it came from, when it is one of those."""
    for root in (default_dir("templates").resolve().as_uri() + "/",):
        if url.startswith(root):
            return url[len(root) :]
    return url


def _render(html: str, config: Config, tmp_path: Path) -> tuple[Path, list[tuple[str, str]], str]:
    """Render to a file; the path, the fetch log and the error (if the render was refused)."""
    path = tmp_path / "out.pdf"
    try:
        rendered = render_document(html, title="t", templates=template_dirs(config))
    except RenderError as exc:
        return path, [], str(exc)
    path.write_bytes(rendered.pdf)
    return path, rendered.fetched, ""


# --------------------------------------------------------------------------- hostile feed text


@pytest.mark.parametrize("name", ["executive", "analyst"])
def test_hostile_feed_text_is_inert_and_the_bundled_assets_still_load(
    briefing: Briefing, config: Config, tmp_path: Path, name: str, listener: Listener
) -> None:
    hostile = (
        f'<a rel="attachment" href="file:///etc/passwd">x</a><img src="http://127.0.0.1:{listener.port}/i.png">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{listener.port}/s.css"><script>alert(1)</script>'
    )
    briefing.statements[1].quote = "Floors hold {{ 7*7 }} <script>alert(1)</script>"
    briefing.stories[0].summary += hostile
    html = render_html(briefing, audience(config, name), config)
    path, fetched, error = _render(html, config, tmp_path)
    assert error == ""
    data = path.read_bytes()
    assert b"/EmbeddedFile" not in data and b"/FileAttachment" not in data
    names = {_name(url): outcome for url, outcome in fetched}
    assert set(names.values()) == {"served"}
    assert set(names) >= ALLOWED and "fonts/NotoSansCJKsc-Regular.woff2" in names
    assert all(n in ALLOWED or n.startswith("fonts/") for n in names)
    text = flat(pdf_text(PdfReader(path)))
    assert "root:x:0:0" not in text
    assert "Floors hold {{ 7*7 }} <script>alert(1)</script>" in text  # shown as text
    if name == "analyst":
        assert '<a rel="attachment" href="file:///etc/passwd">' in text
    assert listener.connections == 0


@pytest.mark.parametrize(
    "fragment",
    [
        '<a rel="attachment" href="file:///etc/passwd">passwd</a>',
        '<a rel="attachment" href="../pyproject.toml">up</a>',
        '<link rel="attachment" href="file:///etc/hostname">',
        '<link rel="stylesheet" href="file:///etc/hostname">',
        '<img src="http://169.254.169.254/latest/meta-data/">',
        '<img src="http://127.0.0.1:{port}/x.png">',
        '<img src="http://[::1]:{port}/x.png">',
        '<img src="http://10.0.0.1/x.png">',
        "<style>@import url(file:///etc/passwd);</style>",
        "<style>@import url(http://127.0.0.1:{port}/evil.css);</style>",
        '<div style="background: url(file:///dev/urandom)">x</div>',
        '<img src="style.css/../../pyproject.toml">',
        '<img src="%2e%2e/pyproject.toml">',
        '<img src="FILE:///etc/passwd">',
        '<svg><image href="file:///etc/passwd"/></svg>',
        '<object data="http://127.0.0.1:{port}/o"></object>',
    ],
)
def test_the_fetcher_refuses_everything_but_template_files(
    fragment: str, config: Config, tmp_path: Path, listener: Listener
) -> None:
    """Even raw HTML (a hostile user template) cannot reach files or the network."""
    html = f"{PAGE}<body><p>x</p>{fragment.format(port=listener.port)}</body></html>"
    path, fetched, error = _render(html, config, tmp_path)
    if error:  # a refusal stops the whole render
        assert "refused to load" in error
    else:
        assert b"/EmbeddedFile" not in path.read_bytes()
        assert all(
            outcome != "served" for url, outcome in fetched if not _name(url).startswith(("fonts", "style"))
        )
    assert listener.connections == 0


def test_the_fetcher_serves_data_urls_and_template_files(config: Config) -> None:
    fetcher = SafeFetcher(template_dirs(config))
    css = fetcher.fetch((default_dir("templates") / "style.css").as_uri())
    assert css.content_type == "text/css"
    assert b"size: A4" in css.read()
    font = fetcher.fetch((default_dir("templates") / "fonts" / "NotoSansCJKsc-Regular.woff2").as_uri())
    assert font.read()[:4] == b"wOF2"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    assert [outcome for _, outcome in fetcher.log] == ["served", "served", "served"]


# --------------------------------------------------------------------------- limits


def _previous(path: Path, config: Config, briefing: Briefing) -> bytes:
    html = render_html(briefing, audience(config, "executive"), config)
    write_pdf(html, path, title="t", templates=template_dirs(config))
    return path.read_bytes()


def test_a_5mb_summary_hits_the_time_limit_and_the_old_pdf_stays(
    briefing: Briefing, config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "analyst.pdf"
    before = _previous(path, config, briefing)
    briefing.stories[0].summary = "word " * (5 * 1024 * 1024 // 5)
    html = render_html(briefing, audience(config, "analyst"), config)
    with pytest.raises(RenderError, match=r"longer than 2 s \(render\.timeout\).*nothing was written"):
        write_pdf(html, path, title="t", templates=template_dirs(config), limits=RenderLimits(timeout=2))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analyst.pdf"]


def test_absurd_layout_hits_the_memory_limit_and_the_next_render_works(
    briefing: Briefing, config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "executive.pdf"
    before = _previous(path, config, briefing)
    absurd = PAGE + "<body><table><tr>" + "<td>x</td>" * 20000 + "</tr></table></body></html>"
    with pytest.raises(RenderError, match=r"memory"):
        write_pdf(
            absurd,
            path,
            title="t",
            templates=template_dirs(config),
            limits=RenderLimits(timeout=60, max_memory_mb=300),
        )
    assert path.read_bytes() == before
    assert _previous(path, config, briefing) != b""  # a fresh worker takes the next job


def test_forbidden_resource_leaves_the_previous_pdf_intact(
    briefing: Briefing, config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "executive.pdf"
    before = _previous(path, config, briefing)
    with pytest.raises(RenderError, match="refused to load"):
        write_pdf(
            PAGE + '<img src="http://169.254.169.254/">', path, title="t", templates=template_dirs(config)
        )
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["executive.pdf"]


def test_write_text_atomic_replaces_and_keeps_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "briefing.md"
    write_text_atomic(path, "first")
    path.chmod(0o640)
    write_text_atomic(path, "second ✓")
    assert path.read_text(encoding="utf-8") == "second ✓"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in path.parent.iterdir()] == ["briefing.md"]


# --------------------------------------------------------------------------- fonts


def test_a_chinese_quote_prints_with_the_bundled_fonts_alone(tmp_path: Path) -> None:
    """With a fontconfig that knows no fonts at all, the Chinese text still comes back out."""
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from briefing.render import render_html, write_pdf, template_dirs
        from tests.render_data import audience, make_briefing, make_config
        briefing, config = make_briefing(), make_config()
        briefing.statements[6].quote = "中方在出口管制问题上的立场是一贯的。"
        briefing.statements[6].speaker = "林建"
        html = render_html(briefing, audience(config, "analyst"), config)
        write_pdf(html, Path(sys.argv[1]), title="zh", templates=template_dirs(config))
        """
    )
    path = tmp_path / "zh.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    reader = PdfReader(path)
    text = "".join(pdf_text(reader).split())
    assert "中方在出口管制问题上的立场是一贯的" in text
    assert "林建" in text
    assert font_names(reader) >= {"Briefing-CJK", "Briefing-Serif", "Briefing-Sans"}
    assert all(name.startswith("Briefing-") for name in font_names(reader))
