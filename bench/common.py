"""Shared pieces of the benchmarks: the result table, a loopback feed server, synthetic feeds."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import ThreadingHTTPServer

from tests.conftest import QuietHandler


@dataclass
class Row:
    figure: str
    ours: float
    baseline: float
    baseline_name: str
    goal: str
    higher_is_better: bool = False
    note: str = ""

    @property
    def ratio(self) -> str:
        if not self.baseline or not self.ours:
            return "-"
        return f"{self.ours / self.baseline:.2f}x"


def print_table(rows: list[Row]) -> None:
    headers = ("figure", "ours", "baseline", "ratio", "baseline is", "goal", "note")
    table = [
        (r.figure, f"{r.ours:,.3f}", f"{r.baseline:,.3f}", r.ratio, r.baseline_name, r.goal, r.note)
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


WORDS = [
    "rare",
    "earth",
    "gallium",
    "germanium",
    "export",
    "controls",
    "price",
    "floors",
    "supply",
    "chain",
    "ministry",
    "officials",
    "said",
    "market",
    "processing",
    "capacity",
    "graphite",
    "lithium",
    "cobalt",
    "antimony",
    "partners",
    "alliance",
    "tariff",
    "agreement",
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "on",
    "for",
    "with",
    "by",
    "that",
    "is",
    "was",
    "will",
    "would",
    "could",
]


def synthetic_feed(n: int, items: int) -> str:
    """An RSS 2.0 feed of `items` entries with 1-2 KB HTML descriptions (as in the research notes)."""
    rng = random.Random(n)
    start = datetime(2026, 2, 1, tzinfo=UTC)
    entries = []
    for k in range(items):
        paragraphs = "".join(
            "<p>" + " ".join(rng.choices(WORDS, k=rng.randint(40, 60))) + ".</p>" for _ in range(3)
        )
        entries.append(
            f"<item><title>Feed {n} item {k}: {' '.join(rng.choices(WORDS, k=6))}</title>"
            f"<link>https://news{n}.example/{k}</link><guid>feed{n}-item{k}</guid>"
            f"<pubDate>{format_datetime(start + timedelta(minutes=n * 60 + k), usegmt=True)}</pubDate>"
            f"<author>desk{n}@news{n}.example (Desk)</author><category>minerals</category>"
            f"<description><![CDATA[{paragraphs}]]></description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Synthetic {n}</title><link>https://news{n}.example/</link><description>bench</description>"
        + "".join(entries)
        + "</channel></rss>"
    )


@contextmanager
def serve_feeds(feeds: dict[str, str], delay: float) -> Iterator[str]:
    """Serve path -> feed on 127.0.0.1, answering after `delay` seconds; 304 on a matching ETag."""
    bodies = {path: body.encode() for path, body in feeds.items()}

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = bodies.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 512  # the listen backlog: 100 simultaneous connections must not be dropped

    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
