"""A real OpenAI-compatible HTTP server on 127.0.0.1 with scripted replies, for the LLM tests.

    with FakeOpenAI(responder) as fake:        # responder(Request) -> Answer
        ... base_url = fake.base_url ...       # "http://127.0.0.1:PORT/v1"
        fake.requests                          # every POST /v1/chat/completions, parsed

An `Answer` is a completion (content, finish_reason, refusal, usage) or an HTTP error (status,
headers such as Retry-After), optionally after a delay ("hang"); hanging handlers are released
when the server stops. Usage is reported as the answer says, else as len(text) / 4.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

from tests.conftest import QuietHandler

MATERIAL = re.compile(r'<material id="([^"]+)"[^>]*>\n(.*?)\n</material>', re.DOTALL)
STATEMENT = re.compile(
    r'<statement id="([^"]+)" side="([^"]*)"[^>]*topic="([^"]*)">\n(.*?)\n</statement>', re.DOTALL
)


@dataclass
class Request:
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    reported: tuple[int, int, int] | None = None  # usage the fake answered with

    @property
    def text(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))

    @property
    def kind(self) -> str:
        """story_analysis or synthesis (from the schema name, else from the prompt)."""
        fmt = self.body.get("response_format") or {}
        if fmt.get("type") == "json_schema":
            return str(fmt["json_schema"]["name"])
        return "synthesis" if "<statement id=" in self.text else "story_analysis"

    @property
    def materials(self) -> dict[str, str]:
        """item id -> the block's text (title line, blank line, text) as sent."""
        return dict(MATERIAL.findall(self.text))

    @property
    def statements(self) -> dict[str, tuple[str, str, str]]:
        """statement id -> (side, topic, quote) of a synthesis request."""
        return {sid: (side, topic, quote) for sid, side, topic, quote in STATEMENT.findall(self.text)}

    @property
    def story_id(self) -> str | None:
        found = re.search(r"Analyse story (s-[0-9a-f]+)", self.text)
        return found.group(1) if found else None

    @property
    def repair(self) -> bool:
        return "could not be used" in str(self.body["messages"][-1].get("content", ""))


@dataclass
class Answer:
    content: str | None = ""
    finish_reason: str = "stop"
    refusal: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang: float = 0.0
    usage: tuple[int, int, int] | None = None  # prompt, completion, cached
    report_usage: bool = True
    message: str = ""  # the error message of a non-200 answer


def json_answer(data: Any, **kw: Any) -> Answer:
    return Answer(content=json.dumps(data, ensure_ascii=False), **kw)


class FakeOpenAI:
    def __init__(self, responder: Callable[[Request], Answer]) -> None:
        self.responder = responder
        self.requests: list[Request] = []
        self.released = threading.Event()
        self._lock = threading.Lock()
        fake = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                request = Request(body, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                with fake._lock:
                    fake.requests.append(request)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}}, {})
                    return
                answer = fake.responder(request)
                if answer.hang and fake.released.wait(answer.hang):
                    return
                if answer.status != 200:
                    text = answer.message or f"scripted {answer.status}"
                    message = {"error": {"message": text, "type": "invalid_request_error"}}
                    self._send(answer.status, message, answer.headers)
                    return
                self._send(200, fake.completion(request, answer), answer.headers)

            def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout): nothing to answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @staticmethod
    def completion(request: Request, answer: Answer) -> dict[str, Any]:
        prompt, completion, cached = answer.usage or (
            (len(json.dumps(request.body.get("messages", []))) + 3) // 4,
            (len(answer.content or "") + 3) // 4,
            0,
        )
        payload: dict[str, Any] = {
            "id": f"chatcmpl-{len(request.text)}",
            "object": "chat.completion",
            "created": 1_770_000_000,
            "model": request.body.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer.content, "refusal": answer.refusal},
                    "finish_reason": answer.finish_reason,
                }
            ],
        }
        if answer.report_usage:
            request.reported = (prompt, completion, cached)
            payload["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                "total_tokens": prompt + completion,
                "prompt_tokens_details": {"cached_tokens": cached},
            }
        return payload

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def count(self, kind: str | None = None) -> int:
        return sum(1 for r in self.requests if kind is None or r.kind == kind)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
