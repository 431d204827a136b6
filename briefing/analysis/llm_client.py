"""One Chat Completions request, through the official `openai` SDK, within time and token limits.

    Endpoint.from_settings(settings)   base URL and key: config first, then OPENAI_* variables
    Client.complete(messages, name, schema) -> Reply     content with <think> removed, usage
    Ledger                             the run's token budget and usage totals (thread-safe)

Retries are done here, not by the SDK (`max_retries=0`): the same policy (408, 409, 429 and 5xx,
timeouts and dropped connections; `Retry-After` / `retry-after-ms` up to 120 s, else 0.5 s doubling
to 8 s with jitter), but no attempt starts, and no wait is begun, that would end after the run's
deadline. A server that rejects `json_schema` structured output is asked again in JSON mode,
with the schema in the prompt, for the rest of the run.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import openai as openai_sdk

from briefing.config import OpenAISettings
from briefing.errors import AnalysisError

RETRY_STATUS = frozenset({408, 409, 429})
MAX_RETRY_AFTER = 120.0
_THINK = re.compile(r"<(think|thinking|reasoning)>.*?</\1>", re.DOTALL | re.IGNORECASE)
_OPEN_THINK = re.compile(r"<(?:think|thinking|reasoning)>.*", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)
_CJK = re.compile(r"[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]")
PLACEHOLDER_KEY = "unused"  # local servers need no key, but the SDK wants one


class CallFailed(AnalysisError):
    """A request that did not produce a reply (after retries); `fatal` stops further calls.
    `billed` counts the attempts the server may have spent tokens on (it timed out or answered with
    something unusable): the run's budget is charged for them, an HTTP error costs nothing."""

    def __init__(self, message: str, *, fatal: bool = False, billed: int = 0) -> None:
        super().__init__(message)
        self.fatal = fatal
        self.billed = billed


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    api_key: str

    @classmethod
    def from_settings(cls, settings: OpenAISettings) -> Endpoint:
        """The key never comes from the config file itself, only from the environment."""
        base_url = settings.base_url or os.environ.get("OPENAI_BASE_URL") or None
        variable = settings.api_key_env or "OPENAI_API_KEY"
        key = os.environ.get(variable)
        if not key:
            if settings.api_key_env:
                raise AnalysisError(f"analysis.openai.api_key_env names {variable}, which is not set")
            if base_url is None:
                raise AnalysisError("no API key: set OPENAI_API_KEY, or analysis.openai.base_url/api_key_env")
            key = PLACEHOLDER_KEY
        return cls(base_url=base_url, api_key=key)


@dataclass(frozen=True)
class CallUsage:
    prompt: int = 0
    completion: int = 0
    cached: int = 0
    reported: bool = False

    def total(self) -> int:
        return self.prompt + self.completion


@dataclass(frozen=True)
class Reply:
    content: str
    finish_reason: str | None
    refusal: str | None
    usage: CallUsage


def estimate_tokens(text: str) -> int:
    """An upper-side guess: a CJK character is about a token, other text about 4 characters one."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def clean_content(content: str) -> str:
    """Reasoning text removed (closed or cut-off <think> blocks) and a ```json fence unwrapped."""
    content = _OPEN_THINK.sub("", _THINK.sub("", content)).strip()
    fenced = _FENCE.match(content)
    return fenced.group(1) if fenced else content


def _retry_after(headers: httpx.Headers | Any) -> float | None:
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name) if headers is not None else None
        if value is None:
            continue
        try:
            return float(value) / scale
        except ValueError:
            parsed = email.utils.parsedate_tz(value)
            if parsed is not None:
                return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    return None


@dataclass
class Ledger:
    """Token budget and usage of one run. Calls reserve their estimate before they start."""

    budget: int | None
    spent: int = 0
    reserved: int = 0
    calls: int = 0
    prompt: int = 0
    completion: int = 0
    cached: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reserve(self, tokens: int) -> bool:
        with self._lock:
            if self.budget is not None and self.spent + self.reserved + tokens > self.budget:
                return False
            self.reserved += tokens
            return True

    def charge_failed(self, reserved: int, attempts: int) -> None:
        """Release a failed call's reservation, charging its estimate for each attempt the server may
        have spent tokens on (timeouts, unusable answers): the budget errs on the side of the wallet."""
        with self._lock:
            self.reserved -= reserved
            self.spent += reserved * attempts

    def settle(self, reserved: int, usage: CallUsage | None) -> None:
        """Replace a reservation by what the call used (the estimate when usage was not reported)."""
        with self._lock:
            self.reserved -= reserved
            if usage is None:
                return
            self.calls += 1
            self.spent += usage.total() if usage.reported else reserved
            self.prompt += usage.prompt
            self.completion += usage.completion
            self.cached += usage.cached


class Client:
    def __init__(self, settings: OpenAISettings, deadline: float, endpoint: Endpoint | None = None) -> None:
        endpoint = endpoint or Endpoint.from_settings(settings)
        self.settings = settings
        self.deadline = deadline  # time.monotonic() value
        self.mode: Literal["json_schema", "json_object"] = settings.response_format
        self.sdk = openai_sdk.OpenAI(
            api_key=endpoint.api_key, base_url=endpoint.base_url, timeout=settings.timeout, max_retries=0
        )

    def close(self) -> None:
        self.sdk.close()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _body(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any]) -> dict[str, Any]:
        s = self.settings
        body: dict[str, Any] = {"model": s.model, s.max_tokens_field: s.max_output_tokens}
        if s.temperature is not None:
            body["temperature"] = s.temperature
        if self.mode == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "strict": True, "schema": schema},
            }
        else:
            body["response_format"] = {"type": "json_object"}
            hint = "Reply with JSON that follows this JSON Schema:\n" + json.dumps(
                schema, separators=(",", ":")
            )
            messages = [*messages[:-1], {**messages[-1], "content": messages[-1]["content"] + "\n" + hint}]
        body["messages"] = messages
        return body

    def complete(self, messages: list[dict[str, str]], name: str, schema: dict[str, Any]) -> Reply:
        """One reply, retrying what is worth retrying within the deadline; CallFailed otherwise."""
        attempt = billed = 0
        while True:
            left = self.remaining()
            if left <= 0:
                raise CallFailed("run deadline reached", billed=billed)
            sent_mode = self.mode
            body = self._body(messages, name, schema)
            try:
                response = self.sdk.chat.completions.create(**body, timeout=min(self.settings.timeout, left))
            except openai_sdk.APIStatusError as exc:
                if exc.status_code == 400 and sent_mode == "json_schema" and _about_format(exc):
                    self.mode = "json_object"  # the server has no structured output: JSON mode from now on
                    continue
                retryable = exc.status_code in RETRY_STATUS or exc.status_code >= 500
                if not retryable:
                    fatal = exc.status_code in (401, 403, 404)
                    raise CallFailed(
                        f"HTTP {exc.status_code}: {_message(exc)}", fatal=fatal, billed=billed
                    ) from exc
                delay = _retry_after(exc.response.headers)
                problem = f"HTTP {exc.status_code}"
            except openai_sdk.APITimeoutError as exc:
                delay, problem = None, "timed out"
                billed += 1  # the server may have gone on generating
                if self.remaining() <= 0:
                    raise CallFailed("timed out at the run deadline", billed=billed) from exc
            except openai_sdk.APIConnectionError as exc:
                delay, problem = None, f"connection failed ({type(exc.__cause__).__name__})"
            except openai_sdk.OpenAIError as exc:  # a 200 whose body is not a completion
                raise CallFailed(f"unusable response: {exc}", billed=billed + 1) from exc
            else:
                return _reply(response)
            if attempt >= self.settings.max_retries:
                raise CallFailed(f"{problem} after {attempt + 1} attempts", billed=billed)
            if delay is not None and delay > MAX_RETRY_AFTER:
                raise CallFailed(f"{problem}; the server asks to wait {delay:.0f} s", billed=billed)
            if delay is None or delay < 0:
                delay = min(0.5 * 2**attempt, 8.0) * (1 - 0.25 * random.random())
            if delay >= self.remaining():
                raise CallFailed(f"{problem}; no time left before the run deadline", billed=billed)
            time.sleep(delay)
            attempt += 1


def _about_format(exc: openai_sdk.APIStatusError) -> bool:
    text = _message(exc).lower()
    return "response_format" in text or "json_schema" in text or "structured" in text


def _message(exc: openai_sdk.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])[:300]
    return str(exc.message)[:300]


def _reply(response: Any) -> Reply:
    usage = getattr(response, "usage", None)
    if usage is not None:
        details = getattr(usage, "prompt_tokens_details", None)
        counted = CallUsage(
            prompt=int(usage.prompt_tokens or 0),
            completion=int(usage.completion_tokens or 0),
            cached=int(getattr(details, "cached_tokens", 0) or 0) if details is not None else 0,
            reported=True,
        )
    else:
        counted = CallUsage()
    choices = getattr(response, "choices", None) or []
    if not choices:
        return Reply(content="", finish_reason=None, refusal=None, usage=counted)
    choice = choices[0]
    message = choice.message
    return Reply(
        content=message.content or "",
        finish_reason=choice.finish_reason,
        refusal=getattr(message, "refusal", None),
        usage=counted,
    )
