"""PDF rendering in a separate process with a wall-clock and a memory limit.

WeasyPrint has no limits of its own: a 5 MB summary lays out for minutes, absurd CSS can eat
all memory, and its docs say to use OS-level limits. So every PDF is made by a worker process
(``python -m briefing.render.worker``) whose address space is capped with ``RLIMIT_AS``, and the
parent stops waiting (and kills it) when the wall-clock limit passes. Either way the caller gets
a ``RenderError`` and nothing is written.

    parent                                   worker (one per process, started on first use)
    render_pdf(html, ...) --JSON request-->  RLIMIT_AS set; weasyprint imported once
                          <--JSON + PDF---   render_in_process(): SafeFetcher, metadata
    timeout: kill the worker, RenderError    MemoryError: report, exit; crash: parent sees EOF

Frames are an 8-byte big-endian length and the bytes. The worker is reused for the next PDF
(saving the interpreter and WeasyPrint start-up, about half a second) unless it failed.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import selectors
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import briefing
from briefing.errors import RenderError

MAX_REPLY_BYTES = 512 * 1024 * 1024
_HEADER = struct.Struct(">Q")
_log = logging.getLogger("weasyprint")


@dataclass(frozen=True)
class RenderLimits:
    """Limits for one PDF: wall-clock seconds and the worker's address space in MiB."""

    timeout: float = 120.0
    max_memory_mb: int = 2048


def write_frame(stream: IO[bytes], data: bytes) -> None:
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One frame from a blocking stream; None at end of file."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return body


class WorkerDied(Exception):
    pass


class _Worker:
    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        # Closed in close(); the worker writes its stderr here, read back when it dies.
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115
        env = dict(os.environ)
        # The worker imports this package from wherever the parent did, installed or not.
        package_root = str(Path(briefing.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "briefing.render.worker", str(limits.max_memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env=env,
        )
        self._buffer = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    def request(self, payload: dict[str, Any], deadline: float) -> tuple[dict[str, Any], bytes]:
        assert self.process.stdin is not None
        try:
            write_frame(self.process.stdin, json.dumps(payload).encode("utf-8"))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied(str(exc)) from exc
        header = json.loads(self._read_frame(deadline))
        body = self._read_frame(deadline) if header.get("ok") else b""
        return header, body

    def _read_frame(self, deadline: float) -> bytes:
        head = self._read_exactly(_HEADER.size, deadline)
        (size,) = _HEADER.unpack(head)
        if size > MAX_REPLY_BYTES:
            raise WorkerDied(f"reply of {size} bytes")
        return self._read_exactly(size, deadline)

    def _read_exactly(self, size: int, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks = [self._buffer] if self._buffer else []
        have = len(self._buffer)
        self._buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while have < size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                if not selector.select(remaining):
                    continue
                chunk = os.read(fd, max(size - have, 1 << 16))
                if not chunk:
                    raise WorkerDied("end of output")
                chunks.append(chunk)
                have += len(chunk)
        data = b"".join(chunks)
        self._buffer = data[size:]
        return data[:size]

    def failure(self) -> str:
        """Why the worker stopped: its exit status and the end of what it wrote to stderr."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.returncode
        self.stderr.seek(0)
        tail = self.stderr.read()[-600:].decode("utf-8", "replace").strip().splitlines()
        last = tail[-1] if tail else ""
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            status = f"killed by {name}"
        else:
            status = f"exit code {code}"
        return f"{status}{': ' + last if last else ''}"

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.stderr.close()


_lock = threading.Lock()
_worker: _Worker | None = None


def _get_worker(limits: RenderLimits) -> _Worker:
    global _worker
    if _worker is not None and (_worker.limits != limits or not _worker.alive()):
        _worker.close()
        _worker = None
    if _worker is None:
        _worker = _Worker(limits)
    return _worker


def _discard() -> None:
    global _worker
    if _worker is not None:
        _worker.kill()
        _worker.close()
        _worker = None


@atexit.register
def shutdown() -> None:
    """Stop the worker (it also stops by itself when this process's pipe closes)."""
    global _worker
    with _lock:
        if _worker is not None:
            _worker.close()
            _worker = None


def worker_pid() -> int | None:
    """The running worker's process id (benchmarks read its CPU time and peak memory)."""
    with _lock:
        return _worker.process.pid if _worker is not None and _worker.alive() else None


def start(limits: RenderLimits | None = None) -> None:
    """Start the worker now, so that its start-up overlaps other work."""
    with _lock:
        _get_worker(limits or RenderLimits())


def run_job(payload: dict[str, Any], limits: RenderLimits, title: str) -> tuple[dict[str, Any], bytes]:
    """Send one render job to the worker; a RenderError on any failure, the worker replaced."""
    with _lock:
        worker = _get_worker(limits)
        deadline = time.monotonic() + limits.timeout
        try:
            header, body = worker.request(payload, deadline)
        except TimeoutError:
            _discard()
            raise RenderError(
                f"PDF {title!r}: rendering took longer than {limits.timeout:g} s (render.timeout) and was "
                "stopped; nothing was written"
            ) from None
        except WorkerDied:
            why = worker.failure()
            _discard()
            raise RenderError(
                f"PDF {title!r}: the render process stopped unexpectedly ({why}); nothing was written "
                f"(memory limit {limits.max_memory_mb} MiB, render.max_memory)"
            ) from None
        for message in header.get("warnings", []):
            _log.warning("%s", message)
        if header.get("fatal"):
            _discard()
        if not header.get("ok"):
            raise RenderError(str(header.get("error") or f"PDF {title!r} could not be rendered"))
        return header, body
