"""Delivery: the files are always in the output folder; email sends them on.

Email goes over SMTP with STARTTLS or implicit TLS (or plain, for a relay on localhost), with
the user name and password read from environment variables named in `[email]`. Each audience's
recipients get one message each: a short text and HTML body built from the briefing's own data
(counts, the first contrasts with one verbatim quote per side, feed alerts, file paths) and the
audience's PDF attached.

Every recipient's delivery is a row in `deliveries` (run id, audience, channel, recipient), so
a re-run of the same briefing (same run id) never sends it twice. A row is marked `sending`
before the message goes out; if the process dies right then, the next run does not send it
again (it cannot know whether it arrived) and says so. Temporary failures (network, SMTP 4xx)
are retried `attempts` times with a doubling delay; permanent ones (5xx) are not. Failures are
returned as problem lines: the run exits 3 and the briefing stays.
"""

from __future__ import annotations

import html
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from briefing.config import Audience, Config, EmailSettings
from briefing.models import Briefing, Statement
from briefing.store import Store

CHANNEL = "email"
TOP_CONTRASTS = 3
QUOTE_CHARS = 240


def _span(briefing: Briefing) -> str:
    window = briefing.run.window
    last_day = window.until - timedelta(microseconds=1)
    return f"{window.since:%d %b %Y} to {last_day:%d %b %Y}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _speaker(statement: Statement) -> str:
    who = statement.speaker
    if statement.actor and statement.actor != statement.speaker:
        who += f" ({statement.actor})"
    return who


def digest(briefing: Briefing, outputs: list[Path]) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """The body as sections of lines; each line is (text, link or None). No text is invented."""
    statements = {s.id: s for s in briefing.statements}
    verified = sum(1 for s in briefing.statements if s.verified)
    by_side = ", ".join(
        f"{side} {counts.get('statements', 0)}" for side, counts in briefing.coverage.by_side.items()
    )
    summary = (
        f"{len(briefing.stories)} stories, {len(briefing.statements)} statements ({verified} quotes checked "
        f"against the source text)" + (f"; statements by side: {by_side}" if by_side else "") + "."
    )
    sections: list[tuple[str, list[tuple[str, str | None]]]] = [("", [(summary, None)])]
    contrasts: list[tuple[str, str | None]] = []
    for contrast in briefing.contrasts[:TOP_CONTRASTS]:
        sides = ", ".join(f"{p.side} {len(p.statement_ids)}" for p in contrast.positions)
        contrasts.append(
            (f"{contrast.label}: {sides}" + (" (only one side spoke)" if contrast.gap else ""), None)
        )
        for position in contrast.positions:
            quoted = next((statements[i] for i in position.statement_ids if i in statements), None)
            if quoted is not None:
                contrasts.append(
                    (f"  {position.side}: {_speaker(quoted)}: “{_short(quoted.quote)}”", quoted.url or None)
                )
    if contrasts:
        sections.append(("Where the sides stand", contrasts))
    alerts: list[tuple[str, str | None]] = [
        (f"{f.name}: {f.status}, {f.error}", None) for f in briefing.feeds if f.status in ("error", "paused")
    ]
    alerts += [
        (f"{f.name}: stale, last item {f.last_new_item:%d %b %Y}", None)
        for f in briefing.feeds
        if f.stale and f.last_new_item
    ]
    if alerts:
        sections.append(("Feed alerts", alerts))
    files: list[tuple[str, str | None]] = [(str(p), None) for p in outputs]
    sections.append(("Files", files))
    return sections


def compose(
    briefing: Briefing, audience: Audience, outputs: list[Path], settings: EmailSettings
) -> EmailMessage:
    """One audience's message, without a recipient."""
    title = audience.title or briefing.title
    sections = digest(briefing, outputs)
    text = [title, f"{_span(briefing)} · run {briefing.run.id}", ""]
    page = [
        f"<h1>{html.escape(title)}</h1>",
        f"<p>{html.escape(_span(briefing))} · run {html.escape(briefing.run.id)}</p>",
    ]
    for heading, lines in sections:
        if heading:
            text += [heading, "-" * len(heading)]
            page.append(f"<h2>{html.escape(heading)}</h2>")
        text += [line + (f"\n    {link}" if link else "") for line, link in lines]
        text.append("")
        items = "".join(
            f"<li>{html.escape(line.strip())}"
            + (f' <a href="{html.escape(link)}">source</a>' if link else "")
            + "</li>"
            for line, link in lines
        )
        page.append(f"<ul>{items}</ul>" if heading else f"<p>{html.escape(lines[0][0])}</p>")
    message = EmailMessage()
    message["Subject"] = f"{title}: {_span(briefing)}"
    message["From"] = settings.sender
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("briefing", domain=domain)
    message["X-Briefing-Run"] = briefing.run.id
    message.set_content("\n".join(text))
    message.add_alternative(
        "<!doctype html><html><body>" + "\n".join(page) + "</body></html>", subtype="html"
    )
    pdf = next((p for p in outputs if p.name == f"{audience.name}.pdf" and p.is_file()), None)
    if pdf is not None:
        name = f"{audience.name}-{(briefing.run.window.until - timedelta(microseconds=1)):%Y-%m-%d}.pdf"
        message.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=name)
    return message


class _Permanent(Exception):
    pass


def _open(settings: EmailSettings, config: Config, login: tuple[str, str] | None) -> smtplib.SMTP:
    """A connected, encrypted (unless `security = "none"`) and logged-in SMTP session."""
    cafile = str(config.resolve(settings.ca_file)) if settings.ca_file else None
    context = ssl.create_default_context(cafile=cafile)
    smtp: smtplib.SMTP
    if settings.security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.host, settings.port or 465, timeout=settings.timeout, context=context
        )
    else:
        port = settings.port or (587 if settings.security == "starttls" else 25)
        smtp = smtplib.SMTP(settings.host, port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            smtp.starttls(context=context)
        if login:
            smtp.login(*login)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _close(smtp: smtplib.SMTP) -> None:
    with suppress(OSError, smtplib.SMTPException):
        smtp.quit()
    smtp.close()


def _credentials(settings: EmailSettings) -> tuple[str, str] | None:
    if not settings.username_env:
        return None
    missing = [n for n in (settings.username_env, settings.password_env) if n and not os.environ.get(n)]
    if missing:
        raise _Permanent(f"environment variable {', '.join(missing)} is not set")
    return os.environ[settings.username_env], os.environ.get(settings.password_env or "", "")


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(exc, smtplib.SMTPAuthenticationError) or (isinstance(code, int) and code >= 500)


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, refused = next(iter(exc.recipients.values()))
        return f"SMTP {code} {refused.decode('utf-8', 'replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        reason = (
            exc.smtp_error.decode("utf-8", "replace")
            if isinstance(exc.smtp_error, bytes)
            else str(exc.smtp_error)
        )
        return f"SMTP {exc.smtp_code} {reason}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _mark(
    store: Store, run_id: str, audience: str, recipient: str, status: str, error: str | None = None
) -> None:
    """Record one recipient's state; `sending` counts an attempt."""
    sent_at = datetime.now(UTC).isoformat(timespec="seconds") if status == "sent" else None
    store.db.execute(
        "INSERT INTO deliveries (run_id, audience, channel, recipient, status, attempts, error, sent_at) "
        "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (run_id, audience, channel, recipient) DO UPDATE SET "
        "status = excluded.status, error = excluded.error, sent_at = excluded.sent_at, "
        "attempts = attempts + excluded.attempts",
        (run_id, audience, CHANNEL, recipient, status, int(status == "sending"), error, sent_at),
    )


def deliver(
    store: Store,
    config: Config,
    briefing: Briefing,
    outputs: list[Path],
    audiences: list[Audience],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Email every audience's briefing to its recipients; returns problem lines (empty when all went)."""
    settings = config.email
    if settings is None:
        return ["email: no [email] section in the config, nothing sent"]
    run_id = briefing.run.id
    done = {
        (r["audience"], r["recipient"]): r["status"]
        for r in store.db.execute(
            "SELECT audience, recipient, status FROM deliveries WHERE run_id = ? AND channel = ?",
            (run_id, CHANNEL),
        )
    }
    problems: list[str] = []
    letters: list[tuple[str, EmailMessage, list[str]]] = []
    for audience in audiences:
        pending = []
        for recipient in settings.recipients.get(audience.name, []):
            status = done.get((audience.name, recipient))
            if status == "sending":
                problems.append(
                    f"email {audience.name} to {recipient}: an earlier attempt was interrupted while "
                    "sending; not sent again (it may have arrived)"
                )
            elif status != "sent":
                pending.append(recipient)
        if pending:
            letters.append((audience.name, compose(briefing, audience, outputs, settings), pending))
    if not letters:
        return problems
    try:
        login = _credentials(settings)
    except _Permanent as exc:
        for audience_name, _, pending in letters:
            for recipient in pending:
                _mark(store, run_id, audience_name, recipient, "failed", str(exc))
        return [*problems, f"email: {exc}; nothing sent"]
    failures = _send(store, config, settings, run_id, letters, login, sleep)
    problems += [f"email {a} to {r}: {why}" for (a, r), why in failures.items()]
    return problems


def _send(
    store: Store,
    config: Config,
    settings: EmailSettings,
    run_id: str,
    letters: list[tuple[str, EmailMessage, list[str]]],
    login: tuple[str, str] | None,
    sleep: Callable[[float], None],
) -> dict[tuple[str, str], str]:
    """Rounds of one SMTP session each, until everything went or the attempts ran out."""
    pending = [(audience, message, to) for audience, message, recipients in letters for to in recipients]
    failures: dict[tuple[str, str], str] = {}
    envelope_from = parseaddr(settings.sender)[1]
    for attempt in range(1, settings.attempts + 1):
        if attempt > 1:
            sleep(settings.retry_delay * 2 ** (attempt - 2))
        of = f"attempt {attempt} of {settings.attempts}"
        try:
            smtp = _open(settings, config, login)
        except (OSError, smtplib.SMTPException) as exc:
            for audience, _, recipient in pending:
                _mark(store, run_id, audience, recipient, "sending")
                _mark(store, run_id, audience, recipient, "failed", _describe(exc))
                failures[(audience, recipient)] = f"{_describe(exc)} ({of})"
            if _is_permanent(exc):
                break
            continue
        retry: list[tuple[str, EmailMessage, str]] = []
        broken = False
        try:
            for entry in pending:
                audience, message, recipient = entry
                if broken:  # the session died: the rest wait for the next round, no attempt spent
                    retry.append(entry)
                    continue
                del message["To"]
                message["To"] = recipient
                _mark(store, run_id, audience, recipient, "sending")
                try:
                    smtp.send_message(message, from_addr=envelope_from, to_addrs=[recipient])
                except (OSError, smtplib.SMTPException) as exc:
                    _mark(store, run_id, audience, recipient, "failed", _describe(exc))
                    failures[(audience, recipient)] = f"{_describe(exc)} ({of})"
                    if not _is_permanent(exc):
                        retry.append(entry)
                    broken = isinstance(exc, (OSError, smtplib.SMTPServerDisconnected))
                else:
                    _mark(store, run_id, audience, recipient, "sent")
                    failures.pop((audience, recipient), None)
        finally:
            _close(smtp)
        pending = retry
        if not pending:
            break
    return failures
