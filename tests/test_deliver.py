"""Email delivery through a real SMTP server on 127.0.0.1 (aiosmtpd): what arrives, TLS and login,
retries, failures reported in the run's status, and never the same briefing twice."""

from __future__ import annotations

import html
import io
import json
import sqlite3
import ssl
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from briefing.errors import ExitCode
from briefing.schedule import run_schedule
from tests.ops import (
    Inbox,
    SmtpServer,
    authenticator,
    briefing,
    email_section,
    env_without_llm,
    load,
    local_config,
    self_signed,
)

FIRE = datetime(2026, 2, 20, 7, tzinfo=UTC)


def weekly(*, formats: str = '["json"]', audiences: str = '["executive"]') -> str:
    return f"""
[[schedules]]
name = "weekly"
cron = "0 7 * * fri"
timezone = "Europe/London"
audiences = {audiences}
formats = {formats}
window = "30d"
email = true
"""


def recipients(**by_audience: list[str]) -> str:
    lines = "\n".join(f"{audience} = {json.dumps(addresses)}" for audience, addresses in by_audience.items())
    return f"[email.recipients]\n{lines}\n"


def deliveries(tmp_path: Path) -> dict[str, tuple[str, int, str | None]]:
    with sqlite3.connect(tmp_path / "store.sqlite") as db:
        rows = db.execute("SELECT recipient, status, attempts, error FROM deliveries").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_email_over_starttls_with_login_carries_the_pdf_and_a_data_driven_body(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox = Inbox()
    smtp_settings = email_section(
        0,
        security="starttls",
        extra=f'username_env = "TEST_SMTP_USER"\npassword_env = "TEST_SMTP_PASSWORD"\nca_file = "{cert}"\n',
    )
    with SmtpServer(
        inbox,
        tls_context=server_tls,
        require_starttls=True,
        auth_require_tls=True,
        auth_required=True,
        authenticator=authenticator("analyst-bot", "s3cret", inbox),
    ) as smtp:
        config = local_config(
            tmp_path,
            weekly(formats='["pdf", "json"]')
            + smtp_settings.replace("port = 0", f"port = {smtp.port}")
            + recipients(executive=["chief@example.org", "deputy@example.org"]),
        )
        env = env_without_llm(TEST_SMTP_USER="analyst-bot", TEST_SMTP_PASSWORD="s3cret")
        at = ["--at", "2026-02-20T12:00"]  # the fire time of Friday 20 February, 07:00 London
        result = briefing("schedule", "--config", str(config), "--run", "weekly", *at, env=env)
    assert result.code == 0, result.stderr
    assert inbox.logins and inbox.logins[0] == (b"analyst-bot", b"s3cret")
    assert sorted(r for _, rcpts, _ in inbox.messages for r in rcpts) == [
        "chief@example.org",
        "deputy@example.org",
    ]
    [message] = inbox.to("chief@example.org")
    assert message["To"] == "chief@example.org" and "briefing@example.org" in message["From"]
    data = json.loads((tmp_path / "out").glob("*/briefing.json").__next__().read_text(encoding="utf-8"))
    assert message["X-Briefing-Run"] == data["run"]["id"]
    assert message["Subject"].startswith("Critical minerals")
    text = message.get_body(preferencelist=("plain",)).get_content()
    page = message.get_body(preferencelist=("html",)).get_content()
    assert f"{len(data['stories'])} stories, {len(data['statements'])} statements" in text
    assert data["run"]["id"] == "weekly-20260220T0700Z"
    assert data["contrasts"] and data["contrasts"][0]["label"] in text
    assert html.escape(data["contrasts"][0]["label"]) in page
    first_side = data["contrasts"][0]["positions"][0]["statement_ids"]
    quoted = next(s for s in data["statements"] if s["id"] == first_side[0])
    assert quoted["speaker"] in text
    assert "executive.pdf" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"executive-{data['run']['window']['until'][:10]}.pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    assert len(reader.pages) >= 1
    assert deliveries(tmp_path)["chief@example.org"][:2] == ("sent", 1)


def test_implicit_tls(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox = Inbox()
    with SmtpServer(inbox, ssl_context=server_tls) as smtp:
        config = load(
            local_config(
                tmp_path,
                weekly()
                + email_section(smtp.port, security="ssl", extra=f'ca_file = "{cert}"\n')
                + recipients(executive=["chief@example.org"]),
            )
        )
        result = run_schedule(config, config.schedules[0], FIRE)
    assert result.exit_code == ExitCode.OK, result.problems
    assert len(inbox.to("chief@example.org")) == 1


def test_temporary_failures_are_retried_then_sent(tmp_path: Path) -> None:
    inbox = Inbox(data_replies=["451 4.3.0 try again later", "451 4.3.0 try again later"])
    with SmtpServer(inbox) as smtp:
        config = load(
            local_config(
                tmp_path,
                weekly() + email_section(smtp.port, attempts=3) + recipients(executive=["chief@example.org"]),
            )
        )
        result = run_schedule(config, config.schedules[0], FIRE)
    assert result.exit_code == ExitCode.OK, result.problems
    assert len(inbox.to("chief@example.org")) == 1
    assert deliveries(tmp_path)["chief@example.org"] == ("sent", 3, None)


def test_failed_delivery_is_reported_and_a_rerun_sends_only_what_is_missing(tmp_path: Path) -> None:
    inbox = Inbox(refuse={"gone@example.org": "550 5.1.1 no such mailbox"})
    with SmtpServer(inbox) as smtp:
        config = load(
            local_config(
                tmp_path,
                weekly(audiences='["executive", "analyst"]')
                + email_section(smtp.port, attempts=3)
                + recipients(
                    executive=["chief@example.org", "gone@example.org"], analyst=["desk@example.org"]
                ),
            )
        )
        first = run_schedule(config, config.schedules[0], FIRE)
        assert first.exit_code == ExitCode.PARTIAL
        assert any("gone@example.org" in p and "550" in p for p in first.problems), first.problems
        assert all(p.exists() for p in first.outputs)  # the briefing stays
        state = deliveries(tmp_path)
        assert state["gone@example.org"][:2] == ("failed", 1)  # permanent: not retried
        assert state["chief@example.org"][0] == state["desk@example.org"][0] == "sent"
        listed = json.loads(briefing("history", "--config", str(config.path), "--json").stdout)
        assert listed[0]["status"] == "partial"

        inbox.refuse.clear()  # the mailbox is fixed; the same fire time is run again
        second = run_schedule(config, config.schedules[0], FIRE)
    assert second.exit_code == ExitCode.OK, second.problems
    assert second.briefing.run.id == first.briefing.run.id
    assert len(inbox.to("chief@example.org")) == 1  # not sent twice
    assert len(inbox.to("desk@example.org")) == 1
    assert len(inbox.to("gone@example.org")) == 1
    assert deliveries(tmp_path)["gone@example.org"][:2] == ("sent", 2)


def test_server_down_is_retried_a_bounded_number_of_times(tmp_path: Path) -> None:
    from tests.ops import free_port

    config = load(
        local_config(
            tmp_path,
            weekly() + email_section(free_port(), attempts=2) + recipients(executive=["chief@example.org"]),
        )
    )
    result = run_schedule(config, config.schedules[0], FIRE)
    assert result.exit_code == ExitCode.PARTIAL
    [problem] = result.problems
    assert "chief@example.org" in problem and "attempt 2 of 2" in problem
    assert deliveries(tmp_path)["chief@example.org"][:2] == ("failed", 2)
    assert all(p.exists() for p in result.outputs)


def test_missing_credentials_send_nothing(tmp_path: Path) -> None:
    inbox = Inbox()
    with SmtpServer(inbox) as smtp:
        config_path = local_config(
            tmp_path,
            weekly()
            + email_section(smtp.port, extra='username_env = "NOT_SET_ANYWHERE_USER"\n')
            + recipients(executive=["chief@example.org"]),
        )
        result = briefing("schedule", "--config", str(config_path), "--run", "weekly")
    assert result.code == 3
    assert "NOT_SET_ANYWHERE_USER is not set" in result.stderr
    assert inbox.messages == []


def test_an_interrupted_send_is_not_repeated(tmp_path: Path) -> None:
    inbox = Inbox()
    with SmtpServer(inbox) as smtp:
        config = load(
            local_config(
                tmp_path, weekly() + email_section(smtp.port) + recipients(executive=["chief@example.org"])
            )
        )
        first = run_schedule(config, config.schedules[0], FIRE)
        # As a process killed between handing the message over and recording it would leave it:
        with sqlite3.connect(tmp_path / "store.sqlite") as db:
            db.execute("UPDATE deliveries SET status = 'sending', sent_at = NULL")
        second = run_schedule(config, config.schedules[0], FIRE)
    assert first.exit_code == ExitCode.OK
    assert second.exit_code == ExitCode.PARTIAL
    assert any("interrupted" in p for p in second.problems)
    assert len(inbox.messages) == 1
