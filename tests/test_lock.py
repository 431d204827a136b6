"""One run per store: a second process exits 4 at once; a run killed with SIGKILL leaves no stale
lock, an intact store and the previous PDF untouched."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.conftest import Server
from tests.ops import SAMPLE_FEEDS, briefing, env_without_llm, local_config

WINDOW = ["--since", "2026-01-26", "--until", "2026-02-20"]


def gated_feed(server: Server, gate: threading.Event) -> str:
    """A feed whose response waits until the test opens the gate: a run stays inside ingest."""
    body = (SAMPLE_FEEDS / "wire.xml").read_bytes()

    def respond(handler: BaseHTTPRequestHandler) -> None:
        gate.wait(timeout=60)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return server.add("/gate.xml", respond)


def gate_section(url: str) -> str:
    return f'\n[[feeds]]\nname = "Gated wire"\nurl = "{url}"\nkind = "wire"\n'


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "briefing", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_without_llm(),
    )


def wait_for_request(server: Server, path: str, process: subprocess.Popen[str]) -> None:
    while server.hits(path) == 0:
        assert process.poll() is None, process.communicate()
        threading.Event().wait(0.02)


def test_second_run_exits_4_while_the_first_holds_the_lock(tmp_path: Path, server: Server) -> None:
    gate = threading.Event()
    config = local_config(tmp_path, gate_section(gated_feed(server, gate)))
    first = start("run", "--config", str(config), *WINDOW, "--format", "json", "-a", "executive")
    try:
        wait_for_request(server, "/gate.xml", first)  # the first run is inside ingest, lock held
        second = briefing("run", "--config", str(config), *WINDOW, "--format", "json")
        assert second.code == 4, second.stderr
        assert "another briefing run is using" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert second.stdout == ""
        scheduled = briefing("fetch", "--config", str(config))
        assert scheduled.code == 4  # ingest-only runs take the same lock
    finally:
        gate.set()
        _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    # Once the first has finished, the next one gets the lock at once.
    third = briefing("fetch", "--config", str(config))
    assert third.code == 0, third.stderr


def test_json_logs_report_the_lock_as_a_json_error(tmp_path: Path, server: Server) -> None:
    gate = threading.Event()
    config = local_config(tmp_path, gate_section(gated_feed(server, gate)))
    first = start("run", "--config", str(config), *WINDOW, "--format", "json")
    try:
        wait_for_request(server, "/gate.xml", first)
        second = briefing("run", "--config", str(config), *WINDOW, "--log-format", "json")
    finally:
        gate.set()
        first.communicate(timeout=60)
    assert second.code == 4
    [line] = second.stderr.splitlines()
    entry = json.loads(line)
    assert entry["level"] == "error" and entry["exit_code"] == 4
    assert "another briefing run" in entry["message"]


def test_kill_9_during_the_pdf_write_leaves_no_stale_lock_and_keeps_the_previous_pdf(tmp_path: Path) -> None:
    config = local_config(tmp_path)
    args = ["run", "--config", str(config), "-a", "executive", "--format", "pdf"]
    done = briefing(*args, *WINDOW)
    assert done.code == 0, done.stderr
    pdf = tmp_path / "out" / "2026-02-20" / "executive.pdf"
    before = pdf.read_bytes()

    # A different window ending the same day: it would write a different executive.pdf.
    victim = start(*args, "--since", "2026-02-10", "--until", "2026-02-20", "--log-format", "json")
    assert victim.stderr is not None
    for line in victim.stderr:
        if json.loads(line).get("stage") == "writing documents":
            victim.send_signal(signal.SIGKILL)
            break
    victim.communicate(timeout=30)
    assert victim.returncode == -signal.SIGKILL

    assert pdf.read_bytes() == before
    store = tmp_path / "store.sqlite"
    with sqlite3.connect(store) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The next run gets the lock at once and records the killed one as incomplete.
    after = briefing("run", "--config", str(config), "-a", "executive", "--format", "json", *WINDOW)
    assert after.code == 0, after.stderr
    listed = json.loads(briefing("history", "--config", str(config), "--json").stdout)
    assert [r["status"] for r in listed] == ["ok", "incomplete", "ok"]
    assert "stopped before it finished" in listed[1]["error"]
    assert pdf.read_bytes() == before  # the json-only run did not touch it
