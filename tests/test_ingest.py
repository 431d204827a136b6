"""Ingest against a real HTTP server on 127.0.0.1: what each failure does to the store."""

from __future__ import annotations

import gzip
import sqlite3
import subprocess
import sys
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from briefing import config as config_module
from briefing.sources.ingest import ingest
from briefing.store import Store
from tests.conftest import Server


def rss(*items: str, title: str = "Test feed") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link><description>Fixture</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def item(n: int, *, text: str = "Rare earth export controls were discussed.", guid: str | None = None) -> str:
    guid_xml = "" if guid == "" else f"<guid>{guid or f'item-{n}'}</guid>"
    return (
        f"<item><title>Item {n} on critical minerals</title><link>https://example.org/{n}?utm_source=rss</link>"
        f"{guid_xml}<pubDate>Wed, 04 Feb 2026 0{n % 10}:00:00 GMT</pubDate>"
        f"<description>{text}</description></item>"
    )


def make_config(tmp_path: Path, feeds: dict[str, str], **fetch: Any) -> config_module.Config:
    data = {
        "store": str(tmp_path / "store.sqlite"),
        "feeds": [{"name": name, "url": url, "kind": "wire"} for name, url in feeds.items()],
        "topics": {"terms": ["critical mineral", "rare earth"]},
        "audiences": [{"name": "executive", "template": "executive.html.j2"}],
        "fetch": {"timeout": 2, "deadline": 3, **fetch},
    }
    return config_module.parse(data, tmp_path / "config.toml")


def run(config: config_module.Config) -> dict[str, Any]:
    with Store(config.resolve(config.store)) as store:
        return {r.name: r for r in ingest(config, store)}


def stored(config: config_module.Config) -> list[tuple[str, str, str]]:
    db = sqlite3.connect(config.resolve(config.store))
    try:
        return sorted(db.execute("SELECT feed, guid, title FROM items").fetchall())
    finally:
        db.close()


def test_items_are_stored_and_links_canonical(server: Server, tmp_path: Path) -> None:
    url = server.add("/a.xml", rss(item(1), item(2)))
    config = make_config(tmp_path, {"a": url})
    results = run(config)
    assert results["a"].status == "ok"
    assert (results["a"].items, results["a"].new) == (2, 2)
    with Store(config.resolve(config.store)) as store:
        items = store.items_between(*_window())
    assert {i.url for i in items} == {"https://example.org/1", "https://example.org/2"}
    assert server.requests[0][1]["User-Agent"].startswith("briefing/")


def _window() -> tuple[Any, Any]:
    from datetime import UTC, datetime

    return datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)


def test_conditional_get_makes_a_304_not_an_error(server: Server, tmp_path: Path) -> None:
    body = rss(item(1)).encode()

    def respond(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    config = make_config(tmp_path, {"a": server.add("/a.xml", respond)})
    assert run(config)["a"].status == "ok"
    second = run(config)["a"]
    assert second.status == "not_modified"
    assert second.error is None
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'
    assert len(stored(config)) == 1


@pytest.mark.parametrize(
    ("route", "expect"),
    [
        (
            {
                "body": "<!DOCTYPE html><html><body>Please enable JS</body></html>",
                "headers": {"Content-Type": "text/html"},
            },
            "HTML page",
        ),
        ({"body": rss()}, "no entries"),
        ({"body": b"\x00\x01 definitely not xml"}, "not a feed"),
        ({"body": "", "status": 500}, "HTTP 500"),
        ({"body": "x" * 300_000}, "cap"),
    ],
    ids=["html-instead-of-xml", "zero-entries", "garbage", "http-500", "oversize"],
)
def test_a_bad_feed_is_reported_and_the_others_still_land(
    server: Server, tmp_path: Path, route: dict[str, Any], expect: str
) -> None:
    good = server.add("/good.xml", rss(item(1), item(2)))
    bad = server.add("/bad.xml", **route)
    config = make_config(tmp_path, {"good": good, "bad": bad}, max_bytes=200_000)
    results = run(config)
    assert results["good"].status == "ok"
    assert results["bad"].status == "error"
    assert expect in (results["bad"].error or "")
    assert [f for f, _, _ in stored(config)] == ["good", "good"]


def test_gzip_bomb_stops_at_the_cap(server: Server, tmp_path: Path) -> None:
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000)
    url = server.add(
        "/bomb.xml", bomb, headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}
    )
    config = make_config(tmp_path, {"bomb": url}, max_bytes=1_000_000)
    result = run(config)["bomb"]
    assert result.status == "error"
    assert "cap" in (result.error or "")


def test_slow_server_times_out(server: Server, tmp_path: Path) -> None:
    slow = server.add("/slow.xml", rss(item(1)), delay=2.0)
    config = make_config(tmp_path, {"slow": slow}, timeout=0.5, deadline=1)
    result = run(config)["slow"]
    assert result.status == "error"
    assert "time" in (result.error or "").lower()


def test_redirects_are_bounded_and_never_reach_files(server: Server, tmp_path: Path) -> None:
    loop = server.add("/loop.xml", "", status=302, headers={"Location": "/loop.xml"})
    to_file = server.add("/file.xml", "", status=302, headers={"Location": "file:///etc/passwd"})
    config = make_config(tmp_path, {"loop": loop, "file": to_file})
    results = run(config)
    assert "redirects" in (results["loop"].error or "")
    assert "refused" in (results["file"].error or "")
    assert server.hits("/loop.xml") == 6


def test_gone_pauses_at_once_and_429_waits(server: Server, tmp_path: Path) -> None:
    gone = server.add("/gone.xml", "", status=410)
    limited = server.add("/limited.xml", "", status=429, headers={"Retry-After": "3600"})
    config = make_config(tmp_path, {"gone": gone, "limited": limited})
    first = run(config)
    assert "paused" in (first["gone"].error or "")
    second = run(config)
    assert second["gone"].status == "paused"
    assert "rate limited" in (second["limited"].error or "")
    assert server.hits("/gone.xml") == 1
    assert server.hits("/limited.xml") == 1


def test_repeated_failures_pause_a_feed(server: Server, tmp_path: Path) -> None:
    broken = server.add("/broken.xml", "", status=503)
    config = make_config(tmp_path, {"broken": broken}, pause_after=2)
    assert run(config)["broken"].status == "error"
    assert "paused" in (run(config)["broken"].error or "")
    assert run(config)["broken"].status == "paused"


def test_edited_item_is_updated_not_duplicated(server: Server, tmp_path: Path) -> None:
    server.add("/a.xml", rss(item(1), item(2)))
    config = make_config(tmp_path, {"a": server.url("/a.xml")})
    run(config)
    server.add(
        "/a.xml", rss(item(1, text="Rare earth export controls were tightened, officials said."), item(2))
    )
    result = run(config)["a"]
    assert (result.new, result.updated) == (0, 1)
    with Store(config.resolve(config.store)) as store:
        items = {i.guid: i for i in store.items_between(*_window())}
    assert len(items) == 2
    assert "updated" in items["item-1"].flags
    assert "tightened" in items["item-1"].text


def test_missing_and_reused_guids_still_give_distinct_items(server: Server, tmp_path: Path) -> None:
    body = rss(item(1, guid=""), item(2, guid=""), item(3, guid="same"), item(4, guid="same"))
    config = make_config(tmp_path, {"a": server.add("/a.xml", body)})
    assert run(config)["a"].new == 4
    assert run(config)["a"].new == 0


def test_local_file_feeds_need_explicit_permission(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(rss(item(1)), encoding="utf-8")
    with pytest.raises(config_module.ConfigError) as caught:
        make_config(tmp_path, {"local": str(feed)})
    assert "feeds[0].url" in str(caught.value)
    data = {
        "store": str(tmp_path / "s.sqlite"),
        "feeds": [{"name": "local", "url": "feed.xml", "kind": "wire", "local": True}],
        "topics": {"terms": ["rare earth"]},
        "audiences": [{"name": "e", "template": "executive.html.j2"}],
    }
    config = config_module.parse(data, tmp_path / "config.toml")
    assert run(config)["local"].status == "ok"


def test_pathological_item_cannot_stall_the_run(server: Server, tmp_path: Path) -> None:
    # feedparser's author-email regex is quadratic: a 64 KB author field takes many seconds.
    author = "a" * 65_536 + "@"
    slow = rss(f"<item><title>Rare earth</title><link>https://e.org/x</link><author>{author}</author></item>")
    good = server.add("/good.xml", rss(item(1)))
    config = make_config(tmp_path, {"slow": server.add("/slow.xml", slow), "good": good}, parse_timeout=1)
    results = run(config)
    assert results["good"].status == "ok"
    assert results["slow"].status == "error"
    assert "parsing took longer" in (results["slow"].error or "")


def test_killed_between_fetch_and_commit_loses_nothing(server: Server, tmp_path: Path) -> None:
    server.add("/a.xml", rss(item(1)), headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})
    config = make_config(tmp_path, {"a": server.url("/a.xml")})
    run(config)
    script = (
        "import os, sys\n"
        "from briefing import config as c\n"
        "from briefing.store import Store\n"
        "from briefing.sources import ingest\n"
        "def die(self, *a, **k):\n"
        "    os._exit(9)\n"
        "Store.save_feed = die\n"
        f"cfg = c.parse({{'store': {str(config.resolve(config.store))!r}, "
        f"'feeds': [{{'name': 'a', 'url': {server.url('/a.xml')!r}, 'kind': 'wire'}}], "
        "'topics': {'terms': ['x']}, 'audiences': [{'name': 'e', 'template': 'e'}]}, "
        "__import__('pathlib').Path('c.toml'))\n"
        "with Store(cfg.resolve(cfg.store)) as s:\n"
        "    ingest.ingest(cfg, s)\n"
    )
    server.add(
        "/a.xml", rss(item(1), item(2)), headers={"Content-Type": "application/rss+xml", "ETag": '"v2"'}
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).parent.parent, timeout=60)
    assert done.returncode == 9
    assert len(stored(config)) == 1
    db = sqlite3.connect(config.resolve(config.store))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT etag FROM feeds").fetchone()[0] == '"v1"'
    finally:
        db.close()
    # The next run fetches again (validators were not saved) and stores the new item.
    assert run(config)["a"].new == 1
    assert len(stored(config)) == 2


def _stream(chunks: int, chunk: bytes, pause: float = 0.0) -> Any:
    """A handler streaming a body without Content-Length (chunked), optionally stalling."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        import time

        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(b"<rss>"), b"<rss>"))
            for _ in range(chunks):
                if pause:
                    time.sleep(pause)
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            handler.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    return respond


def test_a_50_mb_body_without_length_stops_at_the_cap(server: Server, tmp_path: Path) -> None:
    big = server.add("/big.xml", _stream(50 * 16, b" " * 65_536))
    good = server.add("/good.xml", rss(item(1)))
    config = make_config(tmp_path, {"big": big, "good": good}, max_bytes=1_000_000)
    results = run(config)
    assert "cap" in (results["big"].error or "")
    assert results["good"].status == "ok"


def test_a_stalled_body_hits_the_deadline(server: Server, tmp_path: Path) -> None:
    stalled = server.add("/stalled.xml", _stream(100, b" " * 10, pause=0.3))
    config = make_config(tmp_path, {"stalled": stalled}, timeout=1, deadline=1.5)
    result = run(config)["stalled"]
    assert result.status == "error"
    assert "1.5 s" in (result.error or "")


def test_a_full_text_page_that_failed_for_a_passing_reason_is_tried_again(
    server: Server, tmp_path: Path
) -> None:
    from briefing.sources.ingest import fill_fulltext

    headline = (
        "<item><title>Gallium headline only</title><link>{url}</link><guid>{guid}</guid>"
        "<pubDate>Wed, 04 Feb 2026 08:00:00 GMT</pubDate><description>Gallium.</description></item>"
    )
    page = (
        "<html><body><article>"
        + "".join(
            f"<p>Paragraph {n}: the ministry said gallium export licences would stay in place for now.</p>"
            for n in range(8)
        )
        + "</article></body></html>"
    )
    busy = server.add("/busy.html", "busy", status=503, headers={"Content-Type": "text/html"})
    gone = server.add("/gone.html", "gone", status=404, headers={"Content-Type": "text/html"})
    down = server.add("/down.html", "down", status=502, headers={"Content-Type": "text/html"})
    feed = rss(*(headline.format(url=u, guid=g) for u, g in ((busy, "b"), (gone, "g"), (down, "d"))))
    feeds = {"a": server.add("/a.xml", feed)}
    run(make_config(tmp_path, feeds))
    with Store(tmp_path / "store.sqlite") as store:
        waiting = make_config(tmp_path, feeds)  # the default: not again within ten minutes
        items = fill_fulltext(store.items_between(*_window()), waiting, store)
        assert all("fulltext_failed" in i.flags for i in items)
        fill_fulltext(items, waiting, store)
        assert [server.hits(p) for p in ("/busy.html", "/gone.html", "/down.html")] == [1, 1, 1]

        again = make_config(tmp_path, feeds, fulltext_retry_after=0, fulltext_attempts=3)
        server.add("/busy.html", page, headers={"Content-Type": "text/html"})  # the server is back
        items = fill_fulltext(store.items_between(*_window()), again, store)
        items = fill_fulltext(store.items_between(*_window()), again, store)
        by_guid = {i.guid: i for i in items}
        assert "fulltext" in by_guid["b"].flags and "fulltext_failed" not in by_guid["b"].flags
        assert "licences would stay" in by_guid["b"].text
        # A page that is gone is not asked for again; a broken server at most `fulltext_attempts` times.
        assert [server.hits(p) for p in ("/busy.html", "/gone.html", "/down.html")] == [2, 1, 3]
        assert "fulltext_failed" in by_guid["g"].flags and "fulltext_failed" in by_guid["d"].flags


def test_failed_full_text_keeps_the_item_and_is_not_fetched_again(server: Server, tmp_path: Path) -> None:
    from briefing.sources.ingest import fill_fulltext

    headline = (
        "<item><title>Gallium headline only</title><link>{url}</link><guid>h-1</guid>"
        "<pubDate>Wed, 04 Feb 2026 08:00:00 GMT</pubDate><description>Gallium.</description></item>"
    )
    page = (
        "<html><head><link rel='canonical' href='https://publisher.example/gallium'></head><body><article>"
        + "".join(
            f"<p>Paragraph {n}: the ministry said gallium export licences would stay in place, "
            f"and officials described step {n} of the review to reporters in Beijing.</p>"
            for n in range(8)
        )
        + "</article></body></html>"
    )
    ok_page = server.add("/article.html", page, headers={"Content-Type": "text/html"})
    dead_page = server.url("/missing.html")
    feed = rss(headline.format(url=ok_page), headline.format(url=dead_page).replace("h-1", "h-2"))
    config = make_config(tmp_path, {"a": server.add("/a.xml", feed)})
    run(config)
    with Store(config.resolve(config.store)) as store:
        items = fill_fulltext(store.items_between(*_window()), config, store)
        by_guid = {i.guid: i for i in items}
        assert "fulltext" in by_guid["h-1"].flags
        assert by_guid["h-1"].url == "https://publisher.example/gallium"
        assert "licences would stay" in by_guid["h-1"].text
        assert "fulltext_failed" in by_guid["h-2"].flags
        assert by_guid["h-2"].text == "Gallium."
        hits = server.hits("/article.html") + server.hits("/missing.html")
        fill_fulltext(store.items_between(*_window()), config, store)
        assert server.hits("/article.html") + server.hits("/missing.html") == hits
