"""Retrieving bytes: feeds and article pages over HTTP (httpx), or local files when allowed.

Retrieval is kept apart from parsing (lemon24/reader does the same): this module turns a
URL and its caching validators into bytes plus headers, or a FetchError; it never parses.
Every request has connect/read timeouts, a total deadline, a size cap that is enforced
while streaming *after* decompression (so a gzip bomb stops at the cap), at most five
redirects, each re-checked, and a configurable User-Agent.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from briefing.errors import FetchError

MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Limits:
    timeout: float = 20.0
    deadline: float = 60.0
    max_bytes: int = 15 * 1024 * 1024
    user_agent: str = "briefing/0.1"


@dataclass
class Response:
    url: str
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused URL scheme {scheme or 'none'!r} in {url}")


async def _get(client: httpx.AsyncClient, url: str, limits: Limits, headers: dict[str, str]) -> Response:
    for _hop in range(MAX_REDIRECTS + 1):
        _check_scheme(url)
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True)
        try:
            if response.status_code == 304:
                return Response(url=url, status=304, headers=dict(response.headers))
            if response.is_redirect:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        f"HTTP {response.status_code} redirect without Location", status=response.status_code
                    )
                url = urljoin(url, location)
                continue
            if response.status_code >= 400:
                retry_after = None
                if response.status_code in (429, 503):
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase}".strip(),
                    status=response.status_code,
                    retry_after=retry_after,
                )
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise FetchError(f"response of {int(declared)} bytes exceeds the {limits.max_bytes}-byte cap")
            chunks: list[bytes] = []
            size = 0
            # aiter_bytes yields decoded (decompressed) bytes: the cap applies after decompression.
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limits.max_bytes:
                    raise FetchError(f"response exceeds the {limits.max_bytes}-byte cap")
                chunks.append(chunk)
            return Response(
                url=str(response.url),
                status=response.status_code,
                content=b"".join(chunks),
                headers=dict(response.headers),
            )
        finally:
            await response.aclose()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    limits: Limits,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Response:
    """GET `url` within the limits; a 304 comes back as a Response, failures as FetchError."""
    headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        return await asyncio.wait_for(_get(client, url, limits, headers), timeout=limits.deadline)
    except TimeoutError:
        raise FetchError(f"no complete answer within {limits.deadline:g} s") from None
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out ({type(exc).__name__})") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc


def read_local(path: Path, limits: Limits) -> Response:
    """Read a feed file the config explicitly marked as local."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise FetchError(f"{path} is {size} bytes, over the {limits.max_bytes}-byte cap")
        data = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror}") from exc
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return Response(
        url=path.as_uri(),
        status=200,
        content=data,
        headers={"last-modified": email.utils.format_datetime(modified, usegmt=True)},
    )


def make_client(limits: Limits, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    timeout = httpx.Timeout(limits.timeout, connect=min(limits.timeout, 10.0))
    return httpx.AsyncClient(
        timeout=timeout,
        follow_redirects=False,  # followed by hand so every hop is checked
        transport=transport,
    )
