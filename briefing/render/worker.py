"""The render worker: ``python -m briefing.render.worker MAX_MEMORY_MIB``.

Reads render jobs (JSON frames) on stdin and answers each with a JSON header frame and, on
success, a frame of PDF bytes on stdout; see ``briefing.render.sandbox``. Its address space is
capped with RLIMIT_AS before WeasyPrint is imported, and it never writes core files. Anything
else that would print to stdout goes to stderr so the frames stay intact.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

MIB = 1024 * 1024


def _limit_memory(max_mib: int) -> None:
    try:
        import resource
    except ImportError:  # not a POSIX system: only the wall-clock limit applies
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max_mib * MIB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class _Collect(logging.Handler):
    """WeasyPrint's warnings (CSS it ignored, resources it could not load), sent to the parent."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:1000])


def _job(request: dict[str, Any], collect: _Collect) -> tuple[dict[str, Any], bytes]:
    from briefing.errors import RenderError
    from briefing.render.pdf import PdfMetadata, render_in_process

    collect.messages = []
    created = datetime.fromisoformat(request["created"]) if request.get("created") else None
    meta = PdfMetadata(
        title=request["title"],
        author=request.get("author", ""),
        subject=request.get("subject", ""),
        keywords=request.get("keywords", []),
        created=created,
    )
    try:
        rendered = render_in_process(request["html"], [Path(r) for r in request["roots"]], meta)
    except RenderError as exc:
        return {"ok": False, "error": str(exc), "warnings": collect.messages}, b""
    header = {"ok": True, "fetched": rendered.fetched, "pages": rendered.pages, "warnings": collect.messages}
    return header, rendered.pdf


def main(argv: list[str]) -> int:
    _limit_memory(int(argv[1]) if len(argv) > 1 else 2048)
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())

    from briefing.render.sandbox import read_frame, write_frame

    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    import weasyprint  # noqa: F401  (imported before the first job, not during it)

    while True:
        frame = read_frame(requests)
        if frame is None:
            return 0
        fatal = False
        request = json.loads(frame)
        try:
            header, body = _job(request, collect)
        except MemoryError:
            # The heap may be in any state now: answer, then let the parent start a new worker.
            message = (
                f"PDF {request.get('title')!r}: rendering ran out of memory (render.max_memory) and was "
                "stopped; nothing was written"
            )
            header, body = {"ok": False, "fatal": True, "error": message, "warnings": []}, b""
            fatal = True
        write_frame(replies, json.dumps(header).encode("utf-8"))
        if header.get("ok"):
            write_frame(replies, body)
        replies.flush()
        if fatal:
            return 1
        # The layout ran with the collector off (pdf.py); free its cycles now, while the parent
        # writes the file, so that memory does not pile up from one document to the next.
        gc.collect()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
