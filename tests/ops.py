"""Helpers for the scheduling, history, lock and delivery tests: the sample corpus as local
files, the command line in a subprocess, and a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from briefing import config as config_module
from briefing.config import Config
from tests.conftest import SAMPLE

SAMPLE_FEEDS = SAMPLE / "feeds"


def local_config(tmp_path: Path, extra: str = "", *, store: str = "store.sqlite") -> Path:
    """The sample config with absolute paths to the bundled feeds, store and output in tmp_path."""
    text = (SAMPLE / "config.toml").read_text(encoding="utf-8")
    text = text.replace('url = "feeds/', f'url = "{SAMPLE_FEEDS}/')
    text = text.replace('archive = "articles"', f'archive = "{SAMPLE / "articles"}"')
    text = text.replace('store = "sample.sqlite"', f'store = "{store}"')
    text = text.replace('output = "../../output"', 'output = "out"')
    path = tmp_path / "config.toml"
    path.write_text(text + "\n" + extra, encoding="utf-8")
    return path


def load(path: Path) -> Config:
    return config_module.load(path)


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


def env_without_llm(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI")}
    env.update(extra)
    return env


def briefing(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or env_without_llm(),
    )
    return Result(done.returncode, done.stdout, done.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what arrives and answers as scripted."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)  # replies to DATA, used up in order
    refuse: dict[str, str] = field(default_factory=dict)  # recipient -> RCPT reply
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for _, rcpts, m in self.messages if address in rcpts]


class SmtpServer:
    """A real SMTP server on 127.0.0.1, optionally with STARTTLS/implicit TLS and AUTH."""

    def __init__(self, inbox: Inbox, **kw: Any) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.controller = Controller(inbox, hostname="127.0.0.1", port=self.port, **kw)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def authenticator(user: str, password: str, inbox: Inbox) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            inbox.logins.append((data.login, data.password))
            return AuthResult(success=data.login == user.encode() and data.password == password.encode())
        return AuthResult(success=False, handled=False)

    return check


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (openssl), used as the server's and as the client's CA."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def email_section(port: int, *, security: str = "none", attempts: int = 3, extra: str = "") -> str:
    return f"""
[email]
host = "127.0.0.1"
port = {port}
security = "{security}"
sender = "Briefing <briefing@example.org>"
attempts = {attempts}
retry_delay = 0
timeout = 5
{extra}
"""
