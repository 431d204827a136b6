"""Ingest: every configured feed -> stored items, one FeedResult per feed.

Fetching is asynchronous (httpx, at most `fetch.concurrency` at once); parsing runs in a
process pool so that feedparser's CPU work neither blocks the fetching nor, when an item
is pathological, stalls the run: each feed's parse has a time limit. One feed's failure
is recorded in its FeedResult and in the store's feed health, never raised.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx

from briefing.config import Config, Feed
from briefing.errors import FeedParseError, FetchError
from briefing.models import FeedResult, Item
from briefing.sources import fulltext
from briefing.sources.fetch import Limits, fetch, make_client, read_local
from briefing.sources.parse import ParsedFeed, parse_document
from briefing.store import Store

Progress = Callable[[str, FeedResult], None]


def limits_for(config: Config) -> Limits:
    f = config.fetch
    return Limits(timeout=f.timeout, deadline=f.deadline, max_bytes=f.max_bytes, user_agent=f.user_agent)


def _pool() -> ProcessPoolExecutor:
    # forkserver: workers do not inherit the event loop's or a progress bar's threads.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["briefing.sources.parse"])
    return ProcessPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), mp_context=context)


def _stop(pool: ProcessPoolExecutor, stuck: bool) -> None:
    if stuck:
        # A parse that timed out is still running; end its worker instead of waiting.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


async def _ingest_feed(
    feed: Feed,
    config: Config,
    store: Store,
    client: httpx.AsyncClient,
    pool: ProcessPoolExecutor,
    semaphore: asyncio.Semaphore,
    now: datetime,
    stuck: list[str],
) -> FeedResult:
    state = store.feed_state(feed.name, feed.url)
    result = FeedResult(name=feed.name, url=feed.url, kind=feed.kind, status="ok")
    if state.paused_reason:
        return result.model_copy(update={"status": "paused", "error": f"paused: {state.paused_reason}"})
    if state.retry_at and datetime.fromisoformat(state.retry_at) > now:
        return result.model_copy(update={"status": "error", "error": f"rate limited until {state.retry_at}"})
    limits = limits_for(config)
    try:
        async with semaphore:
            if feed.local:
                response = read_local(config.feed_path(feed), limits)
            else:
                response = await fetch(
                    client, feed.url, limits, etag=state.etag, last_modified=state.last_modified
                )
        if response.not_modified:
            store.feed_not_modified(feed.name)
            return result.model_copy(update={"status": "not_modified"})
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(
            pool,
            _parse_job,
            response.content,
            response.headers,
            feed.name,
            response.url,
            feed.kind,
            now,
        )
        try:
            parsed: ParsedFeed = await asyncio.wait_for(job, timeout=config.fetch.parse_timeout)
        except TimeoutError:
            stuck.append(feed.name)
            raise FeedParseError(f"parsing took longer than {config.fetch.parse_timeout:g} s") from None
        headers = {k.lower(): v for k, v in response.headers.items()}
        new, updated = store.save_feed(
            feed.name, parsed.items, etag=headers.get("etag"), last_modified=headers.get("last-modified")
        )
        return result.model_copy(
            update={
                "items": len(parsed.items),
                "new": new,
                "updated": updated,
                "error": "; ".join(parsed.warnings) or None,
            }
        )
    except (FetchError, FeedParseError) as exc:
        status = exc.status if isinstance(exc, FetchError) else None
        retry_at = None
        if isinstance(exc, FetchError) and exc.retry_after is not None:
            retry_at = (now + timedelta(seconds=exc.retry_after)).isoformat(timespec="seconds")
        message = str(exc)
        health = store.feed_failed(
            feed.name,
            message,
            pause_after=config.fetch.pause_after,
            pause_now=status == 410,
            retry_at=retry_at,
        )
        if health.paused_reason:
            message += " (feed paused)"
        return result.model_copy(update={"status": "error", "error": message})


def _parse_job(
    data: bytes, headers: dict[str, str], feed: str, url: str, kind: str, now: datetime
) -> ParsedFeed:
    return parse_document(data, headers, feed=feed, feed_url=url, kind=kind, now=now)


async def _ingest(
    config: Config,
    store: Store,
    feeds: list[Feed],
    progress: Progress | None,
    transport: httpx.AsyncBaseTransport | None,
) -> list[FeedResult]:
    now = datetime.now(UTC)
    semaphore = asyncio.Semaphore(config.fetch.concurrency)
    stuck: list[str] = []
    pool = _pool()
    try:
        async with make_client(limits_for(config), transport) as client:

            async def one(feed: Feed) -> FeedResult:
                result = await _ingest_feed(feed, config, store, client, pool, semaphore, now, stuck)
                if progress:
                    progress(feed.name, result)
                return result

            return list(await asyncio.gather(*(one(feed) for feed in feeds)))
    finally:
        _stop(pool, bool(stuck))


def ingest(
    config: Config,
    store: Store,
    *,
    progress: Progress | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[FeedResult]:
    """Fetch, parse and store every configured feed; one FeedResult each, in config order."""
    return asyncio.run(_ingest(config, store, list(config.feeds), progress, transport))


# -- full text -------------------------------------------------------------------------


def needs_fulltext(item: Item, feed: Feed | None, min_chars: int) -> bool:
    """Whether the item wants its article page (one that failed before is `retry_due`'s to decide)."""
    if feed is None or feed.fulltext == "never" or "fulltext" in item.flags:
        return False
    return feed.fulltext == "always" or len(item.text) < min_chars


# A failure that may pass: no answer, a refused connection, a busy or broken server.
_PASSING = frozenset({408, 425, 429, 500, 502, 503, 504})


def _passing(exc: FetchError) -> bool:
    return exc.status is None or exc.status in _PASSING


async def _fill(
    items: list[Item],
    config: Config,
    store: Store,
    transport: httpx.AsyncBaseTransport | None,
) -> dict[str, Item]:
    archive = fulltext.Archive(config.resolve(config.fetch.archive)) if config.fetch.archive else None
    limits = limits_for(config)
    semaphore = asyncio.Semaphore(config.fetch.concurrency)
    updated: dict[str, Item] = {}
    async with make_client(limits, transport) as client:

        async def one(item: Item) -> None:
            cached = store.article(item.url)
            article: fulltext.Article | None = None
            error: str | None = None
            retry = False
            if (
                cached is not None
                and not cached["text"]
                and store.article_due(
                    item.url, attempts=config.fetch.fulltext_attempts, after=config.fetch.fulltext_retry_after
                )
            ):
                cached = None  # a passing failure last time: try the page again
            if cached is not None:
                if cached["text"]:
                    article = fulltext.Article(item.url, cached["final_url"] or item.url, cached["text"])
                else:
                    error = cached["error"] or "no text"
            else:
                try:
                    page = archive.get(item.url) if archive else None
                    final = item.url
                    if page is None:
                        async with semaphore:
                            response = await fetch(client, item.url, limits)
                        page, final = response.content, response.url
                    article = await asyncio.to_thread(fulltext.extract, page, final)
                except FetchError as exc:
                    error, retry = str(exc), _passing(exc)
                store.save_article(
                    item.url,
                    final_url=article.final_url if article else None,
                    text=article.text if article else None,
                    error=error,
                    retry=retry,
                )
            if article is not None and len(article.text) > len(item.text):
                flags = sorted((set(item.flags) - {"fulltext_failed"}) | {"fulltext"})
                store.set_item_text(item.id, text=article.text, url=article.final_url, flags=flags)
                updated[item.id] = item.model_copy(
                    update={"text": article.text, "url": article.final_url, "flags": flags}
                )
            elif error is not None:
                flags = sorted(set(item.flags) | {"fulltext_failed"})
                store.set_item_text(item.id, text=item.text, url=None, flags=flags)
                updated[item.id] = item.model_copy(update={"flags": flags})

        await asyncio.gather(*(one(item) for item in items))
    return updated


def fill_fulltext(
    items: list[Item],
    config: Config,
    store: Store,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Item]:
    """Fetch article pages for headline-only items; return the items with their new text."""
    wanted = [i for i in items if needs_fulltext(i, config.feed(i.feed), config.fetch.fulltext_min_chars)]
    wanted = [i for i in wanted if i.url.startswith(("http://", "https://"))]
    fetch = config.fetch
    wanted = [
        i
        for i in wanted
        if "fulltext_failed" not in i.flags
        or store.article_due(i.url, attempts=fetch.fulltext_attempts, after=fetch.fulltext_retry_after)
    ]
    if not wanted:
        return items
    changed = asyncio.run(_fill(wanted, config, store, transport))
    return [changed.get(i.id, i) for i in items]
